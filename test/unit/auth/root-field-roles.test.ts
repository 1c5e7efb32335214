import { getMetadataStorage } from 'type-graphql';
import { RESOLVERS } from '../../../src/graphql/resolvers';

/** Every query, mutation and subscription with the roles that may call it. */
function rootFieldRoles(): Record<string, string[]> {
  expect(RESOLVERS.length).toBeGreaterThan(0);
  const storage = getMetadataStorage();
  const table: Record<string, string[]> = {};
  const kinds = {
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

describe('authorization inventory', () => {
  it('declares at least one role on every query, mutation and subscription', () => {
    const unguarded = Object.entries(rootFieldRoles()).filter(([, roles]) => roles.length === 0);
    expect(unguarded).toEqual([]);
  });

  it('grants root fields to exactly these roles', () => {
    // A diff here changes who can reach an endpoint: review it as a permission change, not as
    // a snapshot refresh.
    expect(rootFieldRoles()).toMatchSnapshot();
  });
});
