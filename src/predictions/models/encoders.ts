// Turns raw feature rows (numbers, strings, nulls as SQL returns them) into standardised numeric
// vectors. The fitted encoder is a plain JSON object: the registry stores it with the model and
// reloads it to score, so training and scoring encode identically.
import { createHash } from 'node:crypto';
import { badInput } from '../../errors';

export type RawValue = number | string | null;

export interface FeatureSpec {
  name: string;
  kind: 'NUMERIC' | 'CATEGORICAL';
}

export interface NumericEncoding {
  kind: 'NUMERIC';
  name: string;
  mean: number;
  sd: number;
  /** Whether a `<name>_missing` 0/1 column follows the value column. */
  missingIndicator: boolean;
}

export interface CategoricalEncoding {
  kind: 'CATEGORICAL';
  name: string;
  /** Kept levels, in column order; every other level (and null) goes to `<name>=OTHER`. */
  levels: string[];
}

export interface FeatureEncoder {
  features: Array<NumericEncoding | CategoricalEncoding>;
  /** Column names, in the order of the encoded vector. */
  columns: string[];
}

/** Options of `fitEncoder`. */
export interface EncoderOptions {
  /** Levels seen in fewer than this share of training rows are grouped into OTHER. Defaults to 0.01. */
  minLevelShare?: number;
  /** At most this many levels per categorical feature are kept (the most frequent). Defaults to 20. */
  maxLevels?: number;
}

const OTHER = 'OTHER';

// Numbers may arrive as strings (MySQL DECIMAL through mysql2); anything unparsable is missing.
function numericValue(raw: RawValue | undefined): number | null {
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? raw : null;
  }
  if (typeof raw === 'string' && raw.trim() !== '') {
    const parsed = Number(raw);

    return Number.isFinite(parsed) ? parsed : null;
  }

  return null;
}

function levelOf(raw: RawValue | undefined): string | null {
  if (raw === null || raw === undefined || raw === '') {
    return null;
  }

  return String(raw);
}

function fitNumeric(name: string, rows: ReadonlyArray<Record<string, RawValue>>): NumericEncoding {
  let count = 0;
  let mean = 0;
  let sumSquares = 0;
  // Welford's update keeps the variance accurate for large values with a small spread.
  for (const row of rows) {
    const value = numericValue(row[name]);
    if (value !== null) {
      count++;
      const delta = value - mean;
      mean += delta / count;
      sumSquares += delta * (value - mean);
    }
  }
  const sd = count > 0 ? Math.sqrt(sumSquares / count) : 0;

  return {
    kind: 'NUMERIC',
    name,
    mean: count > 0 ? mean : 0,
    sd: sd > 0 ? sd : 1,
    missingIndicator: count < rows.length,
  };
}

function fitCategorical(
  name: string,
  rows: ReadonlyArray<Record<string, RawValue>>,
  minLevelShare: number,
  maxLevels: number,
): CategoricalEncoding {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const level = levelOf(row[name]);
    if (level !== null) {
      counts.set(level, (counts.get(level) ?? 0) + 1);
    }
  }
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  // A literal "OTHER" level would collide with the catch-all column, so it joins it.
  const frequent = [...counts.entries()]
    .filter(([level, count]) => level !== OTHER && count >= minLevelShare * rows.length)
    .sort(([levelA, a], [levelB, b]) => b - a || byCode(levelA, levelB))
    .slice(0, maxLevels)
    .map(([level]) => level);

  // Code-unit order (not locale order) so columns do not move when frequencies shift.
  return { kind: 'CATEGORICAL', name, levels: frequent.sort(byCode) };
}

function columnsOf(feature: NumericEncoding | CategoricalEncoding): string[] {
  if (feature.kind === 'NUMERIC') {
    return feature.missingIndicator ? [feature.name, `${feature.name}_missing`] : [feature.name];
  }

  return [...feature.levels, OTHER].map((level) => `${feature.name}=${level}`);
}

/**
 * Fits an encoder on training rows only (Hastie, Tibshirani & Friedman, ESL §7.10.2: any
 * preprocessing learned from data belongs inside the training split).
 * - NUMERIC: z = (x − mean)/sd with the mean and population sd of the non-missing training
 *   values (sd 0, or no value at all, → 1). A missing value (null, non-numeric string, non-finite
 *   number) encodes as 0, i.e. mean imputation, plus a `<name>_missing` 0/1 column when any
 *   training value was missing (Little & Rubin, missing-indicator method).
 * - CATEGORICAL: one-hot `<name>=<level>` for the levels seen in at least `minLevelShare` of the
 *   training rows, at most `maxLevels` of them (most frequent first, ties by name), listed in
 *   code-unit order, then `<name>=OTHER` for rarer, unseen, empty and null values. No level is
 *   dropped: the models are L2-penalised, so the collinear full one-hot is identifiable.
 * Throws `BAD_USER_INPUT` on duplicate feature or column names and out-of-range options.
 */
export function fitEncoder(
  specs: readonly FeatureSpec[],
  rows: ReadonlyArray<Record<string, RawValue>>,
  options: EncoderOptions = {},
): FeatureEncoder {
  const minLevelShare = options.minLevelShare ?? 0.01;
  const maxLevels = options.maxLevels ?? 20;
  if (!(minLevelShare >= 0 && minLevelShare <= 1)) {
    throw badInput(`minLevelShare must be in [0, 1], got ${minLevelShare}`, 'minLevelShare');
  }
  if (!Number.isInteger(maxLevels) || maxLevels < 0) {
    throw badInput(`maxLevels must be a non-negative integer, got ${maxLevels}`, 'maxLevels');
  }
  const features = specs.map((spec) =>
    spec.kind === 'NUMERIC'
      ? fitNumeric(spec.name, rows)
      : fitCategorical(spec.name, rows, minLevelShare, maxLevels),
  );
  const columns = features.flatMap(columnsOf);
  checkUnique(
    specs.map((spec) => spec.name),
    'feature',
    'specs',
  );
  checkUnique(columns, 'column', 'specs');

  return { features, columns };
}

function checkUnique(names: readonly string[], what: string, field: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw badInput(`${what} ${name} appears twice`, field);
    }
    seen.add(name);
  }
}

/**
 * Encodes one raw row into a vector laid out as `encoder.columns` (missing keys count as null).
 * The encoder is only read, so encoding never changes it.
 */
export function encodeRow(
  encoder: FeatureEncoder,
  raw: Readonly<Record<string, RawValue>>,
): Float64Array {
  return encodeValues(
    encoder,
    encoder.features.map((feature) => raw[feature.name]),
  );
}

/**
 * `encodeRow` for a row given as values in `encoder.features` order (`values[i]` is feature
 * i's): what a scoring pass uses, which reads every customer's features into one array.
 */
export function encodeValues(
  encoder: FeatureEncoder,
  values: ArrayLike<RawValue | undefined>,
): Float64Array {
  const vector = new Float64Array(encoder.columns.length);
  let column = 0;
  encoder.features.forEach((feature, index) => {
    if (feature.kind === 'NUMERIC') {
      const value = numericValue(values[index]);
      vector[column++] = value === null ? 0 : (value - feature.mean) / feature.sd;
      if (feature.missingIndicator) {
        vector[column++] = value === null ? 1 : 0;
      }
    } else {
      const level = levelOf(values[index]);
      const at = level === null ? -1 : feature.levels.indexOf(level);
      vector[column + (at === -1 ? feature.levels.length : at)] = 1;
      column += feature.levels.length + 1;
    }
  });

  return vector;
}

/**
 * SHA-256 (hex) of the column names and the feature specs (name and kind), in order. Identifies
 * the feature layout a model expects; it ignores fitted means and sds, so refitting on new data
 * with the same layout keeps the hash.
 */
export function featureHash(encoder: FeatureEncoder): string {
  const layout = {
    specs: encoder.features.map((feature) => [feature.name, feature.kind]),
    columns: encoder.columns,
  };

  return createHash('sha256').update(JSON.stringify(layout)).digest('hex');
}
