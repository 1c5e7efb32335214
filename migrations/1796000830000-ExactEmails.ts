import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Emails compare exactly on MySQL too, as on SQLite. They are stored lower-cased, so the default
 * collation's case folding added nothing, but it also equates accented letters: `rené@…` and
 * `rene@…`, two mailboxes, collided on the unique index (CONFLICT on MySQL only). Relaxing the
 * index cannot fail on existing rows. Self-contained like every migration: the collation is
 * chosen as in ExactExternalIds.
 */
export class ExactEmails1796000830000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    if (!onMysql(runner)) {
      return;
    }
    const rows: Array<{ Collation: string }> = await runner.query(
      "SHOW COLLATION WHERE Collation IN ('utf8mb4_0900_bin', 'utf8mb4_nopad_bin')",
    );
    // MySQL 8's binary collation, else MariaDB's, else the one every server has.
    const collation =
      ['utf8mb4_0900_bin', 'utf8mb4_nopad_bin'].find((name) =>
        rows.some((row) => row.Collation === name),
      ) ?? 'utf8mb4_bin';
    await runner.query(
      `ALTER TABLE customers MODIFY email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE ${collation} NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    if (!onMysql(runner)) {
      return;
    }
    // The table's default collation again; fails where emails now differ only in an accent.
    await runner.query('ALTER TABLE customers MODIFY email VARCHAR(254) NULL');
  }
}

function onMysql(runner: QueryRunner): boolean {
  return ['mysql', 'mariadb'].includes(runner.connection.options.type);
}
