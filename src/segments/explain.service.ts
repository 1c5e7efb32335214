import type { DataSource } from 'typeorm';
import { ruleDialectOf } from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import { notFound } from '../errors';
import { type ExplainNode, explainQuery, explanationOf } from './explain';
import type { SegmentDefinition } from './rule-definition';

/** Explains a rule for one customer: each node, whether it holds, and the values seen. */
export class ExplainService {
  constructor(private readonly db: DataSource) {}

  /**
   * One statement whatever the size of the rule. A soft-deleted or unknown customer is
   * NOT_FOUND on `field`: deleted customers are never members of anything.
   */
  async explain(
    definition: SegmentDefinition,
    customerDbId: number,
    now: Date = new Date(),
    field = 'customerId',
  ): Promise<ExplainNode> {
    const query = explainQuery(definition, customerDbId, { now, dialect: ruleDialectOf(this.db) });
    const [row] = await analyticalQuery(this.db, query.sql, query.params);
    if (!row || Number(row.deleted) === 1) {
      throw notFound('Customer', field);
    }

    return explanationOf(definition, query, row, now);
  }
}
