import {
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
  private readonly featureCounts = new Map<string, number[]>();

  constructor(private readonly reference: DriftReference) {
    this.scoreCounts = new Array<number>(reference.scores.shares.length).fill(0);
  }

  add(scores: readonly number[], raws: ReadonlyArray<Readonly<Record<string, RawValue>>>): void {
    accumulate(this.scoreCounts, histogramCounts(this.reference.scores, scores));
    for (const [name, histogram] of Object.entries(this.reference.features)) {
      const values = raws
        .map((raw) => raw[name])
        .filter((value): value is number => typeof value === 'number');
      const counts =
        this.featureCounts.get(name) ?? new Array<number>(histogram.shares.length).fill(0);
      accumulate(counts, histogramCounts(histogram, values));
      this.featureCounts.set(name, counts);
    }
  }

  report(): DriftReport {
    const psi = (histogram: ReferenceHistogram, counts: readonly number[]): number | null =>
      counts.some((count) => count > 0) ? populationStabilityIndex(histogram, counts) : null;
    const featurePsi: Record<string, number> = {};
    for (const [name, counts] of this.featureCounts) {
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
