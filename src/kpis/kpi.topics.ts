/** Topics of KPI events. */
export const KpiTopic = {
  UPDATED: 'KPI_UPDATED',
} as const;

/** A stored KPI value that changed in an evaluation: JSON only (it may travel through Redis). */
export interface KpiUpdatedPayload {
  kpiId: number;
  periodStart: string;
  periodEnd: string;
  value: number | null;
  numerator: number;
  denominator: number | null;
  computedAt: string;
}
