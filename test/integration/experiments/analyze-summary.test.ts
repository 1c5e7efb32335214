import { Role } from '../../../src/auth/principal';
import referenceVectors from '../../fixtures/experiments/reference-vectors.json';
import { proportionSampleSize } from '../../../src/experiments/stats/sample-size';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { createCustomers } from '../support/factories';

const ANALYZE = `query Analyze($input: AnalyzeSummaryInput!, $settings: AnalysisSettingsInput) {
  analyzeSummary(input: $input, settings: $settings) {
    settings { method alpha }
    decision { decision variantKey }
    metrics {
      variants { variantKey n mean }
      comparisons {
        difference differenceInterval { lower upper } pValue verdict
        relativeLift { estimate standardError interval { lower upper } }
        relativeLiftFieller { lower upper }
        frequentist { test statistic pValue degreesOfFreedom }
        bayesian { model chanceToBeBetter }
      }
    }
  }
}`;
const PLAN = `query Plan($input: PlanExperimentInput!) {
  planExperiment(input: $input) { nPerVariantRaw nPerVariant nTotal mdeAbsolute dailyEntrants expectedDays }
}`;

type Comparison = Record<string, any>;

describeEachDialect('experiments: analyzeSummary and planExperiment', (pulse) => {
  const analyze = (input: Record<string, unknown>, settings: Record<string, unknown> = {}) =>
    pulse().query<{
      analyzeSummary: {
        metrics: Array<{ comparisons: Comparison[] }>;
        decision: Record<string, unknown>;
      };
    }>(ANALYZE, { input, settings }, { role: Role.PARTNER });

  it('reproduces the two-proportion reference vector end to end over HTTP', async () => {
    const vector = referenceVectors.two_proportion_z_tests.vectors[0];
    const { control, treatment } = vector.inputs;
    const response = await analyze(
      {
        kind: 'PROPORTION',
        variants: [
          { key: 'a', isControl: true, n: control.n, sum: control.conversions },
          { key: 'b', n: treatment.n, sum: treatment.conversions },
        ],
      },
      { method: 'FREQUENTIST' },
    );
    const comparison = response.data!.analyzeSummary.metrics[0].comparisons[0];
    const expected = vector.expected;
    expect(comparison.frequentist.test).toBe('TWO_PROPORTION_Z');
    expect(comparison.frequentist.statistic).toBeCloseTo(expected.z_pooled, 9);
    expect(comparison.pValue).toBeCloseTo(expected.p_two_sided_pooled, 11);
    expect(comparison.difference).toBeCloseTo(expected.abs_diff, 12);
    expect([comparison.differenceInterval.lower, comparison.differenceInterval.upper]).toEqual(
      expected.abs_diff_ci95.map((bound: number) => expect.closeTo(bound, 10)),
    );
    expect(comparison.relativeLift.standardError).toBeCloseTo(
      expected.se_relative_delta_method,
      10,
    );
    expect([
      comparison.relativeLift.interval.lower,
      comparison.relativeLift.interval.upper,
    ]).toEqual(
      expected.relative_lift_ci95_delta_method.map((bound: number) => expect.closeTo(bound, 9)),
    );
    expect([comparison.relativeLiftFieller.lower, comparison.relativeLiftFieller.upper]).toEqual(
      expected.relative_lift_ci95_fieller.map((bound: number) => expect.closeTo(bound, 9)),
    );
    expect(comparison.verdict).toBe('BETTER');
    expect(response.data!.analyzeSummary.decision).toEqual({ decision: 'SHIP', variantKey: 'b' });
  });

  it('reproduces the GrowthBook Welch relative-lift vector for a mean metric', async () => {
    const vector = referenceVectors.growthbook_reference.vectors[0];
    const arm = (side: { n: number; sum?: number; sum_squares?: number }) => ({
      n: side.n,
      sum: side.sum,
      sumSquares: side.sum_squares,
    });
    const response = await analyze(
      {
        kind: 'MEAN',
        variants: [
          { key: 'control', isControl: true, ...arm(vector.inputs.control) },
          { key: 'treatment', ...arm(vector.inputs.treatment) },
        ],
      },
      { method: 'FREQUENTIST' },
    );
    const comparison = response.data!.analyzeSummary.metrics[0].comparisons[0];
    expect(comparison.frequentist.test).toBe('WELCH_T');
    expect(comparison.relativeLift.estimate).toBeCloseTo(vector.expected.expected, 9);
    expect(comparison.relativeLift.standardError).toBeCloseTo(vector.expected.uplift_stddev, 9);
    expect([
      comparison.relativeLift.interval.lower,
      comparison.relativeLift.interval.upper,
    ]).toEqual(vector.expected.ci.map((bound: number) => expect.closeTo(bound, 7)));
  });

  it('refuses impossible sums with BAD_USER_INPUT naming the variant field', async () => {
    expectError(
      await analyze({
        kind: 'PROPORTION',
        variants: [
          { key: 'a', isControl: true, n: 10, sum: 11 },
          { key: 'b', n: 10, sum: 2 },
        ],
      }),
      'BAD_USER_INPUT',
      'input.variants[0].sum',
    );
    expectError(
      await analyze({
        kind: 'MEAN',
        variants: [
          { key: 'a', isControl: true, n: 10, sum: 11, sumSquares: 20 },
          { key: 'b', n: 10, sum: 2 },
        ],
      }),
      'BAD_USER_INPUT',
      'input.variants[1].sumSquares',
    );
    expectError(
      await analyze(
        {
          kind: 'PROPORTION',
          variants: [
            { key: 'a', isControl: true, n: 10, sum: 1 },
            { key: 'b', n: 10, sum: 2 },
          ],
        },
        { alpha: 0.9 },
      ),
      'BAD_USER_INPUT',
      'settings.alpha',
    );
  });

  it('plans the Evan Miller sample size and the duration from customers active in the last 28 days', async () => {
    // 54 customers with an interaction and 2 with only an order in the window count (56 / 28 a
    // day); a deleted customer and customers active only 30 days ago do not.
    const customers = await createCustomers(pulse(), 59);
    const now = Date.now();
    const daysAgo = (days: number) => new Date(now - days * 86_400_000 - 60_000).toISOString();
    const interactions = customers.slice(0, 56).map((customer, i) => ({
      customerId: customer.id,
      channel: 'WEB',
      type: 'page_view',
      occurredAt: daysAgo(i === 55 ? 30 : i % 27),
      clientEventId: `plan-${customer.id}`,
    }));
    const orders = customers.slice(56).map((customer, i) => ({
      customerId: customer.id,
      clientOrderId: `plan-${customer.id}`,
      orderedAt: daysAgo(i === 2 ? 30 : 3),
      amount: 10,
      currency: 'EUR',
      status: 'PLACED',
    }));
    await pulse().query(
      'mutation($input: IngestInteractionsInput!) { ingestInteractions(input: $input) { accepted } }',
      { input: { interactions } },
    );
    await pulse().query(
      'mutation($input: IngestOrdersInput!) { ingestOrders(input: $input) { accepted } }',
      { input: { orders } },
    );
    await pulse().query(
      'mutation($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedId } }',
      { input: { id: customers[54].id } },
    );
    const response = await pulse().query<{ planExperiment: Record<string, number> }>(PLAN, {
      input: {
        kind: 'PROPORTION',
        baselineRate: 0.2,
        mde: 0.05,
        mdeType: 'ABSOLUTE',
        trafficShare: 0.5,
      },
    });
    const expected = proportionSampleSize({ baselineRate: 0.2, mde: 0.05, mdeType: 'absolute' });
    const plan = response.data!.planExperiment;
    expect(plan).toEqual({
      nPerVariantRaw: expect.closeTo(expected.nPerVariantRaw, 9),
      nPerVariant: 1031,
      nTotal: 2062,
      mdeAbsolute: expect.closeTo(0.05, 12),
      dailyEntrants: 1,
      expectedDays: 2062,
    });
    expectError(
      await pulse().query(PLAN, { input: { kind: 'MEAN', mde: 1, mdeType: 'ABSOLUTE' } }),
      'BAD_USER_INPUT',
      'input.sd',
    );
  });
});
