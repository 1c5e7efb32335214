import { rootFieldRoles } from '../../../src/graphql/root-field-roles';

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
