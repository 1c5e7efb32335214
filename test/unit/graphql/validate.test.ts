import 'reflect-metadata';
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

function resolverData(context: object): ResolverData {
  const info = { parentType: schema.getQueryType(), fieldName: 'items' } as GraphQLResolveInfo;

  return { root: {}, args: {}, context, info };
}

describe('validateArgument', () => {
  it('checks equal arguments once per request, and again in another request', () => {
    const request = {};
    const first = validateArgument(windowOf(5), Window, resolverData(request));
    const repeated = validateArgument(windowOf(5), Window, resolverData(request));
    const otherValue = validateArgument(windowOf(6), Window, resolverData(request));
    const otherRequest = validateArgument(windowOf(5), Window, resolverData({}));

    expect(first).toBeInstanceOf(Promise);
    expect(repeated).toBe(first);
    expect(otherValue).not.toBe(first);
    expect(otherRequest).not.toBe(first);
  });

  it('rejects every use of an invalid argument with the field path, also when repeated', async () => {
    const request = {};
    for (let i = 0; i < 2; i++) {
      const check = validateArgument(windowOf(-1), Window, resolverData(request));
      await expect(check).rejects.toBeInstanceOf(PulseError);
      await expect(check).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'window.first',
      });
    }
  });

  it('accepts a valid argument', async () => {
    await expect(validateArgument(windowOf(0), Window, resolverData({}))).resolves.toBeUndefined();
  });
});
