import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Inserts one row of `target` through `manager` (a transaction's, so the row lands exactly
 * when the caller's change does), with the properties `values` holds, each converted as
 * TypeORM's own writes convert it (the column's transformer and the driver's conversion).
 * Reads nothing back. TypeORM's insert query builder rebuilds its SQL with a regular
 * expression per property on every call: for the audit entry written with each read of
 * personal data, that was 3 % of customer 360's CPU.
 */
export async function insertEntity<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  values: Partial<T>,
): Promise<void> {
  const { driver } = manager.connection;
  const metadata = manager.connection.getMetadata(target);
  const columns = Object.keys(values).map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) {
      throw new Error(`${metadata.name} has no column for property ${property}`);
    }

    return column;
  });
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  const placeholders = columns.map(() => '?').join(', ');
  await manager.query(
    `INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES (${placeholders})`,
    columns.map((column) =>
      driver.preparePersistentValue(values[column.propertyName as keyof T], column),
    ),
  );
}
