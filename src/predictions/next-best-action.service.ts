import type { DataSource } from 'typeorm';
import { parseNumber, sqlInstant, unitHashSql, wholeDaysBetween } from '../db/dialect';
import { encodeCursor, type Page, type PageArgs, pageWindow } from '../db/pagination';
import { badInput } from '../errors';
import {
  type EvaluatedAction,
  HOLDOUT_PURPOSE,
  HOLDOUT_SALT,
  type NbaReason,
  type NextBestActionResult,
  nextBestAction,
} from './next-best-action';
import {
  evaluationsQuery,
  type NbaDialect,
  recommendationsQuery,
  type RecommendationFilter,
} from './next-best-action-sql';

/** A customer on the recommendation list, with the running cost of the list up to them. */
export interface Recommendation {
  customerId: number;
  actionId: number;
  gain: number;
  expectedCost: number;
  cumulativeCost: number;
  reasons: NbaReason[];
}

/** A page of recommendations and what the whole list spends. */
export interface RecommendationPage extends Page<Recommendation> {
  budgetUsed: number;
}

/** Next best actions, computed in the database (next-best-action-sql.ts). */
export class NextBestActionService {
  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
    private readonly holdoutShare: number,
  ) {}

  /** The next best action of each customer, in one statement; absent customers are missing. */
  async forCustomers(
    customerIds: readonly number[],
    now = new Date(),
  ): Promise<Map<number, NextBestActionResult>> {
    const query = evaluationsQuery(this.dialect(), this.context(now), customerIds);
    const rows: Array<Record<string, unknown>> = await this.db.query(query.sql, query.params);
    const byCustomer = new Map<number, EvaluatedAction[]>();
    for (const row of rows) {
      const customerId = Number(row.customer_id);
      const list = byCustomer.get(customerId) ?? [];
      list.push(toEvaluated(row));
      byCustomer.set(customerId, list);
    }

    return new Map(customerIds.map((id) => [id, nextBestAction(byCustomer.get(id) ?? [])]));
  }

  /**
   * Recommended customers by gain per expected cost, as far as `budget` goes (see
   * `recommendationsQuery`); one statement per page, with the total count and budget used.
   */
  async recommendations(
    filter: RecommendationFilter,
    pageArgs: PageArgs,
    now = new Date(),
  ): Promise<RecommendationPage> {
    if (filter.budget !== null && !(Number.isFinite(filter.budget) && filter.budget >= 0)) {
      throw badInput(`must be a finite number ≥ 0, got ${filter.budget}`, 'budget');
    }
    const window = pageWindow(pageArgs, this.maxPageSize, 1);
    const after = window.cursor === null ? 0 : Number(window.cursor[0]);
    if (!Number.isInteger(after) || after < 0) {
      throw badInput(`"${pageArgs.after}" is not a cursor of this list`, 'after');
    }
    const query = recommendationsQuery(
      this.dialect(),
      this.context(now),
      filter,
      after,
      window.size + 1,
    );
    const rows: Array<Record<string, unknown>> = await this.db.query(query.sql, query.params);
    const listed = rows.filter((row) => row.customer_id !== null);
    const shown = listed.slice(0, window.size);
    const items = shown.map((row) => ({
      customerId: Number(row.customer_id),
      actionId: Number(row.action_id),
      gain: parseNumber(row.gain) ?? 0,
      expectedCost: parseNumber(row.expected_cost) ?? 0,
      cumulativeCost: parseNumber(row.cumulative_cost) ?? 0,
      reasons: [Number(row.fits) === 1 ? 'RECOMMENDED' : 'OVER_BUDGET'] as NbaReason[],
    }));
    const totalCount = Number(rows[0]?.total_count ?? 0);

    return {
      items,
      cursorAt: (index) => encodeCursor([Number(shown[index].position)]),
      hasNextPage: listed.length > window.size,
      hasPreviousPage: after > 0,
      totalCount: () => Promise.resolve(totalCount),
      budgetUsed: parseNumber(rows[0]?.budget_used) ?? 0,
    };
  }

  private dialect(): NbaDialect {
    return {
      holdoutHash: unitHashSql(this.db, HOLDOUT_SALT, HOLDOUT_PURPOSE, 'c.id'),
      wholeDaysBetween: (from, to) => wholeDaysBetween(this.db, from, to),
    };
  }

  private context(now: Date) {
    return { now: sqlInstant(this.db, now), holdoutShare: this.holdoutShare };
  }
}

function toEvaluated(row: Record<string, unknown>): EvaluatedAction {
  const baseProbability = parseNumber(row.base_p);
  const value = parseNumber(row.clv);

  return {
    actionId: Number(row.action_id),
    inHoldout: Number(row.in_holdout) === 1,
    hasPrediction: baseProbability !== null && value !== null,
    eligible: Number(row.eligible) === 1,
    hasConsent: Number(row.has_consent) === 1,
    capped: Number(row.capped) === 1,
    baseProbability,
    value,
    uplift: parseNumber(row.uplift),
    acceptProbability: parseNumber(row.accept_p),
    expectedCost: parseNumber(row.expected_cost),
    gain: parseNumber(row.gain),
  };
}
