import { describeEachDialect } from '../support/dialects';
import { createCustomers } from '../support/factories';
import { createSegment } from './segment-support';

// Segment rules compare texts ignoring case in every script and with accents significant, alike
// on both databases: SQLite's own LOWER folds A–Z alone, MySQL's collation folds every letter and
// also equates accented ones ("Munchen" = "München").

const PREVIEW = `query($definition: SegmentRuleInput!) {
  previewSegment(definition: $definition, sampleSize: 100) { size sample { externalId } }
}`;
const INGEST = `mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }`;

const PEOPLE: Array<{ key: string; city: string; tier: string }> = [
  { key: 'upper', city: 'MÜNCHEN', tier: 'ÉLITE' },
  { key: 'title', city: 'München', tier: 'Élite' },
  { key: 'lower', city: 'münchen', tier: 'élite' },
  { key: 'plain', city: 'Munchen', tier: 'Elite' },
  { key: 'lodz', city: 'Łódź', tier: 'basic' },
];

describeEachDialect('segment rules: text case beyond ASCII', (pulse) => {
  const keyOf = new Map<string, string>();

  beforeAll(async () => {
    const created = await createCustomers(pulse(), PEOPLE.length, (i) => ({
      city: PEOPLE[i].city,
      attributes: { tier: PEOPLE[i].tier },
    }));
    created.forEach((customer, i) => keyOf.set(customer.externalId, PEOPLE[i].key));
    const response = await pulse().query(INGEST, {
      input: {
        interactions: created.map((customer, i) => ({
          clientEventId: `case-${customer.externalId}`,
          customerId: customer.id,
          channel: 'WEB',
          type: 'purchase',
          occurredAt: '2025-06-01T00:00:00.000Z',
          properties: { product: ['KÄSE', 'Käse', 'käse', 'Kase', 'żur'][i] },
        })),
      },
    });
    expect(response.errors).toBeUndefined();
  });

  const members = async (root: Record<string, unknown>): Promise<string[]> => {
    const response = await pulse().query<{
      previewSegment: { size: number; sample: Array<{ externalId: string }> };
    }>(PREVIEW, { definition: root });
    expect(response.errors).toBeUndefined();
    const { size, sample } = response.data!.previewSegment;
    expect(sample).toHaveLength(size);

    return sample.map((customer) => keyOf.get(customer.externalId) as string).sort();
  };
  const city = (operator: string, operand: Record<string, unknown>) => ({
    profile: { field: 'CITY', operator, ...operand },
  });
  const tier = (operator: string, operand: Record<string, unknown>) => ({
    profile: { field: 'ATTRIBUTE', path: 'tier', type: 'STRING', operator, ...operand },
  });
  const bought = (product: string) => ({
    behaviour: {
      type: 'PURCHASE',
      property: { path: 'product', equals: product },
      occurrence: 'COUNT',
      comparison: 'AT_LEAST',
      times: 1,
      window: { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' },
    },
  });
  const munich = ['lower', 'title', 'upper'];

  it.each([
    ['EQ in lower case', city('EQ', { value: 'münchen' }), munich],
    ['EQ in upper case', city('EQ', { value: 'MÜNCHEN' }), munich],
    ['EQ without the accent', city('EQ', { value: 'Munchen' }), ['plain']],
    ['IN', city('IN', { values: ['mÜnChEn', 'ŁÓDŹ'] }), [...munich, 'lodz'].sort()],
    ['NEQ', city('NEQ', { value: 'MÜNCHEN' }), ['lodz', 'plain']],
    ['NOT_IN', city('NOT_IN', { values: ['münchen'] }), ['lodz', 'plain']],
    ['CONTAINS', city('CONTAINS', { value: 'ÜNCH' }), munich],
    ['CONTAINS without the accent', city('CONTAINS', { value: 'unch' }), ['plain']],
    ['STARTS_WITH', city('STARTS_WITH', { value: 'mü' }), munich],
    ['STARTS_WITH a letter beyond Latin-1', city('STARTS_WITH', { value: 'łó' }), ['lodz']],
    ['a text attribute EQ', tier('EQ', { value: 'élite' }), munich],
    ['a text attribute EQ without the accent', tier('EQ', { value: 'ELITE' }), ['plain']],
    ['a text attribute STARTS_WITH', tier('STARTS_WITH', { value: 'ÉL' }), munich],
    ['an interaction property', bought('käse'), munich],
    ['an interaction property without the accent', bought('KASE'), ['plain']],
    ['an interaction property beyond Latin-1', bought('ŻUR'), ['lodz']],
  ])('matches %s ignoring case in every script, accents significant', async (_t, root, want) => {
    expect(await members(root)).toEqual(want);
  });

  it('finds segment names containing a text in any case of every script, accents significant', async () => {
    // Names differ otherwise too: MySQL's unique index on names ignores case and accents.
    const names = ['Kunden MÜNCHEN Nord', 'Kunden München Süd', 'Kunden Munchen West'];
    for (const name of names) {
      await createSegment(pulse(), { name, kind: 'STATIC' });
    }
    const found = async (nameContains: string) => {
      const response = await pulse().query<{
        segments: { edges: Array<{ node: { name: string } }> };
      }>(
        `query($filter: SegmentFilter) { segments(filter: $filter, first: 50) { edges { node { name } } } }`,
        { filter: { nameContains } },
      );
      expect(response.errors).toBeUndefined();

      return response.data!.segments.edges.map((edge) => edge.node.name).sort();
    };
    expect(await found('münchen')).toEqual(['Kunden MÜNCHEN Nord', 'Kunden München Süd']);
    expect(await found('ÜNCH')).toEqual(['Kunden MÜNCHEN Nord', 'Kunden München Süd']);
    expect(await found('munch')).toEqual(['Kunden Munchen West']);
    expect(await found('SÜD')).toEqual(['Kunden München Süd']);
  });
});
