import { twoProportionZTest } from '../../../../src/experiments/stats/two-proportions';
import { type Interval } from '../../../../src/experiments/stats/lift';
import { expectWithin, referenceSection, toleranceFor } from './reference-vectors';

interface Arm {
  n: number;
  conversions: number;
}

function bounds(interval: Interval | null): [number | null, number | null] {
  return [interval?.lower ?? null, interval?.upper ?? null];
}

// `rates` in the tolerance keys names rate_a, rate_b and pooled_rate; relative_lift has no key
// of its own, so it is held to the tightest one (that of abs_diff, whose ratio it is).
function toleranceKey(field: string): string {
  if (field === 'relative_lift') {
    return 'abs_diff';
  }

  return field.startsWith('rate_') || field === 'pooled_rate' ? 'rates' : field;
}

describe('twoProportionZTest reference vectors', () => {
  it.each(referenceSection('two_proportion_z_tests').map((v) => [v.id, v] as const))(
    'reproduces vector %s within its tolerances',
    (_id, vector) => {
      const inputs = vector.inputs as { control: Arm; treatment: Arm; alpha: number };
      const result = twoProportionZTest({ ...inputs, sided: 'two' }).value;
      expect(result).not.toBeNull();
      const r = result!;
      const actual: Record<string, number | null | [number | null, number | null]> = {
        rate_a: r.rateA,
        rate_b: r.rateB,
        abs_diff: r.absDiff,
        pooled_rate: r.pooledRate,
        se_pooled: r.sePooled,
        se_unpooled: r.seUnpooled,
        z_pooled: r.zPooled.value,
        p_two_sided_pooled: r.pValuePooled.value,
        z_unpooled: r.zUnpooled.value,
        p_two_sided_unpooled: r.pValueUnpooled.value,
        abs_diff_ci95: bounds(r.absDiffInterval.value),
        relative_lift: r.relativeLift.value?.lift ?? null,
        se_relative_delta_method: r.relativeLift.value?.standardError ?? null,
        relative_lift_ci95_delta_method: bounds(r.relativeLift.value?.interval ?? null),
        relative_lift_ci95_fieller: bounds(r.relativeLiftFieller.value),
      };
      for (const [field, expected] of Object.entries(vector.expected)) {
        const tolerance = toleranceFor(vector, toleranceKey(field));
        if (Array.isArray(expected)) {
          const pair = actual[field] as [number | null, number | null];
          expectWithin(pair[0], expected[0] as number, tolerance, `${field}[0]`);
          expectWithin(pair[1], expected[1] as number, tolerance, `${field}[1]`);
        } else {
          expectWithin(actual[field] as number | null, expected as number | null, tolerance, field);
        }
      }
    },
  );
});

describe('twoProportionZTest guards', () => {
  it('returns NOT_ENOUGH_DATA instead of a result when an arm has no units', () => {
    const result = twoProportionZTest({
      control: { n: 0, conversions: 0 },
      treatment: { n: 10, conversions: 1 },
    });
    expect(result).toEqual({ value: null, reason: 'NOT_ENOUGH_DATA' });
  });

  it('reports z, p and intervals as ZERO_VARIANCE and the lift as BASELINE_ZERO when no arm converts', () => {
    const r = twoProportionZTest({
      control: { n: 100, conversions: 0 },
      treatment: { n: 100, conversions: 0 },
    }).value!;
    expect(r.zPooled).toEqual({ value: null, reason: 'ZERO_VARIANCE' });
    expect(r.pValuePooled).toEqual({ value: null, reason: 'ZERO_VARIANCE' });
    expect(r.pValueUnpooled).toEqual({ value: null, reason: 'ZERO_VARIANCE' });
    expect(r.absDiffInterval).toEqual({ value: null, reason: 'ZERO_VARIANCE' });
    expect(r.relativeLift).toEqual({ value: null, reason: 'BASELINE_ZERO' });
    expect(r.relativeLiftFieller).toEqual({ value: null, reason: 'BASELINE_ZERO' });
  });

  it('keeps a huge effect p-value positive rather than letting it underflow to 0', () => {
    const r = twoProportionZTest({
      control: { n: 100000, conversions: 10000 },
      treatment: { n: 100000, conversions: 14000 },
    }).value!;
    // z ≈ 27.6: erfc(z/√2) ≈ 5e-168 (scipy.stats.norm.sf); 1 − Φ(z) would be exactly 0.
    expect(r.pValuePooled.value!).toBeGreaterThan(0);
    expect(r.pValuePooled.value!).toBeLessThan(1e-150);
  });

  it('uses the upper tail and an upper-open interval for a one-sided "greater" test', () => {
    const r = twoProportionZTest({
      control: { n: 2000, conversions: 200 },
      treatment: { n: 2000, conversions: 250 },
      sided: 'greater',
    }).value!;
    // Half the two-sided pooled p-value of vector z1 (0.0123509477112).
    expect(r.pValuePooled.value!).toBeCloseTo(0.0061754738556, 10);
    expect(r.absDiffInterval.value!.upper).toBeNull();
    // 0.025 − z₀.₉₅ · se_unpooled, z₀.₉₅ = 1.6448536269514722
    expect(r.absDiffInterval.value!.lower!).toBeCloseTo(0.008577184678617, 10);
  });

  it('reports the Fieller interval as UNBOUNDED when the control rate is not distinguishable from 0', () => {
    const r = twoProportionZTest({
      control: { n: 10, conversions: 1 },
      treatment: { n: 10, conversions: 3 },
    }).value!;
    expect(r.relativeLiftFieller).toEqual({ value: null, reason: 'UNBOUNDED' });
    expect(r.relativeLift.value!.lift).toBeCloseTo(2, 12);
  });
});
