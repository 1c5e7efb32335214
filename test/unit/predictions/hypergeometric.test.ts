import { logGamma } from '../../../src/experiments/stats/special';
import { hyp2f1 } from '../../../src/predictions/models/hypergeometric';

function expectRelativelyClose(actual: number, expected: number, relative: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));
}

describe('hyp2f1', () => {
  it('gives ₂F₁(1, 1; 2; 0.5) = 2 ln 2', () => {
    expect(Math.abs(hyp2f1(1, 1, 2, 0.5) - 2 * Math.LN2)).toBeLessThanOrEqual(1e-12);
  });

  it.each([0.3, 0.95, 0.999, -0.5, -3, -1000])(
    'gives ₂F₁(1, 1; 2; z) = −ln(1 − z)/z at z = %p',
    (z) => {
      expectRelativelyClose(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z, 1e-12);
    },
  );

  it.each([
    [0.5, 1.7, 0.4],
    [2.3, 0.8, 0.93],
    [0.243, 2.426, 0.99],
    [3, 1.5, -2],
    [1.25, 4, -50],
  ])('gives ₂F₁(a, b; b; z) = (1 − z)^(−a) for a = %p, b = %p, z = %p', (a, b, z) => {
    expectRelativelyClose(hyp2f1(a, b, b, z), (1 - z) ** -a, 1e-12);
  });

  it.each([0.2, 0.95, 0.9999, -7])(
    'gives ₂F₁(½, ½; 3/2; z²)·z = arcsin z through the series or 1 − z transformation at z² = %p',
    (z2) => {
      // A&S 15.1.6, defined for z² < 1; c − a − b = ½ is not an integer.
      if (z2 >= 0) {
        const z = Math.sqrt(z2);
        expectRelativelyClose(z * hyp2f1(0.5, 0.5, 1.5, z2), Math.asin(z), 1e-12);
      } else {
        // A&S 15.1.7: ₂F₁(½, ½; 3/2; −z²)·z = asinh z.
        const z = Math.sqrt(-z2);
        expectRelativelyClose(z * hyp2f1(0.5, 0.5, 1.5, z2), Math.asinh(z), 1e-12);
      }
    },
  );

  it('gives a polynomial for a non-positive integer a: ₂F₁(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))', () => {
    const [b, c, z] = [1.5, 2.5, 0.97];
    expectRelativelyClose(
      hyp2f1(-2, b, c, z),
      1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)),
      1e-13,
    );
  });

  it('throws a RangeError for z ≥ 1 and for a non-positive integer c', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, -1, 0.5)).toThrow(RangeError);
  });

  it('throws a RangeError when the series cannot converge near z = 1 with integer c − a − b', () => {
    expect(() => hyp2f1(1, 1, 2, 0.99999)).toThrow(/did not converge/);
  });
});

describe('logGamma used by the CLV models', () => {
  it('gives lnΓ(0.5) = ln √π', () => {
    expect(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThanOrEqual(1e-14);
  });
});
