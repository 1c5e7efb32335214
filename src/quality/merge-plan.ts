/** Profile fields a merge fills on the survivor when they are empty there. */
export const FILLABLE_FIELDS = [
  'name',
  'email',
  'phone',
  'country',
  'city',
  'birthDate',
  'gender',
  'attributes',
] as const;

export type FillableField = (typeof FILLABLE_FIELDS)[number];

type Profile = { [field in FillableField]: unknown };

function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'string' && value.trim() === '') ||
    (typeof value === 'object' && Object.keys(value as object).length === 0)
  );
}

/**
 * The survivor's empty fields, each filled from the first duplicate (in the given order) that
 * has it; fields the survivor has, or no duplicate has, are left out.
 */
export function filledFields<T extends Profile>(
  survivor: T,
  duplicates: readonly T[],
): Partial<Pick<T, FillableField>> {
  const fills: Partial<Pick<T, FillableField>> = {};
  for (const field of FILLABLE_FIELDS) {
    const source = isEmpty(survivor[field])
      ? duplicates.find((duplicate) => !isEmpty(duplicate[field]))
      : undefined;
    if (source) {
      fills[field] = source[field];
    }
  }

  return fills;
}

/**
 * The most recent row per channel (`channel`, `changedAt`). On equal times the earlier row in
 * `rows` wins, so callers list the survivor's rows first.
 */
export function latestPerChannel<T extends { channel: string; changedAt: Date }>(
  rows: readonly T[],
): T[] {
  const latest = new Map<string, T>();
  for (const row of rows) {
    const kept = latest.get(row.channel);
    if (!kept || row.changedAt.getTime() > kept.changedAt.getTime()) {
      latest.set(row.channel, row);
    }
  }

  return [...latest.values()];
}

/** One customer's exposure to one experiment. */
export interface ExposureRow {
  experimentId: number;
  customerId: number;
  variantId: number;
  firstExposedAt: Date;
  mixedVariants: boolean;
}

/** What the survivor keeps of one experiment that a duplicate was exposed to. */
export interface KeptExposure {
  experimentId: number;
  variantId: number;
  firstExposedAt: Date;
  /** The merged records were in different variants. */
  variantsDiffer: boolean;
  /** Different variants now or before (a record that was mixed already stays mixed). */
  mixedVariants: boolean;
  /** Whether the survivor had a row for this experiment before the merge. */
  survivorHadRow: boolean;
}

/**
 * Per experiment any duplicate was exposed to: the earliest first exposure of all merged
 * records (the survivor's on equal times), and whether their variants differed.
 */
export function mergedExposures(rows: readonly ExposureRow[], survivorId: number): KeptExposure[] {
  const byExperiment = new Map<number, ExposureRow[]>();
  for (const row of rows) {
    byExperiment.set(row.experimentId, [...(byExperiment.get(row.experimentId) ?? []), row]);
  }
  const kept: KeptExposure[] = [];
  for (const [experimentId, group] of byExperiment) {
    if (group.every((row) => row.customerId === survivorId)) {
      continue;
    }
    const first = [...group].sort(
      (a, b) =>
        a.firstExposedAt.getTime() - b.firstExposedAt.getTime() ||
        Number(b.customerId === survivorId) - Number(a.customerId === survivorId),
    )[0];
    const variantsDiffer = new Set(group.map((row) => row.variantId)).size > 1;
    kept.push({
      experimentId,
      variantId: first.variantId,
      firstExposedAt: first.firstExposedAt,
      variantsDiffer,
      mixedVariants: variantsDiffer || group.some((row) => row.mixedVariants),
      survivorHadRow: group.some((row) => row.customerId === survivorId),
    });
  }

  return kept;
}
