import { Role } from './principal';

// Partners explore the data without seeing who the people are. Masking keeps the shape of a
// value (so a partner can tell a filled field from an empty one, and a domain's TLD from
// another) and nothing that identifies a person. It is applied when a customer is mapped to
// its GraphQL type, which every path to a customer goes through.

/** Whether this role sees personal data masked. */
export function masksPersonalData(role: Role | undefined): boolean {
  return role === Role.PARTNER;
}

/** `jane.doe@example.com` → `j***@e***.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) {
    return '***';
  }
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';

  return `${email[0]}***@${domain[0] ?? ''}***${tld}`;
}

/** `+441234567123` → `+44 *** *** 123`: the country code and the last three digits stay. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  const country = phone.trim().startsWith('+') ? `+${digits.slice(0, 2)} ` : '';

  return `${country}*** *** ${digits.slice(-3)}`;
}

/** `Jane Doe` → `J*** D***`. */
export function maskName(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${word[0]}***`)
    .join(' ');
}

/** `1984-06-02` → `1984-**-**`: the year keeps age analyses possible. */
export function maskBirthDate(date: string): string {
  return `${date.slice(0, 4)}-**-**`;
}

/** Free text is masked whole; numbers and booleans carry no identity and stay. */
export function maskFreeText(value: unknown): unknown {
  if (typeof value === 'string') {
    return '***';
  }
  if (Array.isArray(value)) {
    return value.map(maskFreeText);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, maskFreeText(inner)]),
    );
  }

  return value;
}

/**
 * A role that sees personal data masked must not filter or sort by it either: "name contains
 * 'ann'" answered with a count reveals what the mask hides. Returns the offending argument, or
 * null when the request is allowed.
 */
export function maskedArgument(
  role: Role | undefined,
  filter: { text?: string | null } | null | undefined,
  sortField: string | null | undefined,
): string | null {
  if (!masksPersonalData(role)) {
    return null;
  }
  if (filter?.text) {
    return 'filter.text';
  }

  return sortField === 'NAME' ? 'orderBy.field' : null;
}

/**
 * Whether a profile condition of a segment rule tests a value that a masking role sees masked on
 * the customer: the city, and custom attributes read as text (STRING, DATE: JSON strings, shown
 * as `***`). Numbers and booleans stay, and so does AGE, as the birth year does.
 */
export function isMaskedProfileField(field: string, type?: string | null): boolean {
  return field === 'CITY' || (field === 'ATTRIBUTE' && type !== 'NUMBER' && type !== 'BOOLEAN');
}

/** A segment rule as sent (GraphQL input or JSON), as far as masking needs to read it. */
export interface MaskableRuleNode {
  all?: readonly MaskableRuleNode[] | null;
  any?: readonly MaskableRuleNode[] | null;
  not?: MaskableRuleNode | null;
  profile?: { field?: string | null; type?: string | null } | null;
  behaviour?: { property?: { equals?: unknown } | null } | null;
}

/**
 * The segment-rule counterpart of maskedArgument: a rule a masking role evaluates must not test
 * a masked value (the city, a text attribute, text in interaction properties), anywhere in its
 * tree, since the size and sample of what it selects would reveal it. Returns the path of the
 * first offending condition with the root at `field` (`definition.all[1].profile`, as
 * parseDefinition names parts), or null when the rule is allowed.
 */
export function maskedRuleCondition(
  role: Role | undefined,
  rule: MaskableRuleNode | null | undefined,
  field: string,
): string | null {
  if (!masksPersonalData(role)) {
    return null;
  }
  // Depth-first with an explicit stack, in the order the tree is written, so the first
  // offending condition is reported whatever the nesting.
  const stack: Array<[MaskableRuleNode | null | undefined, string]> = [[rule, field]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (!node) {
      continue;
    }
    const { profile, behaviour } = node;
    if (profile?.field && isMaskedProfileField(profile.field, profile.type)) {
      return `${path}.profile`;
    }
    if (typeof behaviour?.property?.equals === 'string') {
      return `${path}.behaviour.property`;
    }
    const children: Array<[MaskableRuleNode | null | undefined, string]> = [];
    for (const key of ['all', 'any'] as const) {
      (node[key] ?? []).forEach((child, i) => children.push([child, `${path}.${key}[${i}]`]));
    }
    if (node.not) {
      children.push([node.not, `${path}.not`]);
    }
    stack.push(...children.reverse());
  }

  return null;
}
