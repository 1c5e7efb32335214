import type { ExperimentStatus } from './experiment-definition';

/** Topics of experiment events. */
export const ExperimentTopic = {
  UPDATED: 'EXPERIMENT_UPDATED',
} as const;

/** Why an experiment update was announced. */
export type ExperimentUpdateKind = 'STATUS_CHANGED' | 'SRM_DETECTED' | 'DECISION_AVAILABLE';

/** An experiment's status change, SRM alarm or new decision: JSON only (may travel via Redis). */
export interface ExperimentUpdatedPayload {
  experimentId: number;
  kind: ExperimentUpdateKind;
  status: ExperimentStatus;
  decision: string | null;
  message: string;
  occurredAt: string;
}
