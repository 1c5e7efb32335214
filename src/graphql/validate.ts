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
 * A list repeats its items' arguments (`interactions(first: 5)` for each of 50 customers) and
 * the items' resolvers run together, so one check per argument name, class and value serves a
 * whole request: class-validator's answer cannot differ, and checking 100 equal arguments took
 * 12 % of the CPU of a page of 50 customers.
 */
export const validateArgument: ValidatorFn = (value, type, resolverData) => {
  if (value === null || value === undefined || typeof type !== 'function') {
    return;
  }
  const argName = argumentName(resolverData, (type as { name: string }).name);
  const checks = checksOf(resolverData.context as object, type);
  const key = `${argName}:${JSON.stringify(value)}`;
  let check = checks.get(key);
  if (!check) {
    check = checkArgument(value, argName);
    checks.set(key, check);
  }

  return check;
};

async function checkArgument(value: unknown, argName: string): Promise<void> {
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
  if (problems.length > 0) {
    throw new PulseError('BAD_USER_INPUT', problems[0].message, problems[0].field, {
      problems,
    });
  }
}

/** Checks made for each request (its context), by argument class, then name and value. */
const checksByRequest = new WeakMap<object, Map<Function, Map<string, Promise<void>>>>();

function checksOf(context: object, type: Function): Map<string, Promise<void>> {
  let byType = checksByRequest.get(context);
  if (!byType) {
    byType = new Map();
    checksByRequest.set(context, byType);
  }
  let checks = byType.get(type);
  if (!checks) {
    checks = new Map();
    byType.set(type, checks);
  }

  return checks;
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
