import { checkHealth } from '../../../../src/experiments/analysis/health';

const variants = [
  { key: 'control', name: 'control', weight: 2, isControl: true, costPerCustomer: null },
  { key: 'b', name: 'b', weight: 1, isControl: false, costPerCustomer: null },
];

describe('checkHealth', () => {
  it('passes exposures that match 2:1 weights with no warning', () => {
    const health = checkHealth(
      variants,
      [
        { variantKey: 'control', n: 2000 },
        { variantKey: 'b', n: 1010 },
      ],
      0,
      100,
    );

    expect(health.sampleRatio.flagged).toBe(false);
    const [control, b] = health.sampleRatio.expected;
    expect(control).toBeCloseTo(2006.667, 3);
    expect(b).toBeCloseTo(1003.333, 3);
    expect(health.warnings).toEqual([]);
  });

  it('flags a mismatch against the weights and shows observed and expected counts', () => {
    const health = checkHealth(
      variants,
      [
        { variantKey: 'control', n: 1000 },
        { variantKey: 'b', n: 1000 },
      ],
      0,
      100,
    );

    expect(health.sampleRatio.flagged).toBe(true);
    expect(health.warnings[0]).toMatch(
      /^Sample ratio mismatch: exposures 1000\/1000 against expected 1333\.3\/666\.7 \(p = /,
    );
  });

  it('counts a variant missing from the exposures as 0 and warns it is under the minimum', () => {
    const health = checkHealth(variants, [{ variantKey: 'control', n: 150 }], 3, 100);

    expect(health.lowDataVariants).toEqual(['b']);
    expect(health.mixedExposures).toBe(3);
    expect(health.warnings).toEqual([
      'Fewer than 100 exposed customers in b',
      '3 customers were exposed to more than one variant',
    ]);
  });
});
