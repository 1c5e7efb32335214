import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { instant, json } from '../db/columns';
import type { PredictionKind } from './prediction-kind';

/**
 * A feature's share of one prediction as stored: its encoded column, its value and its
 * contribution to the log-odds, numbers to 4 significant digits. A tuple, not an object: a pass
 * writes a row per customer, and the keys and the digits past the fourth were two thirds of its
 * bytes and of the time the write took.
 */
export type StoredContribution = [feature: string, value: number | null, contribution: number];

/** The latest score of one customer for one kind, by the model that was active then. */
@Entity('predictions')
// Predictive segments filter on a kind's score or decile; distributions scan a kind.
@Index('idx_predictions_kind_score', ['kind', 'score'])
@Index('idx_predictions_kind_decile', ['kind', 'decile'])
export class PredictionEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'int' })
  customerId!: number;

  @PrimaryColumn({ name: 'kind', type: 'varchar', length: 16 })
  kind!: PredictionKind;

  @Column({ name: 'model_version_id', type: 'int' })
  modelVersionId!: number;

  /** A probability for CHURN and PROPENSITY; money over the horizon for CLV. */
  @Column({ name: 'score', type: 'double' })
  score!: number;

  /** 1 (lowest tenth of scores in this run) to 10 (highest). */
  @Column({ name: 'decile', type: 'smallint' })
  decile!: number;

  /** The features that moved this score most, largest first. */
  @Column(json('contributions'))
  contributions!: StoredContribution[] | null;

  @Column(instant('scored_at'))
  scoredAt!: Date;

  @ManyToOne(() => CustomerEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'fk_predictions_customer' })
  customer?: CustomerEntity;
}
