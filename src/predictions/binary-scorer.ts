import { contributionsOf, scoreBinary } from './binary-model';
import type { BinaryModelState } from './binary-training.service';
import {
  featureNames,
  featureValues,
  modelInput,
  readThroughLog1p,
  type SnapshotAggregates,
} from './feature-set';
import { encodeValues, type RawValue } from './models/encoders';
import type { StoredContribution } from './prediction.entity';

/** Contributions kept per scored customer. */
const TOP_CONTRIBUTIONS = 5;

/** One customer scored: the probability, what moved it most, and the raw features behind it. */
export interface ScoredCustomer {
  score: number;
  contributions: StoredContribution[];
  /** Raw feature values, in `BinaryScorer.featureNames` order. */
  values: RawValue[];
}

/**
 * A stored churn or propensity model made ready to score a whole population. Names, log
 * transforms and which column shows which raw value are worked out once, so a customer costs
 * one array of values, one encoded vector and the model's arithmetic (a pass scores every
 * customer, and records of named features per customer cost more than the model itself).
 */
export class BinaryScorer {
  /** The features each customer's `values` hold, in order. */
  readonly featureNames: readonly string[];
  private readonly logged: boolean[];
  /** Per encoded column, the feature whose raw value it shows (value columns), else -1. */
  private readonly shownFeature: Int32Array;

  constructor(private readonly state: BinaryModelState) {
    const names = featureNames(state.choice);
    const encoded = state.encoder.features.map((feature) => feature.name);
    // Training fits the encoder on featureSpecs(choice), so a stored model always matches.
    if (encoded.length !== names.length || encoded.some((name, index) => name !== names[index])) {
      throw new Error(
        `the model encodes features [${encoded.join(', ')}] but its choice reads [${names.join(', ')}]`,
      );
    }
    this.featureNames = names;
    this.logged = names.map(readThroughLog1p);
    this.shownFeature = Int32Array.from(state.encoder.columns, (column) => names.indexOf(column));
  }

  score(row: SnapshotAggregates, snapshot: Date): ScoredCustomer {
    const values = featureValues(row, snapshot, this.state.choice);
    const encoded = encodeValues(
      this.state.encoder,
      values.map((value, index) => modelInput(value, this.logged[index])),
    );

    return {
      score: scoreBinary(this.state.fitted, encoded),
      contributions: topContributions(this.state, encoded, (column) => {
        const feature = this.shownFeature[column];

        return feature === -1 ? undefined : values[feature];
      }),
      values,
    };
  }
}

/** `value` to 4 significant digits (toPrecision, but without the string it costs a pass). */
export function fourDigits(value: number): number {
  if (value === 0 || !Number.isFinite(value)) {
    return value;
  }
  // Whole powers of ten multiply exactly, so the result is the nearest double to the rounding.
  const digits = 3 - Math.floor(Math.log10(Math.abs(value)));
  if (digits > 300) {
    // Subnormal: the power of ten would overflow.
    return Number(value.toPrecision(4));
  }

  return digits >= 0
    ? Math.round(value * 10 ** digits) / 10 ** digits
    : Math.round(value / 10 ** -digits) * 10 ** -digits;
}

/** The `count` largest non-zero contributions of one scored row, largest magnitude first. */
export function topContributions(
  state: BinaryModelState,
  encoded: Float64Array,
  /** The raw value a column shows, when it has one (value columns of numeric features). */
  rawOf: (column: number) => RawValue | undefined,
  count = TOP_CONTRIBUTIONS,
): StoredContribution[] {
  const contributions = contributionsOf(state.fitted, encoded, state.encoder.columns.length);
  // Column indexes, kept sorted by magnitude: a pass calls this per customer, and sorting every
  // column to keep five cost more than scoring.
  const top: number[] = [];
  const magnitude = (index: number) => Math.abs(contributions[index]);
  contributions.forEach((contribution, index) => {
    if (
      contribution === 0 ||
      (top.length === count && magnitude(index) <= magnitude(top[count - 1]))
    ) {
      return;
    }
    if (top.length === count) {
      top.pop();
    }
    // After every column as large: ties keep column order.
    let at = top.length;
    while (at > 0 && magnitude(top[at - 1]) < magnitude(index)) {
      at--;
    }
    top.splice(at, 0, index);
  });

  return top.map((index) => {
    const value = rawOf(index);

    return [
      state.encoder.columns[index],
      fourDigits(typeof value === 'number' ? value : encoded[index]),
      fourDigits(contributions[index]),
    ];
  });
}
