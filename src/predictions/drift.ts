import {
  binOf,
  histogramCounts,
  populationStabilityIndex,
  type ReferenceHistogram,
  referenceHistogram,
} from './metrics';
import type { RawValue } from './models/encoders';

// The baseline a model keeps from training (score and numeric feature histograms of its most
// recent labelled population) and the running counts a scoring pass compares with it.

/** What `model_versions.reference` holds. */
export interface DriftReference {
  scores: ReferenceHistogram;
  features: Record<string, ReferenceHistogram>;
}

/** Collects values of one population, then cuts reference histograms from them. */
export class ReferenceCollector {
  private readonly scores: number[] = [];
  private readonly features = new Map<string, number[]>();

  add(score: number, raw: Readonly<Record<string, RawValue>>): void {
    this.scores.push(score);
    for (const [name, value] of Object.entries(raw)) {
      if (typeof value === 'number') {
        const values = this.features.get(name) ?? [];
        values.push(value);
        this.features.set(name, values);
      }
    }
  }

  reference(): DriftReference {
    return {
      scores: referenceHistogram(this.scores),
      features: Object.fromEntries(
        [...this.features].map(([name, values]) => [name, referenceHistogram(values)]),
      ),
    };
  }
}

/** PSI of this run's scores and of each feature against the model's reference. */
export interface DriftReport {
  scorePsi: number | null;
  featurePsi: Record<string, number>;
  maxFeaturePsi: number | null;
}

/** Counts a scoring pass's values into the reference bins, batch by batch. */
export class DriftCounter {
  private readonly scoreCounts: number[];
  /** The reference's features the pass reads: where each is in a row of values, its counts. */
  private readonly features: Array<{ name: string; position: number; counts: number[] }>;

  constructor(
    private readonly reference: DriftReference,
    /** The features in each row of values `add` is given, in order. */
    featureNames: readonly string[],
  ) {
    this.scoreCounts = new Array<number>(reference.scores.shares.length).fill(0);
    this.features = Object.entries(reference.features)
      .map(([name, histogram]) => ({
        name,
        position: featureNames.indexOf(name),
        counts: new Array<number>(histogram.shares.length).fill(0),
      }))
      .filter((feature) => feature.position !== -1);
  }

  /** Counts some customers' scores and raw feature values (missing values are not counted). */
  add(scores: readonly number[], rows: ReadonlyArray<ArrayLike<RawValue>>): void {
    accumulate(this.scoreCounts, histogramCounts(this.reference.scores, scores));
    for (const { name, position, counts } of this.features) {
      const { edges } = this.reference.features[name];
      for (const row of rows) {
        const value = row[position];
        if (typeof value === 'number' && Number.isFinite(value)) {
          counts[binOf(edges, value)]++;
        }
      }
    }
  }

  report(): DriftReport {
    const psi = (histogram: ReferenceHistogram, counts: readonly number[]): number | null =>
      counts.some((count) => count > 0) ? populationStabilityIndex(histogram, counts) : null;
    const featurePsi: Record<string, number> = {};
    for (const { name, counts } of this.features) {
      const value = psi(this.reference.features[name], counts);
      if (value !== null) {
        featurePsi[name] = value;
      }
    }
    const values = Object.values(featurePsi);

    return {
      scorePsi: psi(this.reference.scores, this.scoreCounts),
      featurePsi,
      maxFeaturePsi: values.length > 0 ? Math.max(...values) : null,
    };
  }
}

function accumulate(total: number[], counts: readonly number[]): void {
  counts.forEach((count, index) => {
    total[index] += count;
  });
}
