import { validate, type ValidationError } from 'class-validator';
import { getNamedType, type GraphQLResolveInfo } from 'graphql';
import type { ResolverData, ValidatorFn } from 'type-graphql';
import { PulseError } from '../errors';

/** One invalid field of an input: its path from the argument name, and why. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Validates every argument with class-validator and reports each bad field by its full path
 * (`input.customers[3].email`). type-graphql's own validation does not know the argument's
 * name; the resolver's field definition does, so it is looked up there.
 *
 * class-validator checks objects only, and its verdict on a value depends on nothing but the
 * argument's name, class and value, so values that passed are remembered across requests: a
 * page of 50 customers asks for `interactions(first: 5)` 50 times and every page asks again,
 * and class-validator searches all its metadata on each call (3 % of the page's CPU). Each
 * refusal is its own error, never one shared with another request.
 */
export const validateArgument: ValidatorFn = (value, type, resolverData) => {
  if (value === null || typeof value !== 'object' || typeof type !== 'function') {
    return;
  }
  const argName = argumentName(resolverData, type.name);
  const info = resolverData.info as GraphQLResolveInfo;
  const checked =
    info.operation?.operation === 'mutation'
      ? problemsOf(value, argName)
      : verdictOn(type, argName, value);

  return checked.then((problems) => {
    if (problems.length > 0) {
      throw new PulseError('BAD_USER_INPUT', problems[0].message, problems[0].field, {
        problems,
      });
    }
  });
};

// Per class, the checks under way and the values that passed, oldest dropped first. Values whose
// JSON is longer than a page argument with a cursor are checked every time: they rarely repeat
// and would push the small ones out. So are mutation inputs, whatever their size: they rarely
// repeat either, and they carry names and emails that must not outlive a request in memory (an
// erased customer's among them).
const MAX_VERDICTS_PER_CLASS = 500;
const MAX_KEY_LENGTH = 1_000;
const verdicts = new WeakMap<Function, Map<string, Promise<FieldProblem[]>>>();

function verdictOn(type: Function, argName: string, value: object): Promise<FieldProblem[]> {
  const key = `${argName}:${JSON.stringify(value)}`;
  if (key.length > MAX_KEY_LENGTH) {
    return problemsOf(value, argName);
  }
  const known = verdictsOf(type);
  const kept = known.get(key);
  if (kept) {
    return kept;
  }
  if (known.size >= MAX_VERDICTS_PER_CLASS) {
    known.delete(known.keys().next().value as string);
  }
  const checked = problemsOf(value, argName);
  const forget = () => known.get(key) === checked && known.delete(key);
  // Only a pass is kept: the birth date check compares with today, so a value refused today may
  // pass tomorrow, while one that passes stays valid.
  checked.then((problems) => problems.length > 0 && forget(), forget);
  known.set(key, checked);

  return checked;
}

function verdictsOf(type: Function): Map<string, Promise<FieldProblem[]>> {
  let known = verdicts.get(type);
  if (!known) {
    known = new Map();
    verdicts.set(type, known);
  }

  return known;
}

async function problemsOf(value: object, argName: string): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const values: unknown[] = Array.isArray(value) ? value : [value];
  for (const [index, item] of values.entries()) {
    if (typeof item !== 'object' || item === null) {
      continue;
    }
    const base = Array.isArray(value) ? `${argName}[${index}]` : argName;
    const errors = await validate(item, {
      forbidUnknownValues: false,
      validationError: { target: false },
    });
    problems.push(...flatten(errors, base));
  }

  return problems;
}

function argumentName(resolverData: ResolverData, typeName: string): string {
  const info = resolverData.info as GraphQLResolveInfo;
  const field = info.parentType.getFields()[info.fieldName];
  const arg = field?.args.find((candidate) => getNamedType(candidate.type).name === typeName);

  // @Args() classes spread their fields over the field's arguments: paths start at the field.
  return arg?.name ?? '';
}

function flatten(errors: ValidationError[], base: string): FieldProblem[] {
  return errors.flatMap((error) => {
    const path = /^\d+$/.test(error.property)
      ? `${base}[${error.property}]`
      : base
        ? `${base}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field: path,
      message: message.replace(/^\S+/, path),
    }));

    return [...own, ...flatten(error.children ?? [], path)];
  });
}
