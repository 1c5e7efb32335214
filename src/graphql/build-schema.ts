import './enums';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import type { Services } from '../services';
import { createContainer } from './container';
import { RESOLVERS } from './resolvers';
import { rootFieldRoles } from './root-field-roles';
import { validateSubscriptionArguments } from './subscription-args';
import { preferSimpleFields } from './simple-fields';
import { validateArgument } from './validate';

/** The executable schema: resolvers, one auth checker, argument validation, pub/sub. */
export async function buildPulseSchema(services: Services, pubSub: PubSub): Promise<GraphQLSchema> {
  preferSimpleFields();
  const schema = await buildSchema({
    pubSub,
    resolvers: RESOLVERS,
    authChecker,
    validateFn: validateArgument,
    container: createContainer(services),
  });
  validateSubscriptionArguments(schema);
  // type-graphql has no option for describing the root types; every type gets a description.
  describe(schema.getQueryType(), 'Reads: customers, their activity and orders, any object by id.');
  describe(schema.getMutationType(), 'Writes: customers, ingestion of interactions and orders.');
  describe(schema.getSubscriptionType(), 'Live events over WebSocket (graphql-ws protocol).');
  printRoles(schema);

  return schema;
}

// Partners read the schema in the playground's documentation explorer: each root field says
// which roles may call it, from the same declarations the auth checker enforces.
function printRoles(schema: GraphQLSchema): void {
  const roles = rootFieldRoles();
  const roots = {
    query: schema.getQueryType(),
    mutation: schema.getMutationType(),
    subscription: schema.getSubscriptionType(),
  };
  for (const [kind, type] of Object.entries(roots)) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const allowed = roles[`${kind} ${field.name}`] ?? [];
      field.description = `${field.description ?? ''} Roles: ${allowed.join(', ')}.`.trim();
    }
  }
}

function describe(type: GraphQLObjectType | null | undefined, description: string): void {
  if (type) {
    type.description = description;
  }
}
