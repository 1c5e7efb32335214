import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Inserts rows of `target` through `manager` (a transaction's, so the rows land exactly when
 * the caller's change does) in one statement. Every row sets the same properties, which the
 * first row names; each value is converted as TypeORM's own writes convert it (the column's
 * transformer and the driver's conversion). Reads nothing back. TypeORM's insert query builder
 * rebuilds its SQL with a regular expression per property on every call: for the audit entry
 * written with each read of personal data, that was 3 % of customer 360's CPU.
 */
export async function insertEntities<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  rows: ReadonlyArray<Partial<T>>,
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const { driver } = manager.connection;
  const metadata = manager.connection.getMetadata(target);
  const properties = Object.keys(rows[0]);
  const columns = properties.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) {
      throw new Error(`${metadata.name} has no column for property ${property}`);
    }

    return column;
  });
  const parameters = rows.flatMap((row) => {
    const given = Object.keys(row);
    if (given.length !== properties.length || given.some((key) => !(key in rows[0]))) {
      throw new Error(`every ${metadata.name} row must set ${properties.join(', ')}`);
    }

    return columns.map((column) =>
      driver.preparePersistentValue(row[column.propertyName as keyof T], column),
    );
  });
  const names = columns.map((column) => driver.escape(column.databaseName)).join(', ');
  const placeholders = `(${columns.map(() => '?').join(', ')})`;
  await manager.query(
    `INSERT INTO ${driver.escape(metadata.tableName)} (${names}) VALUES ${rows.map(() => placeholders).join(', ')}`,
    parameters,
  );
}
