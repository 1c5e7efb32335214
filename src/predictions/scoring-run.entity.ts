import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { instant, json, text } from '../db/columns';
import type { PredictionKind } from './prediction-kind';

/** One pass of a model over every customer, with the drift it measured. */
@Entity('scoring_runs')
@Index('idx_scoring_runs_kind_time', ['kind', 'startedAt'])
export class ScoringRunEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(text('kind', 16))
  kind!: PredictionKind;

  @Column({ name: 'model_version_id', type: 'int' })
  modelVersionId!: number;

  @Column(instant('started_at'))
  startedAt!: Date;

  @Column(instant('finished_at', true))
  finishedAt!: Date | null;

  @Column({ name: 'scored', type: 'int', default: 0 })
  scored!: number;

  /** PSI of this run's scores against the model's training reference. */
  @Column({ name: 'score_psi', type: 'double', nullable: true })
  scorePsi!: number | null;

  /** The largest feature PSI, and every feature's. */
  @Column({ name: 'max_feature_psi', type: 'double', nullable: true })
  maxFeaturePsi!: number | null;

  @Column(json('feature_psi'))
  featurePsi!: Record<string, number> | null;
}
