import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { unique } from '../support/factories';
import { CREATE_SEGMENT, createSegment, memberOf } from './segment-support';

const rule = (definition: unknown) => ({ name: unique('rule'), kind: 'RULE', definition });
const spent = { value: { metric: 'TOTAL_SPENT', operator: 'GT', value: 10 } };

describeEachDialect('segment rule input', (pulse) => {
  it.each<[string, unknown, string]>([
    [
      'a fraction where the order count needs an integer',
      {
        any: [
          spent,
          spent,
          { all: [{ value: { metric: 'ORDER_COUNT', operator: 'EQ', value: 1.5 } }] },
        ],
      },
      'input.definition.any[2].all[0].value.value',
    ],
    [
      'an attribute value of the wrong type',
      {
        profile: { field: 'ATTRIBUTE', path: 'vip', type: 'BOOLEAN', operator: 'EQ', value: 'yes' },
      },
      'input.definition.profile.value',
    ],
    [
      'a window whose start is after its end',
      {
        not: {
          behaviour: {
            occurrence: 'NONE',
            window: { from: '2025-03-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
          },
        },
      },
      'input.definition.not.behaviour.window',
    ],
    [
      'a node with two conditions',
      { ...spent, lifecycle: { stages: ['NEW'] } },
      'input.definition',
    ],
    [
      'the id of a customer where a segment id belongs',
      { all: [spent, memberOf(Buffer.from('Customer:1').toString('base64url'))] },
      'input.definition.all[1].membership.segmentId',
    ],
  ])('refuses %s with BAD_USER_INPUT at its path', async (_title, definition, field) => {
    expectError(
      await pulse().query(CREATE_SEGMENT, { input: rule(definition) }),
      'BAD_USER_INPUT',
      field,
    );
  });

  it('returns the stored rule with segment global ids, ready to be sent back as input', async () => {
    const other = await createSegment(
      pulse(),
      rule({ profile: { field: 'CITY', operator: 'IS_SET' } }),
    );
    const definition = {
      all: [
        memberOf(other.id, false),
        {
          behaviour: {
            occurrence: 'LAST',
            relation: 'AFTER',
            at: '2025-01-01T00:00:00Z',
            type: 'login',
          },
        },
      ],
    };
    const response = await pulse().query<{ createSegment: { segment: { definition: unknown } } }>(
      CREATE_SEGMENT,
      { input: rule(definition) },
    );
    const stored = response.data?.createSegment.segment.definition as {
      version: number;
      root: unknown;
    };
    expect(stored).toEqual({
      version: 1,
      root: {
        all: [
          { membership: { segmentId: other.id, isMember: false } },
          {
            behaviour: {
              type: 'login',
              occurrence: 'LAST',
              relation: 'AFTER',
              at: '2025-01-01T00:00:00.000Z',
            },
          },
        ],
      },
    });
    expect(
      (await pulse().query(CREATE_SEGMENT, { input: rule(stored.root) })).errors,
    ).toBeUndefined();
  });
});
