import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `predictions.contributions` now holds [feature, value, contribution] tuples instead of objects
 * (a third of the bytes a scoring pass writes). Rows of the old shape lose their explanation
 * until the next pass rewrites them; their scores stay. Going down, the same holds the other way.
 */
export class CompactPredictionContributions1796000200000 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      "UPDATE predictions SET contributions = NULL WHERE contributions LIKE '[{%'",
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      "UPDATE predictions SET contributions = NULL WHERE contributions LIKE '[[%'",
    );
  }
}
