import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Tolerance {
  abs: number;
  rel: number;
}

export interface ReferenceVector {
  id: string;
  formula: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
  growthbook_expected_5dp?: Record<string, unknown>;
  tolerance: Record<string, Tolerance>;
}

const FIXTURE = join(__dirname, '../../../fixtures/experiments/reference-vectors.json');

/** The vectors of one section of test/fixtures/experiments/reference-vectors.json. */
export function referenceSection(section: string): ReferenceVector[] {
  const all = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<
    string,
    { vectors?: ReferenceVector[] }
  >;
  const vectors = all[section]?.vectors;
  if (!vectors || vectors.length === 0) {
    throw new Error(`reference section ${section} has no vectors`);
  }

  return vectors;
}

// Tolerance keys are comma-separated field names or globs (`expected_loss_*`), per the file's
// `conventions.tolerance_semantics`.
export function toleranceFor(vector: ReferenceVector, field: string): Tolerance {
  for (const [key, tolerance] of Object.entries(vector.tolerance)) {
    const patterns = key.split(',').map((part) => part.trim());
    if (
      patterns.some((pattern) =>
        new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(
          field,
        ),
      )
    ) {
      return tolerance;
    }
  }
  throw new Error(`vector ${vector.id} has no tolerance for ${field}`);
}

/** |actual − expected| ≤ max(abs, rel·|expected|), the fixture's pass rule; null must match null. */
export function expectWithin(
  actual: number | null | undefined,
  expected: number | null,
  tolerance: Tolerance,
  label: string,
): void {
  if (expected === null) {
    expect({ label, actual }).toEqual({ label, actual: null });

    return;
  }
  const bound = Math.max(tolerance.abs, tolerance.rel * Math.abs(expected));
  const diff = Math.abs((actual ?? NaN) - expected);
  expect({ label, withinTolerance: diff <= bound, actual, expected, bound }).toEqual({
    label,
    withinTolerance: true,
    actual,
    expected,
    bound,
  });
}

/**
 * Checks every field of `actual` against `expected` with one tolerance; a field named `ci[0]`
 * reads element 0 of the expected array `ci`.
 */
export function expectFieldsWithin(
  actual: Record<string, number | null>,
  expected: Record<string, unknown>,
  tolerance: Tolerance,
): void {
  for (const [field, value] of Object.entries(actual)) {
    const [key, index] = field.replace(']', '').split('[');
    const raw = expected[key] as number | null | (number | null)[];
    const target = index === undefined ? raw : (raw as (number | null)[])[Number(index)];
    expectWithin(value, target as number | null, tolerance, field);
  }
}
