import 'reflect-metadata';
import * as classValidator from 'class-validator';
import { Min } from 'class-validator';
import { buildSchema, type GraphQLResolveInfo } from 'graphql';
import type { ResolverData } from 'type-graphql';
import { PulseError } from '../../../src/errors';
import { validateArgument } from '../../../src/graphql/validate';

class Window {
  @Min(0)
  first!: number;
}

function windowOf(first: number): Window {
  return Object.assign(new Window(), { first });
}

// A field whose argument `window` has the class's name as its type, as type-graphql builds it.
const schema = buildSchema(`
  input Window { first: Int }
  type Query { items(window: Window): Int }
`);

function resolverData(context: object = {}, operation = 'query'): ResolverData {
  const info = {
    parentType: schema.getQueryType(),
    fieldName: 'items',
    operation: { operation },
  } as unknown as GraphQLResolveInfo;

  return { root: {}, args: {}, context, info };
}

// Verdicts outlive requests, so every test checks values of its own.
describe('validateArgument', () => {
  const validate = jest.spyOn(classValidator, 'validate');

  beforeEach(() => validate.mockClear());

  it('checks a value once, for every call in this request and in later ones', async () => {
    const request = {};
    await Promise.all([
      validateArgument(windowOf(5), Window, resolverData(request)),
      validateArgument(windowOf(5), Window, resolverData(request)),
    ]);
    await validateArgument(windowOf(5), Window, resolverData({}));
    expect(validate).toHaveBeenCalledTimes(1);

    await validateArgument(windowOf(6), Window, resolverData(request));
    expect(validate).toHaveBeenCalledTimes(2);
  });

  it('rejects every use of an invalid value with the field path, checking it each time', async () => {
    const refusals: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const check = validateArgument(windowOf(-1), Window, resolverData());
      await expect(check).rejects.toBeInstanceOf(PulseError);
      await expect(check).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'window.first' });
      refusals.push(await (check as Promise<void>).catch((error: unknown) => error));
    }
    expect(validate).toHaveBeenCalledTimes(2);
    expect(refusals[0]).not.toBe(refusals[1]);
  });

  it('checks mutation inputs every time, keeping none of their values', async () => {
    for (let i = 0; i < 2; i++) {
      await validateArgument(windowOf(7), Window, resolverData({}, 'mutation'));
    }
    expect(validate).toHaveBeenCalledTimes(2);

    // Nor does a mutation leave its value for a query to find.
    await validateArgument(windowOf(7), Window, resolverData({}));
    expect(validate).toHaveBeenCalledTimes(3);
  });

  it('accepts a valid value and leaves scalars to GraphQL', async () => {
    await expect(validateArgument(windowOf(0), Window, resolverData())).resolves.toBeUndefined();
    expect(validateArgument(-1, Number, resolverData())).toBeUndefined();
  });
});
