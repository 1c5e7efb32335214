import { parseDefinition, referencedSegmentIds } from '../../../src/segments/rule-tree';

const def = (root: unknown) => ({ version: 1, root });
const country = { profile: { field: 'COUNTRY', operator: 'EQ', value: 'GB' } };
const nested = (depth: number): unknown => (depth === 1 ? country : { not: nested(depth - 1) });

describe('parseDefinition', () => {
  it.each<[string, unknown, string, string]>([
    ['a wrong version', { version: 2, root: country }, 'definition.version', 'version must be 1'],
    [
      'an unknown top-level field',
      { ...def(country), extra: 1 },
      'definition.extra',
      'unknown field "extra"; expected one of version, root',
    ],
    [
      'a node with no key',
      def({}),
      'definition',
      'a rule node sets exactly one of all, any, not, profile, behaviour, value, membership, rfm, lifecycle, prediction',
    ],
    [
      'a node with two keys',
      def({ ...country, not: country }),
      'definition',
      'a rule node sets exactly one of all, any, not, profile, behaviour, value, membership, rfm, lifecycle, prediction',
    ],
    [
      'an unknown node key',
      def({ where: 1 }),
      'definition.where',
      'unknown field "where"; expected one of all, any, not, profile, behaviour, value, membership, rfm, lifecycle, prediction',
    ],
    [
      'an empty group',
      def({ any: [country, { all: [] }] }),
      'definition.any[1].all',
      'all needs at least one rule',
    ],
    [
      'a string where a number belongs',
      def({
        any: [
          country,
          country,
          { all: [{ value: { metric: 'TOTAL_SPENT', operator: 'GT', value: '100' } }] },
        ],
      }),
      'definition.any[2].all[0].value.value',
      'must be a number',
    ],
    [
      'an operator that does not apply to the field',
      def({ profile: { field: 'GENDER', operator: 'CONTAINS', value: 'MALE' } }),
      'definition.profile.operator',
      'operator must be one of EQ, NEQ, IN, NOT_IN, IS_SET, IS_NOT_SET',
    ],
    [
      'an unknown gender',
      def({ profile: { field: 'GENDER', operator: 'IN', values: ['MALE', 'X'] } }),
      'definition.profile.values[1]',
      'must be one of FEMALE, MALE, NON_BINARY, UNDISCLOSED',
    ],
    [
      'a value with IN',
      def({ profile: { field: 'CITY', operator: 'IN', value: 'x' } }),
      'definition.profile.value',
      'value does not apply to IN; use values',
    ],
    [
      'BETWEEN with low above high',
      def({ profile: { field: 'AGE', operator: 'BETWEEN', values: [40, 30] } }),
      'definition.profile.values',
      'BETWEEN needs values [low, high] with low not above high',
    ],
    [
      'a fractional age',
      def({ profile: { field: 'AGE', operator: 'GTE', value: 17.5 } }),
      'definition.profile.value',
      'must be an integer of at least 0',
    ],
    [
      'a boolean attribute compared with a string',
      def({
        profile: { field: 'ATTRIBUTE', path: 'vip', type: 'BOOLEAN', operator: 'EQ', value: 'yes' },
      }),
      'definition.profile.value',
      'must be a boolean',
    ],
    [
      'an attribute path with brackets',
      def({ profile: { field: 'ATTRIBUTE', path: 'a[0]', type: 'STRING', operator: 'IS_SET' } }),
      'definition.profile.path',
      'must be a dotted path of up to 5 names (letters, digits, _)',
    ],
    [
      'an impossible date',
      def({
        profile: {
          field: 'ATTRIBUTE',
          path: 'd',
          type: 'DATE',
          operator: 'EQ',
          value: '2025-02-30',
        },
      }),
      'definition.profile.value',
      'must be a date as YYYY-MM-DD',
    ],
    [
      'a consent without channel',
      def({ profile: { field: 'CONSENT', operator: 'EQ', value: 'GRANTED' } }),
      'definition.profile.channel',
      'must be one of EMAIL, WEB, MOBILE_APP, PHONE, SMS, SOCIAL, STORE, CHAT, SUPPORT, SURVEY',
    ],
    [
      'a channel on a country condition',
      def({ profile: { ...country.profile, channel: 'EMAIL' } }),
      'definition.profile.channel',
      'channel does not apply to COUNTRY',
    ],
    [
      'a window from after to',
      def({
        behaviour: {
          occurrence: 'COUNT',
          comparison: 'AT_LEAST',
          times: 1,
          window: { from: '2025-02-01', to: '2025-01-01' },
        },
      }),
      'definition.behaviour.window',
      'from must be before to',
    ],
    [
      'negative days',
      def({ behaviour: { occurrence: 'NONE', window: { lastDays: -3 } } }),
      'definition.behaviour.window.lastDays',
      'must be an integer from 1 to 3650',
    ],
    [
      'a window over 3650 days',
      def({ behaviour: { occurrence: 'NONE', window: { lastDays: 3651 } } }),
      'definition.behaviour.window.lastDays',
      'must be an integer from 1 to 3650',
    ],
    [
      'lastDays together with from',
      def({ behaviour: { occurrence: 'NONE', window: { lastDays: 3, from: '2025-01-01' } } }),
      'definition.behaviour.window.from',
      'from does not go with lastDays',
    ],
    [
      'a count without times',
      def({ behaviour: { occurrence: 'COUNT', comparison: 'AT_LEAST', window: { lastDays: 3 } } }),
      'definition.behaviour.times',
      'must be an integer from 0 to 100000',
    ],
    [
      'times on a NONE condition',
      def({ behaviour: { occurrence: 'NONE', times: 2, window: { lastDays: 3 } } }),
      'definition.behaviour.times',
      'times does not apply to occurrence NONE',
    ],
    [
      'both at and daysAgo',
      def({ behaviour: { occurrence: 'LAST', relation: 'AFTER', at: '2025-01-01', daysAgo: 3 } }),
      'definition.behaviour',
      'LAST needs exactly one of at, daysAgo',
    ],
    [
      'a date-time without time zone',
      def({ behaviour: { occurrence: 'FIRST', relation: 'AFTER', at: '2025-01-01T10:00:00' } }),
      'definition.behaviour.at',
      'must be an ISO 8601 date or date-time',
    ],
    [
      'a property that is an object',
      def({
        behaviour: {
          occurrence: 'NONE',
          property: { path: 'sku', equals: {} },
          window: { lastDays: 3 },
        },
      }),
      'definition.behaviour.property.equals',
      'must be a string, a number or a boolean',
    ],
    [
      'a window on days since the last order',
      def({
        value: {
          metric: 'DAYS_SINCE_LAST_ORDER',
          operator: 'GT',
          value: 3,
          window: { lastDays: 30 },
        },
      }),
      'definition.value.window',
      'window does not apply to DAYS_SINCE_LAST_ORDER',
    ],
    [
      'IN on a value metric',
      def({ value: { metric: 'ORDER_COUNT', operator: 'IN', values: [1] } }),
      'definition.value.operator',
      'operator must be one of EQ, NEQ, GT, GTE, LT, LTE, BETWEEN, IS_SET, IS_NOT_SET',
    ],
    [
      'a segment id that is not an id',
      def({ membership: { segmentId: 'abc', isMember: true } }),
      'definition.membership.segmentId',
      'must be a segment id',
    ],
    [
      'an empty rfm condition',
      def({ rfm: {} }),
      'definition.rfm',
      'rfm needs groups or a score range (r, f, m)',
    ],
    [
      'an rfm score above 5',
      def({ rfm: { r: { min: 6 } } }),
      'definition.rfm.r.min',
      'must be an integer from 1 to 5',
    ],
    [
      'an rfm range with min above max',
      def({ rfm: { f: { min: 4, max: 2 } } }),
      'definition.rfm.f',
      'min must not be above max',
    ],
    [
      'an empty stage list',
      def({ lifecycle: { stages: [] } }),
      'definition.lifecycle.stages',
      'needs at least one value',
    ],
    [
      'an unknown stage',
      def({ lifecycle: { stages: ['ASLEEP'] } }),
      'definition.lifecycle.stages[0]',
      'must be one of PROSPECT, NEW, ACTIVE, AT_RISK, LAPSED, REACTIVATED',
    ],
    [
      'groups nested too deep',
      def(nested(9)),
      'definition.not.not.not.not.not.not.not.not',
      'groups nest at most 8 deep',
    ],
    [
      'too many nodes',
      def({ any: Array.from({ length: 100 }, () => country) }),
      'definition.any[99]',
      'a definition has at most 100 nodes',
    ],
  ])('rejects %s with BAD_USER_INPUT at its path', (_title, input, field, message) => {
    expect(() => parseDefinition(input, 'definition')).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', field, message }),
    );
  });

  it('returns a clean copy with instants normalised to ISO 8601 UTC', () => {
    const input = def({
      all: [
        {
          profile: {
            field: 'SIGNED_UP_AT',
            operator: 'BETWEEN',
            values: ['2024-01-01', '2024-06-30T12:00:00+02:00'],
          },
        },
        {
          behaviour: {
            channel: 'WEB',
            type: 'purchase',
            property: { path: 'item.category', equals: 'shoes' },
            occurrence: 'COUNT',
            comparison: 'AT_LEAST',
            times: 3,
            window: { from: '2025-01-01', to: '2025-02-01T00:00:00Z' },
          },
        },
        { not: { membership: { segmentId: 7, isMember: true } } },
        { rfm: { groups: ['CHAMPIONS', 'CHAMPIONS'], r: { min: 4 } } },
      ],
    });
    expect(parseDefinition(input, 'definition')).toEqual(
      def({
        all: [
          {
            profile: {
              field: 'SIGNED_UP_AT',
              operator: 'BETWEEN',
              values: ['2024-01-01T00:00:00.000Z', '2024-06-30T10:00:00.000Z'],
            },
          },
          {
            behaviour: {
              channel: 'WEB',
              type: 'purchase',
              property: { path: 'item.category', equals: 'shoes' },
              occurrence: 'COUNT',
              comparison: 'AT_LEAST',
              times: 3,
              window: { from: '2025-01-01T00:00:00.000Z', to: '2025-02-01T00:00:00.000Z' },
            },
          },
          { not: { membership: { segmentId: 7, isMember: true } } },
          { rfm: { groups: ['CHAMPIONS'], r: { min: 4 } } },
        ],
      }),
    );
  });

  it('treats null fields as absent, as GraphQL variables send them', () => {
    expect(
      parseDefinition(
        def({
          value: {
            metric: 'AVERAGE_ORDER_VALUE',
            operator: 'IS_NOT_SET',
            value: null,
            window: null,
          },
        }),
        'input.definition',
      ),
    ).toEqual(def({ value: { metric: 'AVERAGE_ORDER_VALUE', operator: 'IS_NOT_SET' } }));
  });

  it('lists the segments a rule refers to once each, ascending', () => {
    const rule = parseDefinition(
      def({
        any: [
          { membership: { segmentId: 9, isMember: true } },
          {
            not: {
              all: [
                { membership: { segmentId: 2, isMember: false } },
                { membership: { segmentId: 9, isMember: false } },
              ],
            },
          },
        ],
      }),
      'definition',
    );
    expect(referencedSegmentIds(rule)).toEqual([2, 9]);
  });
});
