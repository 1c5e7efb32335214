import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isAbstractType,
  type IntrospectionQuery,
} from 'graphql';
import { Role } from '../../../src/auth/principal';
import { rootFieldRoles, type RootKind } from '../../../src/graphql/root-field-roles';
import { describeEachDialect } from '../support/dialects';
import { firstError } from '../support/expect-error';
import type { GraphqlResponse } from '../support/start-pulse';
import { wsClient } from '../support/ws';
import { wsRequest } from '../support/ws-request';

// Every root field is called by every role with placeholder arguments of the right types.
// The auth checker runs before argument validation, so a role without the right gets FORBIDDEN
// and a role with it gets anything else (usually BAD_USER_INPUT for the placeholders). The
// expected roles come from the same metadata the inventory snapshot pins, so adding a field
// adds it here with no edit.

/** A value of `type` that passes GraphQL's own coercion (not necessarily Pulse's validation). */
function placeholder(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) {
    return placeholder(type.ofType);
  }
  if (isListType(type)) {
    return [placeholder(type.ofType)];
  }
  if (isEnumType(type)) {
    return type.getValues()[0].value;
  }
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => [field.name, placeholder(field.type)]),
    );
  }
  const scalars: Record<string, unknown> = {
    Int: 1,
    Float: 1,
    Boolean: true,
    DateTimeISO: '2026-01-01T00:00:00.000Z',
    JSONObject: {},
  };

  return scalars[type.name] ?? 'x';
}

/** An operation calling `field` with placeholders for its required arguments. */
function operationFor(kind: RootKind, field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((arg) => isNonNullType(arg.type));
  const declarations = required.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const call = required.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const returned = getNamedType(field.type);
  const selection = isObjectType(returned) || isAbstractType(returned) ? ' { __typename }' : '';

  return {
    query: `${kind}${declarations ? `(${declarations})` : ''} { ${field.name}${
      call ? `(${call})` : ''
    }${selection} }`,
    variables: Object.fromEntries(required.map((arg) => [arg.name, placeholder(arg.type)])),
  };
}

function rootFields(schema: GraphQLSchema, kind: RootKind) {
  const type =
    kind === 'query'
      ? schema.getQueryType()
      : kind === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType();

  return Object.values(type?.getFields() ?? {});
}

const ROLES = Object.values(Role);
const declared = rootFieldRoles();

describeEachDialect('who may call what', (pulse) => {
  let schema: GraphQLSchema;

  beforeAll(async () => {
    const { data } = await pulse().query<IntrospectionQuery>(getIntrospectionQuery());
    schema = buildClientSchema(data as IntrospectionQuery);
  });

  it('covers every root field of the served schema with a declared role list', () => {
    const served = (['query', 'mutation', 'subscription'] as const).flatMap((kind) =>
      rootFields(schema, kind).map((field) => `${kind} ${field.name}`),
    );
    expect(served.sort()).toEqual(Object.keys(declared).sort());
  });

  it.each(['query', 'mutation'] as const)(
    'answers each %s over HTTP with FORBIDDEN exactly for the roles not granted it',
    async (kind) => {
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const field of rootFields(schema, kind)) {
        const { query, variables } = operationFor(kind, field);
        for (const role of ROLES) {
          const response = await pulse().query(query, variables, { role });
          const code = response.errors?.[0]?.extensions?.code;
          const allowed = declared[`${kind} ${field.name}`].includes(role);
          outcomes.push(`${field.name} ${role} ${code === 'FORBIDDEN' ? 'FORBIDDEN' : 'passes'}`);
          expected.push(`${field.name} ${role} ${allowed ? 'passes' : 'FORBIDDEN'}`);
        }
      }
      expect(outcomes).toEqual(expected);
    },
  );

  it.each(['query', 'mutation'] as const)(
    'answers each %s without a key with UNAUTHENTICATED',
    async (kind) => {
      for (const field of rootFields(schema, kind)) {
        const { query, variables } = operationFor(kind, field);
        const response = await pulse().query(query, variables, { key: null });
        expect([field.name, response.errors?.[0]?.extensions?.code]).toEqual([
          field.name,
          'UNAUTHENTICATED',
        ]);
      }
    },
  );

  it('answers each subscription over WebSocket with FORBIDDEN exactly for the roles not granted it', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const field of rootFields(schema, 'subscription')) {
      const { query, variables } = operationFor('subscription', field);
      for (const role of ROLES) {
        const client = wsClient(pulse(), pulse().keys[role]);
        // A granted subscription stays open and yields nothing; the race ends it after 500 ms.
        const outcome: Pick<GraphqlResponse, 'errors'> = await Promise.race([
          wsRequest(client, query, variables).catch((error: unknown) => ({
            errors: [{ message: String(error), extensions: {} }],
          })),
          new Promise<Pick<GraphqlResponse, 'errors'>>((resolve) =>
            setTimeout(() => resolve({}), 500),
          ),
        ]);
        await client.dispose();
        const code = firstError(outcome)?.code;
        const allowed = declared[`subscription ${field.name}`].includes(role);
        outcomes.push(`${field.name} ${role} ${code === 'FORBIDDEN' ? 'FORBIDDEN' : 'passes'}`);
        expected.push(`${field.name} ${role} ${allowed ? 'passes' : 'FORBIDDEN'}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });
});
