import { ruleDialectOf } from '../../../src/db/dialect';
import { compileDefinition, shiftYears } from '../../../src/segments/rule-sql';
import { parseDefinition } from '../../../src/segments/rule-tree';

const INJECTION = "x'); DROP TABLE customers; --";
const now = new Date('2026-03-01T12:00:00.000Z');
// ruleDialectOf reads only the data source type, so option stubs stand in for connections.
const dialects = {
  sqlite: ruleDialectOf({ options: { type: 'better-sqlite3' } } as never),
  mysql: ruleDialectOf({ options: { type: 'mysql' } } as never),
};

describe('compileDefinition', () => {
  it.each(Object.entries(dialects))(
    'binds values, JSON paths and patterns as parameters on %s, never in the SQL text',
    (_name, dialect) => {
      const definition = parseDefinition(
        {
          version: 1,
          root: {
            any: [
              { profile: { field: 'CITY', operator: 'CONTAINS', value: INJECTION } },
              { profile: { field: 'COUNTRY', operator: 'IN', values: [INJECTION, 'GB'] } },
              {
                profile: {
                  field: 'ATTRIBUTE',
                  path: 'tier',
                  type: 'STRING',
                  operator: 'EQ',
                  value: INJECTION,
                },
              },
              {
                behaviour: {
                  type: INJECTION,
                  property: { path: 'sku', equals: INJECTION },
                  occurrence: 'NONE',
                  window: { lastDays: 30 },
                },
              },
            ],
          },
        },
        'definition',
      );
      const { sql, params } = compileDefinition(definition, { now, dialect });
      expect(sql).not.toContain('DROP');
      expect(sql).not.toContain('tier');
      expect(sql).not.toContain('sku');
      expect(params).toEqual(
        expect.arrayContaining(["%x'); DROP TABLE customers; --%", INJECTION, '$.tier', '$.sku']),
      );
      expect(sql.split('?').length - 1).toBe(params.length);
    },
  );

  it('makes every condition two-valued so that NOT is the exact complement', () => {
    const definition = parseDefinition(
      { version: 1, root: { not: { profile: { field: 'CITY', operator: 'EQ', value: 'Leeds' } } } },
      'definition',
    );
    expect(compileDefinition(definition, { now, dialect: dialects.sqlite })).toEqual({
      sql: '(NOT (CASE WHEN pulse_lower(c.city) = pulse_lower(?) THEN 1 ELSE 0 END = 1))',
      params: ['Leeds'],
    });
  });

  it('compares texts lower-cased in every script and byte for byte on both sides, patterns too', () => {
    const definition = parseDefinition(
      { version: 1, root: { profile: { field: 'CITY', operator: 'CONTAINS', value: 'ÜN_' } } },
      'definition',
    );
    expect(compileDefinition(definition, { now, dialect: dialects.mysql })).toEqual({
      sql: "(CASE WHEN CAST(LOWER(c.city) AS BINARY) LIKE CAST(LOWER(?) AS BINARY) ESCAPE '!' THEN 1 ELSE 0 END = 1)",
      params: ['%ÜN!_%'],
    });
    expect(compileDefinition(definition, { now, dialect: dialects.sqlite })).toEqual({
      sql: "(CASE WHEN pulse_lower(c.city) LIKE pulse_lower(?) ESCAPE '!' THEN 1 ELSE 0 END = 1)",
      params: ['%ÜN!_%'],
    });
  });

  it('turns "age at least 18" into a birth date cut-off computed from now', () => {
    const definition = parseDefinition(
      { version: 1, root: { profile: { field: 'AGE', operator: 'GTE', value: 18 } } },
      'definition',
    );
    expect(compileDefinition(definition, { now, dialect: dialects.mysql })).toEqual({
      sql: '(CASE WHEN c.birth_date <= ? THEN 1 ELSE 0 END = 1)',
      params: ['2008-03-01'],
    });
  });
});

describe('shiftYears', () => {
  it('moves 29 February to 28 February in a common year and keeps it in a leap year', () => {
    const leapDay = new Date('2024-02-29T08:00:00Z');
    expect(shiftYears(leapDay, -1)).toBe('2023-02-28');
    expect(shiftYears(leapDay, -4)).toBe('2020-02-29');
    expect(shiftYears(new Date('2026-12-31T23:59:59Z'), -30)).toBe('1996-12-31');
  });
});
