import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Columns holding ids that other systems give (all VARCHAR(128) NOT NULL). */
const EXTERNAL_IDS = [
  ['customers', 'external_id'],
  ['customer_merges', 'merged_external_id'],
  ['interactions', 'client_event_id'],
  ['orders', 'client_order_id'],
] as const;

/**
 * Ids from other systems compare exactly on MySQL too. Its default collation ignores case and
 * trailing spaces, so `Ab` and `aB` were one customer there and two on SQLite, an event for one
 * landed on the other, and a new order counted as a repeat of another; Salesforce's 15-character
 * ids differ by case alone. The binary collation without padding compares byte for byte, as
 * SQLite does: `utf8mb4_0900_bin` on MySQL 8, `utf8mb4_nopad_bin` on MariaDB. Each table is
 * rebuilt once (about a minute for 5 million interactions). SQLite compares text exactly already.
 */
export class ExactExternalIds1796000600000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    if (!onMysql(runner)) {
      return;
    }
    const collation = await exactCollation(runner);
    for (const [table, column] of EXTERNAL_IDS) {
      await runner.query(
        `ALTER TABLE ${table} MODIFY ${column} VARCHAR(128) CHARACTER SET utf8mb4 COLLATE ${collation} NOT NULL`,
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    if (!onMysql(runner)) {
      return;
    }
    // The table's default collation again; fails where ids now differ only in case.
    for (const [table, column] of EXTERNAL_IDS) {
      await runner.query(`ALTER TABLE ${table} MODIFY ${column} VARCHAR(128) NOT NULL`);
    }
  }
}

function onMysql(runner: QueryRunner): boolean {
  return ['mysql', 'mariadb'].includes(runner.connection.options.type);
}

// Without padding first; `utf8mb4_bin` (which still ignores trailing spaces) where the server
// has neither, as MySQL 5.7 does.
const EXACT_COLLATIONS = ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin', 'utf8mb4_bin'];

async function exactCollation(runner: QueryRunner): Promise<string> {
  const rows: Array<{ Collation: string }> = await runner.query(
    `SHOW COLLATION WHERE Collation IN (${EXACT_COLLATIONS.map(() => '?').join(', ')})`,
    EXACT_COLLATIONS,
  );
  const available = new Set(rows.map((row) => row.Collation));

  return EXACT_COLLATIONS.find((collation) => available.has(collation)) ?? 'utf8mb4_bin';
}
