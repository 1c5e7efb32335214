import { decodeGlobalId, fromGlobalId, toGlobalId } from '../../../src/graphql/global-id';

describe('global ids', () => {
  it('round-trips a type and a row id', () => {
    expect(decodeGlobalId(toGlobalId('Customer', 42), 'id')).toEqual({
      type: 'Customer',
      dbId: 42,
    });
  });

  it.each([
    '',
    'garbage',
    toGlobalId('Customer', 0),
    Buffer.from('Customer:99999999999').toString('base64url'),
  ])('refuses the malformed id %j with BAD_USER_INPUT on the argument', (id) => {
    expect(() => decodeGlobalId(id, 'input.id')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.id' }),
    );
  });

  it('refuses an id of another type', () => {
    expect(() => fromGlobalId(toGlobalId('Order', 1), 'Customer', 'id')).toThrow(
      'is the id of a Order, not of a Customer',
    );
  });
});
