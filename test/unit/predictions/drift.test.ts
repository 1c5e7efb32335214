import { DriftCounter, ReferenceCollector } from '../../../src/predictions/drift';

describe('drift', () => {
  const baseline = () => {
    const collector = new ReferenceCollector();
    for (let i = 0; i < 1000; i++) {
      collector.add(i / 1000, { recency: i % 100, label: 'text is ignored' });
    }

    return collector.reference();
  };

  it('finds no drift when a pass sees the training population again', () => {
    const counter = new DriftCounter(baseline(), ['label', 'recency']);
    const scores = Array.from({ length: 1000 }, (_, i) => i / 1000);
    counter.add(
      scores,
      scores.map((_, i) => ['text is ignored', i % 100]),
    );
    const report = counter.report();

    expect(report.scorePsi).toBeLessThan(1e-9);
    expect(report.maxFeaturePsi).toBeLessThan(1e-9);
    expect(Object.keys(report.featurePsi)).toEqual(['recency']);
  });

  it('measures a shift as the PSI of the shares, Σ (a − e) ln(a / e)', () => {
    const counter = new DriftCounter(baseline(), ['recency']);
    // Every score in the top tenth: that bin's share goes from 0.1 to 1, the others to the floor.
    counter.add(
      Array.from({ length: 500 }, () => 0.999),
      [],
    );
    const floor = 1e-4;
    const expected = (1 - 0.1) * Math.log(1 / 0.1) + 9 * (floor - 0.1) * Math.log(floor / 0.1);

    expect(counter.report().scorePsi).toBeCloseTo(expected, 6);
  });
});
