import { ruleDialectOf } from '../../../src/db/dialect';
import { ExplainService } from '../../../src/segments/explain.service';
import { compileDefinition } from '../../../src/segments/rule-sql';
import { parseDefinition } from '../../../src/segments/rule-tree';
import { describeEachDialect } from '../support/dialects';
import { generateSegmentData, Pick, seededRandom, type SegmentData } from '../support/segment-data';
import { evaluateDefinition, randomDefinition } from '../support/segment-evaluator';

const SEED = 20_261_123;
const DEFINITIONS = 250;
const now = new Date('2026-03-01T12:00:00.000Z');

describeEachDialect('segment rules: SQL against an independent evaluator', (pulse) => {
  let data: SegmentData;
  beforeAll(async () => {
    data = await generateSegmentData(pulse().app.db, SEED, 300, now);
  });

  it(`selects exactly the customers the evaluator selects, for ${DEFINITIONS} random rules`, async () => {
    const db = pulse().app.db;
    const pick = new Pick(seededRandom(SEED + 1));
    const explain = new ExplainService(db);
    let nonTrivial = 0;
    for (let n = 0; n < DEFINITIONS; n += 1) {
      const definition = parseDefinition(randomDefinition(pick, data), 'definition');
      const rule = compileDefinition(definition, { now, dialect: ruleDialectOf(db) });
      const rows: Array<{ id: number }> = await db.query(
        `SELECT c.id AS id FROM customers c WHERE c.deleted_at IS NULL AND (${rule.sql}) ORDER BY c.id`,
        rule.params,
      );
      const expected = evaluateDefinition(definition, data);
      expect({ n, definition, ids: rows.map((row) => Number(row.id)) }).toEqual({
        n,
        definition,
        ids: expected,
      });
      if (expected.length > 0 && expected.length < data.customers.length * 0.9) {
        nonTrivial += 1;
      }
      // The explanation evaluates the same rule condition by condition: its verdict must agree.
      const customer = pick.one(data.customers.filter((c) => !c.deleted));
      const explained = await explain.explain(definition, customer.id, now);
      expect({ n, customer: customer.id, holds: explained.holds }).toEqual({
        n,
        customer: customer.id,
        holds: expected.includes(customer.id),
      });
    }
    // Random rules that select nobody or everybody would prove little.
    expect(nonTrivial).toBeGreaterThan(DEFINITIONS / 3);
  });
});
