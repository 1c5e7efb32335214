import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { instant, json, text } from '../db/columns';
import type { ModelAlgorithm, ModelStatus, PredictionKind } from './prediction-kind';

/** One training run of one model: its settings, its evaluation and, once trained, its fit. */
@Entity('model_versions')
@Index('uq_model_versions_kind_number', ['kind', 'number'], { unique: true })
@Index('idx_model_versions_kind_status', ['kind', 'status'])
export class ModelVersionEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column(text('kind', 16))
  kind!: PredictionKind;

  /** 1, 2, 3… within the kind: the version people name ("churn v3"). */
  @Column({ name: 'number', type: 'int' })
  number!: number;

  @Column(text('algorithm', 24))
  algorithm!: ModelAlgorithm;

  @Column(text('status', 12))
  status!: ModelStatus;

  /** The training options as given, with defaults filled in. */
  @Column(json('options'))
  options!: Record<string, unknown> | null;

  /** Encoded feature columns, in model order. */
  @Column(json('features'))
  features!: string[] | null;

  @Column(text('feature_hash', 64, true))
  featureHash!: string | null;

  /** Earliest and latest training snapshot (features as of these instants). */
  @Column(instant('training_from', true))
  trainingFrom!: Date | null;

  @Column(instant('training_to', true))
  trainingTo!: Date | null;

  @Column({ name: 'sample_size', type: 'int', nullable: true })
  sampleSize!: number | null;

  @Column({ name: 'positive_rate', type: 'double', nullable: true })
  positiveRate!: number | null;

  /** In-time (cross-validated) and out-of-time metrics, calibration tables included. */
  @Column(json('metrics'))
  metrics!: Record<string, unknown> | null;

  /** Reference score and feature histograms, the baseline of drift. */
  @Column(json('reference'))
  reference!: Record<string, unknown> | null;

  /** The fitted model (encoder and parameters), as scoring reloads it. */
  @Column(json('model'))
  model!: Record<string, unknown> | null;

  /** Training progress, 0–1, and what it is doing. */
  @Column({ name: 'progress', type: 'double', default: 0 })
  progress!: number;

  @Column(text('stage', 100, true))
  stage!: string | null;

  @Column(text('error', 1000, true))
  error!: string | null;

  @Column(text('created_by', 100, true))
  createdBy!: string | null;

  @Column(text('promoted_by', 100, true))
  promotedBy!: string | null;

  @Column(instant('promoted_at', true))
  promotedAt!: Date | null;

  @Column(text('promotion_reason', 500, true))
  promotionReason!: string | null;

  @Column(instant('retired_at', true))
  retiredAt!: Date | null;

  @Column(instant('created_at'))
  createdAt!: Date;

  @Column(instant('finished_at', true))
  finishedAt!: Date | null;
}
