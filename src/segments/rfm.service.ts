import { type DataSource, In } from 'typeorm';
import { runStatement, sqlInstant, wholeDaysBetween } from '../db/dialect';
import { inTransaction } from '../db/transaction';
import { rfmGroupCaseSql } from './rfm';
import { CustomerRfmEntity } from './rfm.entity';
import { DAY_MS } from '../time';

export class RfmService {
  constructor(
    private readonly db: DataSource,
    private readonly windowDays: number,
  ) {}

  /**
   * Recomputes every live customer's RFM row as of `now` in one INSERT … SELECT: paid orders of
   * the last `windowDays` days are aggregated per customer, scored into quintiles with NTILE(5)
   * (ordered by the value, then the customer id, so that ties split the same way on every
   * dialect and run) and grouped by the grid of `rfm.ts`. Customers without such an order get
   * no row. The table is replaced in one transaction, so readers see the old or the new scores.
   */
  async refresh(now: Date = new Date()): Promise<{ scored: number }> {
    const windowStart = new Date(now.getTime() - this.windowDays * DAY_MS);

    return inTransaction(this.db, async (tx) => {
      const at = (date: Date) => sqlInstant(tx, date);
      const group = rfmGroupCaseSql('s.r', 's.f', 's.m');
      // SQLite sums DECIMAL as floating point: rounding to cents makes 0.1 + 0.2 tie with 0.3,
      // as it does in MySQL's exact DECIMAL sum, so both dialects order spends alike.
      await runStatement(tx, 'DELETE FROM customer_rfm', []);
      const scored = await runStatement(
        tx,
        `INSERT INTO customer_rfm
           (customer_id, recency_days, frequency, monetary, r, f, m, rfm_group, computed_at)
         SELECT s.customer_id, ${wholeDaysBetween(tx, 's.last_at', '?')}, s.frequency,
                s.monetary, s.r, s.f, s.m, ${group.sql}, ?
           FROM (
             SELECT t.customer_id, t.last_at, t.frequency, t.monetary,
                    NTILE(5) OVER (ORDER BY t.last_at, t.customer_id) AS r,
                    NTILE(5) OVER (ORDER BY t.frequency, t.customer_id) AS f,
                    NTILE(5) OVER (ORDER BY t.monetary, t.customer_id) AS m
               FROM (
                 SELECT o.customer_id, MAX(o.ordered_at) AS last_at, COUNT(*) AS frequency,
                        ROUND(SUM(o.amount), 2) AS monetary
                   FROM orders o
                   JOIN customers c ON c.id = o.customer_id AND c.deleted_at IS NULL
                  WHERE o.status = 'PAID' AND o.ordered_at >= ? AND o.ordered_at <= ?
                  GROUP BY o.customer_id
               ) t
           ) s`,
        [at(now), ...group.params, at(now), at(windowStart), at(now)],
      );

      return { scored };
    });
  }

  /** The RFM rows of these customers (none for customers without one). */
  scoresOf(customerIds: readonly number[]): Promise<CustomerRfmEntity[]> {
    return this.db.getRepository(CustomerRfmEntity).findBy({ customerId: In([...customerIds]) });
  }
}
