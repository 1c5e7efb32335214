import './enums';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import type { Services } from '../services';
import { createContainer } from './container';
import { RESOLVERS } from './resolvers';
import { validateArgument } from './validate';

/** The executable schema: resolvers, one auth checker, argument validation, pub/sub. */
export function buildPulseSchema(services: Services, pubSub: PubSub): Promise<GraphQLSchema> {
  return buildSchema({
    pubSub,
    resolvers: RESOLVERS,
    authChecker,
    validateFn: validateArgument,
    container: createContainer(services),
  });
}
