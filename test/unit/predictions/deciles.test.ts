import { decileBetween, decilesOf } from '../../../src/predictions/deciles';

describe('decilesOf', () => {
  it('ranks scores into tenths, 10 for the highest', () => {
    const scores = Array.from({ length: 20 }, (_, i) => (i * 7) % 20);
    const deciles = decilesOf(scores);

    scores.forEach((score, i) => expect(deciles[i]).toBe(Math.floor(score / 2) + 1));
  });
});

describe('decileBetween', () => {
  const lows = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

  it('places a score by the lowest scores of deciles 2 to 10, a boundary score in the upper one', () => {
    expect(decileBetween(0.05, lows)).toBe(1);
    expect(decileBetween(0.1, lows)).toBe(2);
    expect(decileBetween(0.55, lows)).toBe(6);
    expect(decileBetween(0.9, lows)).toBe(10);
    expect(decileBetween(7, lows)).toBe(10);
  });

  it('agrees with the ranks of the pass whose boundaries it uses', () => {
    const scores = Array.from({ length: 200 }, (_, i) => ((i * 71) % 200) / 200);
    const deciles = decilesOf(scores);
    const boundaries = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((decile) =>
      Math.min(...scores.filter((_, i) => deciles[i] === decile)),
    );

    scores.forEach((score, i) => expect(decileBetween(score, boundaries)).toBe(deciles[i]));
  });
});
