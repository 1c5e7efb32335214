import type { ColumnOptions } from 'typeorm';

// Column shapes shared by every entity and by the migrations, so that both describe the same
// table and the drift check (`pulse migrate --check`) stays quiet. Instants are DATETIME(3) in
// UTC on MySQL and ISO-like text on SQLite (TypeORM writes `YYYY-MM-DD HH:MM:SS.SSS` there).
export const instant = (name: string, nullable = false): ColumnOptions => ({
  name,
  type: 'datetime',
  precision: 3,
  nullable,
});

export const money = (name: string): ColumnOptions => ({
  name,
  type: 'decimal',
  precision: 12,
  scale: 2,
});

export const text = (name: string, length: number, nullable = false): ColumnOptions => ({
  name,
  type: 'varchar',
  length,
  nullable,
});

// JSON is stored as text (TypeORM's simple-json) so one column type serves both dialects; SQL
// reads it with JSON_EXTRACT / json_extract, which both accept on text.
export const json = (name: string): ColumnOptions => ({
  name,
  type: 'simple-json',
  nullable: true,
});

// Flags are SMALLINT 0/1: TypeORM's `boolean` maps to TINYINT(1) on MySQL but reads back as
// TINYINT, so the drift check would never settle; raw SQL sees 0/1 on both dialects.
export const flag = (name: string): ColumnOptions => ({
  name,
  type: 'smallint',
  default: 0,
  transformer: {
    to: (value: boolean | undefined) => (value === undefined ? undefined : value ? 1 : 0),
    from: (value: unknown) => Number(value) === 1,
  },
});
