// Two-proportion z-test for conversion metrics (control A, treatment B; differences are B − A).
import {
  type DeltaLift,
  type Interval,
  deltaMethodLift,
  fiellerLift,
  intervalAround,
} from './lift';
import { normalCritical, normalPValue } from './normal';
import { type Maybe, type Sided, defined, undefinedBecause } from './sums';

/** Units exposed and units converted in one arm. */
export interface ProportionArm {
  n: number;
  conversions: number;
}

/** Inputs of {@link twoProportionZTest}; α defaults to 0.05, the test to two-sided. */
export interface TwoProportionInput {
  control: ProportionArm;
  treatment: ProportionArm;
  alpha?: number;
  sided?: Sided;
}

/** Everything the z-test reports; undefined quantities are null with a reason. */
export interface TwoProportionResult {
  alpha: number;
  sided: Sided;
  rateA: number;
  rateB: number;
  absDiff: number;
  pooledRate: number;
  sePooled: number;
  seUnpooled: number;
  zPooled: Maybe<number>;
  pValuePooled: Maybe<number>;
  zUnpooled: Maybe<number>;
  pValueUnpooled: Maybe<number>;
  absDiffInterval: Maybe<Interval>;
  relativeLift: Maybe<DeltaLift>;
  relativeLiftFieller: Maybe<Interval>;
}

function zAndP(diff: number, se: number, sided: Sided): [Maybe<number>, Maybe<number>] {
  if (se === 0) {
    return [undefinedBecause('ZERO_VARIANCE'), undefinedBecause('ZERO_VARIANCE')];
  }
  const z = diff / se;

  return [defined(z), defined(normalPValue(z, sided))];
}

/**
 * Two-proportion z-test, pooled and unpooled (Evan Miller, "How Not To Run an A/B Test";
 * Kohavi, Tang & Xu, "Trustworthy Online Controlled Experiments", ch. 17):
 * p = (x_A + x_B)/(n_A + n_B), se_pooled = √(p(1−p)(1/n_A + 1/n_B)), z = (p_B − p_A)/se;
 * se_unpooled = √(p_A(1−p_A)/n_A + p_B(1−p_B)/n_B). p-values from the normal survival
 * function. The difference interval is the unpooled Wald interval; the relative lift carries
 * delta-method and Fieller intervals (see lift.ts) with v = p(1−p)/n. Null with
 * `NOT_ENOUGH_DATA` when an arm has no units.
 */
export function twoProportionZTest(input: TwoProportionInput): Maybe<TwoProportionResult> {
  const { control, treatment } = input;
  const alpha = input.alpha ?? 0.05;
  const sided = input.sided ?? 'two';
  if (control.n < 1 || treatment.n < 1) {
    return undefinedBecause('NOT_ENOUGH_DATA');
  }
  const rateA = control.conversions / control.n;
  const rateB = treatment.conversions / treatment.n;
  const absDiff = rateB - rateA;
  const pooledRate = (control.conversions + treatment.conversions) / (control.n + treatment.n);
  const sePooled = Math.sqrt(pooledRate * (1 - pooledRate) * (1 / control.n + 1 / treatment.n));
  const a = { mean: rateA, varianceOfMean: (rateA * (1 - rateA)) / control.n };
  const b = { mean: rateB, varianceOfMean: (rateB * (1 - rateB)) / treatment.n };
  const seUnpooled = Math.sqrt(a.varianceOfMean + b.varianceOfMean);
  const [zPooled, pValuePooled] = zAndP(absDiff, sePooled, sided);
  const [zUnpooled, pValueUnpooled] = zAndP(absDiff, seUnpooled, sided);
  const critical = normalCritical(alpha, sided);

  return defined({
    alpha,
    sided,
    rateA,
    rateB,
    absDiff,
    pooledRate,
    sePooled,
    seUnpooled,
    zPooled,
    pValuePooled,
    zUnpooled,
    pValueUnpooled,
    absDiffInterval:
      seUnpooled === 0
        ? undefinedBecause('ZERO_VARIANCE')
        : defined(intervalAround(absDiff, seUnpooled, critical, sided)),
    relativeLift: deltaMethodLift(a, b, critical, sided),
    relativeLiftFieller: fiellerLift(a, b, critical),
  });
}
