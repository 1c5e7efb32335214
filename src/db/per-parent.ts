import type { DataSource, EntityTarget, ObjectLiteral, Repository } from 'typeorm';
import { selectEntities } from './entity-select';

export interface LatestPerParentQuery {
  /** Column holding the parent id, e.g. `customer_id`. */
  parentColumn: string;
  parentIds: readonly number[];
  /** Sort columns, newest first, ending with a unique column (`id`). */
  orderColumns: string[];
  /** Extra conditions on the child rows, written against alias `x`, with their parameters. */
  where: Array<{ sql: string; params?: Record<string, unknown> }>;
  /** Rows to keep per parent. */
  limit: number;
}

/**
 * The latest `limit` rows of each parent in ONE statement: rows ranked with
 * `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY …)` in a derived table, then loaded as
 * entities by id; one parent alone is read with `ORDER BY … LIMIT`. Window functions exist in
 * MySQL 8, MariaDB 10.2+ and SQLite 3.25+.
 * Rows come back grouped by parent, newest first.
 */
export async function latestPerParent<T extends ObjectLiteral>(
  db: DataSource,
  entity: EntityTarget<T>,
  query: LatestPerParentQuery,
): Promise<T[]> {
  if (query.parentIds.length === 0) {
    return [];
  }
  const table = db.getMetadata(entity).tableName;
  const order = (alias: string) =>
    query.orderColumns.map((column) => `${alias}.${column} DESC`).join(', ');
  const conditions = [
    `x.${query.parentColumn} IN (:...parentIds)`,
    ...query.where.map((w) => w.sql),
  ];
  const params = Object.assign(
    { parentIds: [...query.parentIds], limit: query.limit },
    ...query.where.map((w) => w.params ?? {}),
  );
  const where = conditions.join(' AND ');
  // One parent (a customer 360, or any load without batching) walks its index backwards and
  // stops after `limit` rows, where the window would read and rank all of its rows first. The
  // join on the key keeps the conditions' alias `x`; a derived table with LIMIT instead would
  // copy the rows, JSON and all, into a temporary table to sort them again.
  const sql =
    query.parentIds.length === 1
      ? `JOIN ${table} x ON x.id = t.id WHERE ${where} ORDER BY ${order('x')} LIMIT :limit`
      : `WHERE t.id IN (SELECT ranked.id FROM (` +
        `SELECT x.id, ROW_NUMBER() OVER (PARTITION BY x.${query.parentColumn} ORDER BY ${order('x')}) AS rn ` +
        `FROM ${table} x WHERE ${where}) ranked WHERE ranked.rn <= :limit) ` +
        `ORDER BY t.${query.parentColumn} ASC, ${order('t')}`;

  return selectEntities(db, entity, sql, params);
}

/** How many child rows each parent has under `where` (alias `x`), in ONE grouped statement. */
export async function countPerParent<T extends ObjectLiteral>(
  repository: Repository<T>,
  parentColumn: string,
  parentIds: readonly number[],
  where: Array<{ sql: string; params?: Record<string, unknown> }>,
): Promise<Map<number, number>> {
  const query = repository
    .createQueryBuilder('x')
    .select(`x.${parentColumn}`, 'parentId')
    .addSelect('COUNT(*)', 'n')
    .where(`x.${parentColumn} IN (:...parentIds)`, { parentIds: [...parentIds] })
    .groupBy(`x.${parentColumn}`);
  for (const condition of where) {
    query.andWhere(condition.sql, condition.params);
  }
  const rows: Array<{ parentId: unknown; n: unknown }> = await query.getRawMany();

  return new Map(rows.map((row) => [Number(row.parentId), Number(row.n)]));
}
