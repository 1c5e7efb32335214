import type { DataSource } from 'typeorm';
import {
  dialectOf,
  parseInstant,
  parseNumber,
  runStatement,
  sqlInstant,
  unitHashSql,
} from '../db/dialect';
import { analyticalQuery } from '../db/replica';
import { badInput, notFound } from '../errors';
import { assignVariant } from './assignment';
import type { ExperimentEntity, ExperimentVariantEntity } from './experiment.entity';
import type { ExperimentService } from './experiment.service';

/** Why a customer got no (new) variant. */
export type AssignmentReason = 'EXPERIMENT_NOT_RUNNING' | 'NOT_IN_SEGMENT' | 'OUTSIDE_TRAFFIC';

/** One customer's assignment: the variant (or none, with the reason) and its first exposure. */
export interface VariantAssignment {
  experiment: ExperimentEntity;
  customerId: number;
  variant: ExperimentVariantEntity | null;
  reason: AssignmentReason | null;
  firstExposedAt: Date | null;
  newlyExposed: boolean;
}

/** What assigning a whole targeted population did. */
export interface PopulationAssignment {
  experiment: ExperimentEntity;
  targeted: number;
  inTraffic: number;
  newlyExposed: number;
  alreadyExposed: number;
}

/** Deterministic assignment of customers to variants, recorded as first exposures. */
export class AssignmentService {
  constructor(
    private readonly db: DataSource,
    private readonly experiments: ExperimentService,
  ) {}

  /**
   * The customer's variant, recorded as exposed now unless already exposed (the first exposure
   * is kept, so retries and concurrent calls record one exposure). An experiment that is not
   * RUNNING exposes nobody, but still reports the variant a customer was exposed to.
   */
  async assignVariant(
    experimentKey: string,
    customerId: number,
    now = new Date(),
  ): Promise<VariantAssignment> {
    const experiment = await this.experiments.byKey(experimentKey);
    const [customer] = await this.db.query(
      'SELECT id FROM customers WHERE id = ? AND deleted_at IS NULL',
      [customerId],
    );
    if (!customer) {
      throw notFound(`Customer ${customerId}`, 'customerId');
    }
    const variants = await this.experiments.variantsOf([experiment.id]);
    const exposed = await this.exposureOf(experiment.id, customerId, variants);
    const answer = { experiment, customerId, newlyExposed: false };
    if (experiment.status !== 'RUNNING') {
      return { ...answer, ...exposed, reason: 'EXPERIMENT_NOT_RUNNING' };
    }
    if (exposed.variant) {
      return { ...answer, ...exposed, reason: null };
    }
    const none = { ...answer, variant: null, firstExposedAt: null };
    if (experiment.segmentId !== null && !(await this.isMember(experiment.segmentId, customerId))) {
      return { ...none, reason: 'NOT_IN_SEGMENT' };
    }
    const drawn = assignVariant(experiment.salt, experiment.trafficShare, variants, customerId);
    if (drawn.variantKey === null) {
      return { ...none, reason: drawn.reason };
    }
    const variant = variants.find((v) => v.key === drawn.variantKey) as ExperimentVariantEntity;
    // The statement that records the exposure checks the status again: a stop committed since
    // the experiment was read above wins, so no exposure lands after it (on MySQL the two ran
    // side by side).
    const mysql = dialectOf(this.db) === 'mysql';
    const inserted = await runStatement(
      this.db.manager,
      `INSERT INTO experiment_exposures
         (experiment_id, customer_id, variant_id, first_exposed_at, mixed_variants)
       SELECT id, ?, ?, ?, 0 FROM experiments WHERE id = ? AND status = 'RUNNING'
       ${mysql ? 'ON DUPLICATE KEY UPDATE experiment_id = experiment_id' : 'ON CONFLICT DO NOTHING'}`,
      [customerId, variant.id, sqlInstant(this.db, now), experiment.id],
    );
    if (inserted === 0) {
      // A concurrent call recorded it first (report the stored exposure), or the experiment
      // stopped meanwhile.
      const stored = await this.exposureOf(experiment.id, customerId, variants);

      return stored.variant
        ? { ...answer, ...stored, reason: null }
        : { ...none, reason: 'EXPERIMENT_NOT_RUNNING' };
    }

    return { ...answer, variant, firstExposedAt: now, reason: null, newlyExposed: true };
  }

  /**
   * Assigns the whole targeted population (the segment's members, or every customer) in one
   * set-based INSERT … SELECT: the traffic and variant draws are computed in SQL with the same
   * hash as `assignment.ts`, variants by cumulative weight. Already exposed customers keep
   * their exposure. RUNNING experiments only.
   */
  async assignSegment(experimentKey: string, now = new Date()): Promise<PopulationAssignment> {
    const experiment = await this.experiments.byKey(experimentKey);
    if (experiment.status !== 'RUNNING') {
      throw badInput(
        `experiment "${experimentKey}" is ${experiment.status}; only a RUNNING experiment assigns`,
        'experimentKey',
      );
    }
    const variants = await this.experiments.variantsOf([experiment.id]);
    const population = this.population(experiment);
    // The statement below checks the status again, so a stop committed since the experiment was
    // read here wins and nobody is exposed after it (on MySQL the two ran side by side).
    const traffic = unitHashSql(this.db, experiment.salt, 'traffic', 'c.id');
    const draw = unitHashSql(this.db, experiment.salt, 'variant', 'c.id');
    const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
    // Cumulative bounds summed in the same order as assignment.ts, so every float agrees.
    let cumulative = 0;
    const bounds = variants.slice(0, -1).map((variant) => {
      cumulative += variant.weight;

      return [cumulative, variant.id];
    });
    const choice = `CASE ${bounds.map(() => 'WHEN t.u < ? THEN ?').join(' ')} ELSE ? END`;
    const mysql = dialectOf(this.db) === 'mysql';
    const newlyExposed = await runStatement(
      this.db.manager,
      `INSERT INTO experiment_exposures
         (experiment_id, customer_id, variant_id, first_exposed_at, mixed_variants)
       SELECT ?, t.id, ${choice}, ?, 0
       FROM (SELECT c.id, ${draw.sql} * ? AS u
             FROM ${population.sql}
             AND ${traffic.sql} < ?
             AND NOT EXISTS (SELECT 1 FROM experiment_exposures x
                             WHERE x.experiment_id = ? AND x.customer_id = c.id)) t
       WHERE EXISTS (SELECT 1 FROM experiments r WHERE r.id = ? AND r.status = 'RUNNING')
       ${mysql ? 'ON DUPLICATE KEY UPDATE experiment_id = experiment_id' : 'ON CONFLICT DO NOTHING'}`,
      [
        experiment.id,
        ...bounds.flat(),
        variants[variants.length - 1].id,
        sqlInstant(this.db, now),
        ...draw.params,
        total,
        ...population.params,
        ...traffic.params,
        experiment.trafficShare,
        experiment.id,
        experiment.id,
      ],
    );
    if (newlyExposed === 0 && (await this.experiments.get(experiment.id)).status !== 'RUNNING') {
      throw badInput(
        `experiment "${experimentKey}" stopped meanwhile; only a RUNNING experiment assigns`,
        'experimentKey',
      );
    }
    const [counts] = await this.db.query(
      `SELECT COUNT(*) AS targeted,
              COALESCE(SUM(CASE WHEN ${traffic.sql} < ? THEN 1 ELSE 0 END), 0) AS inTraffic
       FROM ${population.sql}`,
      [...traffic.params, experiment.trafficShare, ...population.params],
    );
    const inTraffic = parseNumber(counts.inTraffic) ?? 0;

    return {
      experiment,
      targeted: parseNumber(counts.targeted) ?? 0,
      inTraffic,
      newlyExposed,
      alreadyExposed: inTraffic - newlyExposed,
    };
  }

  /** Exposed customers of every variant, in variant order (0 for a variant nobody saw). */
  async exposureCounts(experimentId: number): Promise<Array<{ variantKey: string; n: number }>> {
    const [variants, counts] = await Promise.all([
      this.experiments.variantsOf([experimentId]),
      this.experiments.exposedCounts([experimentId]),
    ]);

    return variants.map((variant) => ({
      variantKey: variant.key,
      n: counts.find((count) => count.variantId === variant.id)?.n ?? 0,
    }));
  }

  /** Exposed customers who were also seen in another variant (after a merge of records). */
  async mixedExposures(experimentId: number): Promise<number> {
    const [row] = await analyticalQuery(
      this.db,
      'SELECT COUNT(*) AS n FROM experiment_exposures WHERE experiment_id = ? AND mixed_variants = 1',
      [experimentId],
    );

    return parseNumber(row.n) ?? 0;
  }

  // `FROM … WHERE …` of the targeted customers, as `c`, open for more AND conditions.
  private population(experiment: ExperimentEntity) {
    return experiment.segmentId === null
      ? { sql: 'customers c WHERE c.deleted_at IS NULL', params: [] as unknown[] }
      : {
          sql: `customers c JOIN segment_memberships m ON m.customer_id = c.id AND m.segment_id = ?
                WHERE c.deleted_at IS NULL`,
          params: [experiment.segmentId] as unknown[],
        };
  }

  private async isMember(segmentId: number, customerId: number): Promise<boolean> {
    const rows = await this.db.query(
      'SELECT 1 AS one FROM segment_memberships WHERE segment_id = ? AND customer_id = ?',
      [segmentId, customerId],
    );

    return rows.length > 0;
  }

  private async exposureOf(
    experimentId: number,
    customerId: number,
    variants: ExperimentVariantEntity[],
  ): Promise<{ variant: ExperimentVariantEntity | null; firstExposedAt: Date | null }> {
    const [row] = await this.db.query(
      `SELECT variant_id AS variantId, first_exposed_at AS firstExposedAt
       FROM experiment_exposures WHERE experiment_id = ? AND customer_id = ?`,
      [experimentId, customerId],
    );

    return {
      variant: row ? (variants.find((v) => v.id === Number(row.variantId)) ?? null) : null,
      firstExposedAt: row ? parseInstant(row.firstExposedAt) : null,
    };
  }
}
