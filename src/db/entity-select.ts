import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Entities read by SQL written once per entity: `SELECT <every column> FROM <table> t <rest>`,
 * each row turned into an entity as TypeORM's own reads do it (the driver's conversion and the
 * column's transformer), for the reads every customer page makes. TypeORM's query builder
 * builds the SQL anew for each statement (aliases, escaping, a regular expression per property)
 * and maps rows through a generic transformer: for customer 360 that was a sixth of the CPU, more
 * than mysql2 and the rest of TypeORM together.
 *
 * `rest` follows the table (alias `t`): conditions, order, with named parameters as in the query
 * builder (`:id`, `:...ids`). Only for entities without embedded columns; relations are not
 * loaded, as with `find` without `relations`.
 */
export async function selectEntities<T extends ObjectLiteral>(
  db: DataSource,
  target: EntityTarget<T>,
  rest: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const metadata = db.getMetadata(target);
  const read = readOf(db, metadata);
  const rows = await selectRows(db, `SELECT ${read.list} FROM ${read.table} t`, rest, params);

  return rows.map((row) => hydrate<T>(db, metadata, read.columns, row));
}

/**
 * As selectEntities, with more values read beside each entity: `beside` maps an alias to an SQL
 * expression over the tables `rest` joins (a membership's customer id, say), and each result
 * carries those raw values. Rows of the same entity (by primary key) share one hydrated object,
 * so a segment joined to 50 memberships parses its definition once.
 */
export async function selectEntitiesBeside<T extends ObjectLiteral, K extends string>(
  db: DataSource,
  target: EntityTarget<T>,
  beside: Record<K, string>,
  rest: string,
  params: Record<string, unknown> = {},
): Promise<Array<{ entity: T; beside: Record<K, unknown> }>> {
  const metadata = db.getMetadata(target);
  const read = readOf(db, metadata);
  const aliases = Object.keys(beside) as K[];
  const clash = aliases.find((alias) => read.columns.some((c) => c.databaseName === alias));
  if (clash) {
    throw new Error(`selectEntitiesBeside: ${clash} is a column of ${metadata.name}`);
  }
  const extra = aliases.map((alias) => `, ${beside[alias]} AS ${db.driver.escape(alias)}`);
  const rows = await selectRows(
    db,
    `SELECT ${read.list}${extra.join('')} FROM ${read.table} t`,
    rest,
    params,
  );
  const [primary] = metadata.primaryColumns;
  const entities = new Map<unknown, T>();

  return rows.map((row) => {
    const id = row[primary.databaseName];
    const entity = entities.get(id) ?? hydrate<T>(db, metadata, read.columns, row);
    entities.set(id, entity);
    const values = {} as Record<K, unknown>;
    for (const alias of aliases) {
      values[alias] = row[alias];
    }

    return { entity, beside: values };
  });
}

/**
 * The rows of `head` (no parameters) followed by `rest`, whose named parameters (`:id`,
 * `:...ids`) become the driver's placeholders: only `rest` is scanned for them, not a long
 * column list.
 */
export async function selectRows(
  db: DataSource,
  head: string,
  rest: string,
  params: Record<string, unknown>,
): Promise<Array<Record<string, unknown>>> {
  const [sql, values] = db.driver.escapeQueryWithParameters(rest, params, {});

  return (await db.query(`${head} ${sql}`, values)) as Array<Record<string, unknown>>;
}

/** An entity's escaped table and column list, and the columns it reads, built on first use. */
interface EntityRead {
  table: string;
  list: string;
  columns: ColumnMetadata[];
}

const reads = new WeakMap<EntityMetadata, EntityRead>();

function readOf(db: DataSource, metadata: EntityMetadata): EntityRead {
  const known = reads.get(metadata);
  if (known) {
    return known;
  }
  if (metadata.embeddeds.length > 0) {
    throw new Error(`selectEntities cannot read ${metadata.name}: it has embedded columns`);
  }
  // A relation's join column without a property of its own is virtual, and not read by find().
  const columns = metadata.columns.filter((column) => !column.isVirtual && column.isSelect);
  const list = columns.map((column) => `t.${db.driver.escape(column.databaseName)}`).join(', ');
  const read = { table: db.driver.escape(metadata.tableName), list, columns };
  reads.set(metadata, read);

  return read;
}

function hydrate<T extends ObjectLiteral>(
  db: DataSource,
  metadata: EntityMetadata,
  columns: readonly ColumnMetadata[],
  row: Record<string, unknown>,
): T {
  const entity = metadata.create() as Record<string, unknown>;
  for (const column of columns) {
    entity[column.propertyName] = db.driver.prepareHydratedValue(row[column.databaseName], column);
  }

  return entity as T;
}
