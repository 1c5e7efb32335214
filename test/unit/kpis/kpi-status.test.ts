import { changeOf, statusOf, targetFor } from '../../../src/kpis/kpi-status';

describe('statusOf', () => {
  it.each([
    [100, 100, 'HIGHER_IS_BETTER', 0.1, 'ON_TRACK'],
    [120, 100, 'HIGHER_IS_BETTER', 0.1, 'ON_TRACK'],
    [90, 100, 'HIGHER_IS_BETTER', 0.1, 'AT_RISK'],
    [89.9, 100, 'HIGHER_IS_BETTER', 0.1, 'OFF_TRACK'],
    [0.05, 0.06, 'LOWER_IS_BETTER', 0.1, 'ON_TRACK'],
    [0.065, 0.06, 'LOWER_IS_BETTER', 0.1, 'AT_RISK'],
    [0.07, 0.06, 'LOWER_IS_BETTER', 0.1, 'OFF_TRACK'],
    [-5, -10, 'HIGHER_IS_BETTER', 0, 'ON_TRACK'],
    [1, 0, 'LOWER_IS_BETTER', 0.5, 'OFF_TRACK'],
    [null, 100, 'HIGHER_IS_BETTER', 0.1, null],
    [100, null, 'HIGHER_IS_BETTER', 0.1, null],
  ] as const)(
    'gives %s against %s (%s, tolerance %s) as %s',
    (value, target, direction, tolerance, status) => {
      expect(statusOf(value, target, direction, tolerance)).toBe(status);
    },
  );
});

describe('changeOf', () => {
  it('gives absolute and relative change, with no relative change from 0 or a missing value', () => {
    expect(changeOf(120, 100)).toEqual({ absolute: 20, relative: 0.2 });
    expect(changeOf(-30, -20)).toEqual({ absolute: -10, relative: -0.5 });
    expect(changeOf(5, 0)).toEqual({ absolute: 5, relative: null });
    expect(changeOf(null, 3)).toEqual({ absolute: null, relative: null });
  });
});

describe('targetFor', () => {
  it('prefers the override of the period and falls back to the KPI target', () => {
    const kpi = {
      targetValue: 10,
      targets: [{ periodStart: '2026-03-01T00:00:00.000Z', value: 12 }],
    };
    expect(targetFor(kpi, new Date('2026-03-01T00:00:00Z'))).toBe(12);
    expect(targetFor(kpi, new Date('2026-04-01T00:00:00Z'))).toBe(10);
  });
});
