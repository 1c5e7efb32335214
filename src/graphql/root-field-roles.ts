import { getMetadataStorage } from 'type-graphql';
import { RESOLVERS } from './resolvers';

export type RootKind = 'query' | 'mutation' | 'subscription';

/**
 * Every query, mutation and subscription with the roles that may call it, as type-graphql's
 * metadata declares them (a method's `@Authorized` wins over its class's), keyed
 * `"<kind> <field>"`. The schema prints them in each root field's description, and the
 * inventory test snapshots them.
 */
export function rootFieldRoles(): Record<string, string[]> {
  if (RESOLVERS.length === 0) {
    throw new Error('no resolvers registered');
  }
  const storage = getMetadataStorage();
  const table: Record<string, string[]> = {};
  const kinds: Record<RootKind, typeof storage.queries> = {
    query: storage.queries,
    mutation: storage.mutations,
    subscription: storage.subscriptions,
  };
  for (const [kind, fields] of Object.entries(kinds)) {
    for (const field of fields) {
      const onMethod = storage.authorizedFields.find(
        (auth) => auth.target === field.target && auth.fieldName === field.methodName,
      );
      const onClass = storage.authorizedResolver.find((auth) => auth.target === field.target);
      table[`${kind} ${field.schemaName}`] = [...((onMethod ?? onClass)?.roles ?? [])].sort();
    }
  }

  return table;
}
