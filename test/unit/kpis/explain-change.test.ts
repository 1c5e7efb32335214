import {
  type ChangeInput,
  type DimensionFigures,
  explainChange,
  type Figures,
  formatNumber,
} from '../../../src/kpis/explain-change';

const rate = (numerator: number, denominator: number | null) =>
  denominator ? numerator / denominator : null;

function dims(rows: Array<[string, Figures | null, Figures | null]>): DimensionFigures[] {
  return rows.map(([key, base, current]) => ({ key, label: key, base, current }));
}

function totalOf(rows: DimensionFigures[], period: 'base' | 'current'): Figures {
  return rows.reduce<Figures>(
    (total, row) => ({
      numerator: total.numerator + (row[period]?.numerator ?? 0),
      denominator: (total.denominator ?? 0) + (row[period]?.denominator ?? 0),
    }),
    { numerator: 0, denominator: 0 },
  );
}

function conversion(rows: DimensionFigures[], overrides: Partial<ChangeInput> = {}): ChangeInput {
  return {
    name: 'Conversion rate',
    shape: 'RATIO',
    metricValue: rate,
    dimensions: rows,
    total: { base: totalOf(rows, 'base'), current: totalOf(rows, 'current') },
    ...overrides,
  };
}

const effects = (input: ChangeInput) =>
  Object.fromEntries(
    explainChange(input).items.map((item) => [
      item.label,
      [item.contribution, item.rateEffect, item.mixEffect, item.rank],
    ]),
  );

describe('explainChange on additive metrics', () => {
  const revenue: ChangeInput = {
    name: 'Revenue',
    shape: 'ADDITIVE',
    metricValue: (numerator) => numerator,
    dimensions: dims([
      ['DE', { numerator: 100, denominator: null }, { numerator: 160, denominator: null }],
      ['FR', { numerator: 50, denominator: null }, { numerator: 40, denominator: null }],
    ]),
    total: {
      base: { numerator: 150, denominator: null },
      current: { numerator: 200, denominator: null },
    },
  };

  it('gives each dimension the change of its own value, largest first, with no rate or mix', () => {
    const explanation = explainChange(revenue);

    expect(explanation).toMatchObject({ fromValue: 150, toValue: 200, totalChange: 50 });
    expect(effects(revenue)).toEqual({ DE: [60, null, null, 1], FR: [-10, null, null, 2] });
    expect(explanation.items[0]).toMatchObject({ baseShare: 100 / 150, currentShare: 160 / 200 });
  });

  it('names drivers until they cover 80 % of the movement', () => {
    expect(explainChange(revenue).summary).toBe('Revenue rose 50: DE contributed +60.');
  });

  it('adds an "other" item for rows under no dimension value so contributions sum to the total', () => {
    const withUnknownCountry = {
      ...revenue,
      total: {
        base: { numerator: 200, denominator: null },
        current: { numerator: 230, denominator: null },
      },
    };

    expect(effects(withUnknownCountry)).toEqual({
      DE: [60, null, null, 1],
      other: [-20, null, null, 2],
      FR: [-10, null, null, 3],
    });
    expect(explainChange(withUnknownCountry).summary).toBe(
      'Revenue rose 30: DE contributed +60 and other −20.',
    );
  });
});

describe('explainChange on ratio metrics', () => {
  it('attributes a pure mix shift (rates constant, shares move) entirely to mix', () => {
    // EMAIL converts 10 %, WEB 2 %, in both periods; EMAIL's share of visitors goes 50 % → 60 %.
    const input = conversion(
      dims([
        ['EMAIL', { numerator: 50, denominator: 500 }, { numerator: 60, denominator: 600 }],
        ['WEB', { numerator: 10, denominator: 500 }, { numerator: 8, denominator: 400 }],
      ]),
    );
    const explanation = explainChange(input);

    expect(explanation.totalChange).toBeCloseTo(0.008, 12);
    // Against the average rate 6.4 %: EMAIL (+3.6 points above) gains 10 % of the share, WEB
    // (4.4 points below) loses 10 %.
    expect(explanation.items.map((item) => [item.label, item.rateEffect])).toEqual([
      ['WEB', 0],
      ['EMAIL', 0],
    ]);
    expect(explanation.items[0].mixEffect).toBeCloseTo(0.0044, 12);
    expect(explanation.items[1].mixEffect).toBeCloseTo(0.0036, 12);
  });

  it('attributes a pure rate shift (shares constant) entirely to the rate of the dimension that moved', () => {
    const input = conversion(
      dims([
        ['EMAIL', { numerator: 50, denominator: 500 }, { numerator: 60, denominator: 500 }],
        ['WEB', { numerator: 10, denominator: 500 }, { numerator: 10, denominator: 500 }],
      ]),
    );
    const [email, web] = explainChange(input).items;

    expect(email).toMatchObject({ label: 'EMAIL', mixEffect: 0, rank: 1 });
    expect(email.rateEffect).toBeCloseTo(0.01, 12);
    expect(email.contribution).toBeCloseTo(0.01, 12);
    expect(web).toMatchObject({ label: 'WEB', rateEffect: 0, mixEffect: 0, contribution: 0 });
  });

  it("shows Simpson's paradox: every rate rises, the total falls, and mix explains why", () => {
    // A converts 90 % → 95 %, B 10 % → 20 %, but the traffic moves from A to B (50/50 → 10/90):
    // the total falls 50 % → 27.5 %. Worked by hand with average rate 38.75 %:
    // A: rate 0.3·0.05 = +0.015, mix (0.925 − 0.3875)·(−0.4) = −0.215, contribution −0.2;
    // B: rate 0.7·0.10 = +0.07, mix (0.15 − 0.3875)·(+0.4) = −0.095, contribution −0.025.
    const input = conversion(
      dims([
        ['A', { numerator: 90, denominator: 100 }, { numerator: 19, denominator: 20 }],
        ['B', { numerator: 10, denominator: 100 }, { numerator: 36, denominator: 180 }],
      ]),
    );
    const explanation = explainChange(input);

    expect(explanation.totalChange).toBeCloseTo(-0.225, 12);
    const [a, b] = explanation.items;
    expect([a.label, a.contribution, a.rateEffect, a.mixEffect]).toEqual([
      'A',
      expect.closeTo(-0.2, 12),
      expect.closeTo(0.015, 12),
      expect.closeTo(-0.215, 12),
    ]);
    expect([b.label, b.contribution, b.rateEffect, b.mixEffect]).toEqual([
      'B',
      expect.closeTo(-0.025, 12),
      expect.closeTo(0.07, 12),
      expect.closeTo(-0.095, 12),
    ]);
  });

  it('treats a dimension present in one period only as pure mix at its own rate', () => {
    const input = conversion(
      dims([
        ['A', { numerator: 10, denominator: 100 }, { numerator: 10, denominator: 100 }],
        ['B', null, { numerator: 30, denominator: 100 }],
      ]),
    );
    const [b, a] = explainChange(input).items;

    expect(b).toMatchObject({ label: 'B', baseValue: null, currentValue: 0.3, rateEffect: 0 });
    expect(b.baseShare).toBe(0);
    expect(b.mixEffect).toBeCloseTo(0.075, 12);
    expect(a).toMatchObject({ label: 'A', rateEffect: 0 });
    expect(a.mixEffect).toBeCloseTo(0.025, 12);
  });

  it('gives a dimension with a zero denominator in both periods no value and no contribution', () => {
    const input = conversion(
      dims([
        ['A', { numerator: 10, denominator: 100 }, { numerator: 20, denominator: 100 }],
        ['Z', { numerator: 0, denominator: 0 }, { numerator: 0, denominator: 0 }],
      ]),
    );
    const z = explainChange(input).items.find((item) => item.label === 'Z');

    expect(z).toMatchObject({
      baseValue: null,
      currentValue: null,
      baseShare: 0,
      currentShare: 0,
      contribution: 0,
      rateEffect: 0,
      mixEffect: 0,
      rank: 2,
    });
  });

  it('keeps the identity when a value has a numerator but no denominator (a RATIO of two row sets)', () => {
    // Purchases over product views by channel: STORE has purchases and no views. Its purchases
    // are in the KPI (5/100, then 15/100) but have no rate; they count as mix.
    const input = conversion(
      dims([
        ['WEB', { numerator: 10, denominator: 100 }, { numerator: 20, denominator: 100 }],
        ['STORE', { numerator: 5, denominator: 0 }, { numerator: 15, denominator: 0 }],
      ]),
    );
    const explanation = explainChange(input);
    expect(explanation.totalChange).toBeCloseTo(0.2, 12);
    const byLabel = Object.fromEntries(explanation.items.map((item) => [item.label, item]));
    expect(byLabel.WEB.contribution).toBeCloseTo(0.1, 12);
    expect(byLabel.STORE.contribution).toBeCloseTo(0.1, 12);
    expect(byLabel.STORE.rateEffect).toBe(0);
    expect(byLabel.STORE.mixEffect).toBeCloseTo(0.1, 12);

    // STORE starts counting views: 5 purchases without views, then 10 of 50 views.
    // 0.15 → 0.2; WEB: rate 5/6 · 0.1, mix (0.15 − 0.175) · (−1/3); STORE: mix
    // (0.2 − 0.175) · 1/3 − 5/100.
    const entering = explainChange(
      conversion(
        dims([
          ['WEB', { numerator: 10, denominator: 100 }, { numerator: 20, denominator: 100 }],
          ['STORE', { numerator: 5, denominator: 0 }, { numerator: 10, denominator: 50 }],
        ]),
      ),
    );
    const sum = entering.items.reduce((acc, item) => acc + (item.contribution as number), 0);
    expect(entering.totalChange).toBeCloseTo(0.05, 12);
    expect(sum).toBeCloseTo(0.05, 12);
    const store = entering.items.find((item) => item.label === 'STORE');
    expect(store?.rateEffect).toBe(0);
    expect(store?.mixEffect).toBeCloseTo(0.025 / 3 - 0.05, 12);
  });

  it('gives "other" of rows under no dimension value its own rate effect, like a dimension', () => {
    // Unassigned rows convert 10 % → 30 % at a constant third of the denominator.
    const rows = dims([
      ['A', { numerator: 10, denominator: 100 }, { numerator: 20, denominator: 100 }],
    ]);
    const input = conversion(rows, {
      total: {
        base: { numerator: 15, denominator: 150 },
        current: { numerator: 35, denominator: 150 },
      },
    });
    const [a, other] = explainChange(input).items;

    expect(a.rateEffect).toBeCloseTo(2 / 30, 12);
    expect(other).toMatchObject({ key: null, label: 'other', baseValue: 0.1, rank: 2 });
    expect(other.currentValue).toBeCloseTo(0.3, 12);
    expect(other.rateEffect).toBeCloseTo(2 / 30, 12);
    expect(other.mixEffect).toBeCloseTo(0, 12);
  });

  it('balances rows counted under several dimension values with an "other" item of pure mix', () => {
    // Segments overlap: A and B both hold the same 50 customers, so the dimensions count 200
    // where the KPI counts 150.
    const rows = dims([
      ['A', { numerator: 20, denominator: 100 }, { numerator: 30, denominator: 100 }],
      ['B', { numerator: 10, denominator: 100 }, { numerator: 10, denominator: 100 }],
    ]);
    const input = conversion(rows, {
      total: {
        base: { numerator: 25, denominator: 150 },
        current: { numerator: 32, denominator: 150 },
      },
    });
    const explanation = explainChange(input);
    const other = explanation.items.find((item) => item.key === null);

    expect(other).toMatchObject({
      label: 'other',
      base: { numerator: -5, denominator: -50 },
      baseValue: null,
      currentValue: null,
      rateEffect: 0,
    });
    const sum = explanation.items.reduce((acc, item) => acc + (item.contribution as number), 0);
    expect(sum).toBeCloseTo(7 / 150, 12);
    expect(other?.mixEffect).toBeCloseTo(other?.contribution as number, 12);
  });

  it('explains nothing when the KPI has no value in the base period', () => {
    const input = conversion(
      dims([['A', { numerator: 0, denominator: 0 }, { numerator: 5, denominator: 10 }]]),
    );
    const explanation = explainChange(input);

    expect(explanation).toMatchObject({ fromValue: null, toValue: 0.5, totalChange: null });
    expect(explanation.items[0]).toMatchObject({
      contribution: null,
      rateEffect: null,
      mixEffect: null,
    });
    expect(explanation.summary).toBe(
      'Conversion rate has no value in the base period, so its change cannot be explained.',
    );
  });

  it('writes the summary in display units (fractions as points) with signed contributions and their rate and mix', () => {
    // Rates as fractions shown in points: EMAIL falls 10 % → 7 % on a share going 60 % → 50 %, WEB 4 % → 3.5 %;
    // total 7.6 % → 5.25 %, average 6.425 %. EMAIL: rate 0.55·(−3) = −1.65, mix
    // (8.5 − 6.425)·(−0.1) = −0.2075; WEB: rate 0.45·(−0.5) = −0.225 (−0.2249… in floating point), mix (3.75 − 6.425)·0.1.
    const input = conversion(
      dims([
        ['EMAIL', { numerator: 60, denominator: 600 }, { numerator: 35, denominator: 500 }],
        ['WEB', { numerator: 16, denominator: 400 }, { numerator: 17.5, denominator: 500 }],
      ]),
      { display: { scale: 100, unit: 'points' } },
    );

    expect(explainChange(input).summary).toBe(
      'Conversion rate fell 2.35 points: EMAIL contributed −1.86 (rate −1.65, mix −0.21) and WEB −0.49 (rate −0.22, mix −0.27).',
    );
  });

  it('says so when the KPI did not move and no dimension did', () => {
    const rows = dims([['A', { numerator: 1, denominator: 4 }, { numerator: 1, denominator: 4 }]]);

    expect(explainChange(conversion(rows)).summary).toBe('Conversion rate did not change (0.25).');
  });
});

describe('explainChange contributions always add up', () => {
  // A small deterministic generator (mulberry32), so that a failure can be replayed.
  function generator(seed: number) {
    let state = seed >>> 0;

    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it.each(Array.from({ length: 200 }, (_, seed) => seed))(
    'sums contributions to the total change and rate + mix to each contribution (seed %i)',
    (seed) => {
      const random = generator(seed);
      const figures = (): Figures | null => {
        if (random() < 0.15) {
          return null;
        }
        const denominator = random() < 0.1 ? 0 : Math.floor(random() * 1000);

        return { numerator: Math.floor(random() * (denominator + 1)), denominator };
      };
      const rows = dims(
        Array.from({ length: 1 + Math.floor(random() * 6) }, (_, index) => [
          `d${index}`,
          figures(),
          figures(),
        ]),
      );
      // Totals above the dimensions (unassigned rows) or below (overlapping rows).
      const skew = (total: Figures): Figures => {
        const extra = Math.floor((random() - 0.4) * 100);
        const denominator = Math.max(1, (total.denominator ?? 0) + extra);

        return {
          numerator: Math.min(denominator, Math.max(0, total.numerator + extra / 2)),
          denominator,
        };
      };
      const input = conversion(rows, {
        shape: random() < 0.3 ? 'ADDITIVE' : 'RATIO',
        total: { base: skew(totalOf(rows, 'base')), current: skew(totalOf(rows, 'current')) },
      });
      if (input.shape === 'ADDITIVE') {
        input.metricValue = (numerator) => numerator;
      }
      const explanation = explainChange(input);

      const sum = explanation.items.reduce((acc, item) => acc + (item.contribution as number), 0);
      expect(sum).toBeCloseTo(explanation.totalChange as number, 9);
      for (const item of explanation.items) {
        if (input.shape === 'RATIO') {
          expect((item.rateEffect as number) + (item.mixEffect as number)).toBeCloseTo(
            item.contribution as number,
            9,
          );
        }
      }
      expect(explanation.items.map((item) => item.rank)).toEqual(
        explanation.items.map((_, index) => index + 1),
      );
    },
  );
});

describe('formatNumber', () => {
  it.each([
    [1234.56, '1,235'],
    [12.345, '12.3'],
    [2.156, '2.16'],
    [0.02134, '0.021'],
    [-0.4, '−0.4'],
    [0, '0'],
  ])('writes %p as %p', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});
