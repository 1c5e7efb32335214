// Why a KPI moved between a base period and the current one, dimension by dimension.
//
// Additive metrics (revenue, orders, counts): a dimension's contribution is the change of its
// own value. Ratio metrics (value = f(numerator / denominator) with f affine, e.g. a rate, an
// average, NPS): the total is the denominator-weighted mean of the dimensions' rates,
// V = Σ w_d·r_d with w_d = den_d / den and r_d = f(num_d / den_d), and each term's change is
// split with the symmetric (midpoint) rule of Kitagawa, "Components of a difference between two
// rates", JASA 50 (1955) 1168–1194, which is also the Shapley value of the two factors w and r:
//   w1·r1 − w0·r0 = w̄·(r1 − r0) + r̄·(w1 − w0),   w̄ = (w0 + w1) / 2,  r̄ = (r0 + r1) / 2.
// The mix part is measured against the average rate V̄ = (V0 + V1) / 2: (r̄ − V̄)·Δw. Because the
// shares always sum to 1, Σ Δw = 0 and centring changes no total, but moving share between two
// dimensions with the same rate then moves nothing, as it should. So, per dimension,
//   rateEffect = w̄·Δr,  mixEffect = (r̄ − V̄)·Δw,  contribution = rateEffect + mixEffect,
// and Σ contribution = V1 − V0 exactly.
//
// Rows counted under no dimension value (no country, in no segment) and rows counted under
// several (a customer in two segments) make the dimensions differ from the totals; the
// difference is one more item, "other", so that contributions still add up to the KPI's change.
// A dimension without denominator in one period (absent, or zero) has no rate there; its rate
// is taken as unchanged, so entering or leaving is all mix.

/** How a metric's value follows from its numerator and denominator. */
export type MetricShape = 'ADDITIVE' | 'RATIO';

/** Numerator and denominator of one dimension value (or of the total) in one period. */
export interface Figures {
  numerator: number;
  denominator: number | null;
}

/** One dimension value's figures in the base and the current period (absent = no rows). */
export interface DimensionFigures {
  /** The dimension value (a channel, a country code, a segment id). */
  key: string;
  /** How the summary names it. */
  label: string;
  base: Figures | null;
  current: Figures | null;
}

export interface ChangeInput {
  /** Name of the KPI as the summary starts with it, e.g. "Conversion rate". */
  name: string;
  shape: MetricShape;
  /** The metric's value from its numerator and denominator (null when undefined). */
  metricValue: (numerator: number, denominator: number | null) => number | null;
  /**
   * How the summary shows figures: multiplied by `scale` and followed by `unit` (e.g. 100 and
   * "points" for rates kept as fractions). Figures in the result are never scaled.
   */
  display?: { scale: number; unit: string };
  /** The KPI's own figures per period (no dimension): what the contributions add up to. */
  total: { base: Figures; current: Figures };
  dimensions: DimensionFigures[];
}

export interface ChangeItem {
  /** Dimension value; null for "other" (see the file comment). */
  key: string | null;
  label: string;
  base: Figures;
  current: Figures;
  baseValue: number | null;
  currentValue: number | null;
  /** Share of the total's denominator (ratio metrics) or numerator (additive), per period. */
  baseShare: number | null;
  currentShare: number | null;
  /** Part of the total change due to this item; null when the total change is undefined. */
  contribution: number | null;
  /** Ratio metrics: the part due to the item's own rate; null for additive metrics. */
  rateEffect: number | null;
  /** Ratio metrics: the part due to the item's share of the denominator changing. */
  mixEffect: number | null;
  /** 1 for the largest absolute contribution. */
  rank: number;
}

export interface ChangeExplanation {
  fromValue: number | null;
  toValue: number | null;
  /** toValue − fromValue; null when either is undefined. */
  totalChange: number | null;
  items: ChangeItem[];
  summary: string;
}

export const OTHER_LABEL = 'other';
// The summary names the largest drivers until they account for this part of all movement.
const NAMED_SHARE = 0.8;
const MAX_NAMED = 3;
// Sums of floating-point figures; a remainder smaller than this is rounding, not rows.
const EPSILON = 1e-9;

/**
 * Decomposes the change of a KPI from `total.base` to `total.current` into per-dimension
 * contributions that add up to it exactly, ranked by absolute contribution, with a one-sentence
 * summary naming the top drivers (see the file comment for the formula).
 */
export function explainChange(input: ChangeInput): ChangeExplanation {
  const { total } = input;
  const fromValue = input.metricValue(total.base.numerator, total.base.denominator);
  const toValue = input.metricValue(total.current.numerator, total.current.denominator);
  const totalChange = fromValue === null || toValue === null ? null : toValue - fromValue;
  const parts = withOther(input);
  const decompose = input.shape === 'ADDITIVE' ? additive : ratio;
  const items = decompose(input, parts, fromValue, toValue, totalChange);
  items.sort(
    (a, b) =>
      Math.abs(b.contribution ?? 0) - Math.abs(a.contribution ?? 0) ||
      (a.key === null ? 1 : 0) - (b.key === null ? 1 : 0) ||
      a.label.localeCompare(b.label),
  );
  items.forEach((item, index) => {
    item.rank = index + 1;
  });

  return {
    fromValue,
    toValue,
    totalChange,
    items,
    summary: summarize(input, items, fromValue, toValue, totalChange),
  };
}

interface Part {
  key: string | null;
  label: string;
  base: Figures;
  current: Figures;
}

const NONE: Figures = { numerator: 0, denominator: 0 };

/** The dimensions, plus "other" when the totals hold rows they do not (or count some twice). */
function withOther(input: ChangeInput): Part[] {
  const parts: Part[] = input.dimensions.map((dimension) => ({
    key: dimension.key,
    label: dimension.label,
    base: dimension.base ?? NONE,
    current: dimension.current ?? NONE,
  }));
  const base = remainderOf(
    input.total.base,
    parts.map((part) => part.base),
  );
  const current = remainderOf(
    input.total.current,
    parts.map((part) => part.current),
  );
  if (base || current) {
    parts.push({ key: null, label: OTHER_LABEL, base: base ?? NONE, current: current ?? NONE });
  }

  return parts;
}

/**
 * What `total` holds beyond the sum of `parts` ("other": negative where parts overlap); null
 * when they add up to it.
 */
export function remainderOf(total: Figures, parts: Figures[]): Figures | null {
  const sum = (pick: (figures: Figures) => number) =>
    parts.reduce((acc, figures) => acc + pick(figures), 0);
  const rest = {
    numerator: clean(total.numerator - sum((figures) => figures.numerator)),
    denominator:
      total.denominator === null
        ? null
        : clean(total.denominator - sum((figures) => figures.denominator ?? 0)),
  };

  return rest.numerator === 0 && (rest.denominator ?? 0) === 0 ? null : rest;
}

function clean(value: number): number {
  return Math.abs(value) < EPSILON ? 0 : value;
}

// A product with a zero factor can be −0, which a client would see as "-0".
function unsigned0(value: number): number {
  return value === 0 ? 0 : value;
}

function additive(
  input: ChangeInput,
  parts: Part[],
  _fromValue: number | null,
  _toValue: number | null,
  totalChange: number | null,
): ChangeItem[] {
  return parts.map((part) => ({
    ...part,
    baseValue: input.metricValue(part.base.numerator, part.base.denominator),
    currentValue: input.metricValue(part.current.numerator, part.current.denominator),
    baseShare: share(part.base.numerator, input.total.base.numerator),
    currentShare: share(part.current.numerator, input.total.current.numerator),
    contribution: totalChange === null ? null : part.current.numerator - part.base.numerator,
    rateEffect: null,
    mixEffect: null,
    rank: 0,
  }));
}

function ratio(
  input: ChangeInput,
  parts: Part[],
  fromValue: number | null,
  toValue: number | null,
  totalChange: number | null,
): ChangeItem[] {
  const items = parts.map((part) => {
    const baseValue = rateOf(input, part.base);
    const currentValue = rateOf(input, part.current);

    return {
      ...part,
      baseValue,
      currentValue,
      baseShare: share(part.base.denominator ?? 0, input.total.base.denominator ?? 0),
      currentShare: share(part.current.denominator ?? 0, input.total.current.denominator ?? 0),
      contribution: null as number | null,
      rateEffect: null as number | null,
      mixEffect: null as number | null,
      rank: 0,
    };
  });
  if (totalChange === null || fromValue === null || toValue === null) {
    return items;
  }
  const average = (fromValue + toValue) / 2;
  // A numerator under a value with no denominator (a RATIO of two row sets: purchases on a
  // channel with no product views) is in V, as slope·num/den of the total, but in no w·r. It has
  // no rate, so its part counts as mix, like a value entering or leaving; otherwise the
  // contributions would miss it and not add up to the change.
  const slope = (input.metricValue(1, 1) as number) - (input.metricValue(0, 1) as number);
  const rateless = (part: Figures, whole: Figures) =>
    part.denominator ? 0 : (slope * part.numerator) / (whole.denominator as number);
  for (const item of items) {
    if (item.key === null) {
      continue;
    }
    const w0 = item.baseShare ?? 0;
    const w1 = item.currentShare ?? 0;
    // Without a rate in one period the rate counts as unchanged there (w is 0 then anyway).
    const r0 = item.baseValue ?? item.currentValue ?? 0;
    const r1 = item.currentValue ?? item.baseValue ?? 0;
    item.rateEffect = unsigned0(((w0 + w1) / 2) * (r1 - r0));
    item.mixEffect = unsigned0(
      ((r0 + r1) / 2 - average) * (w1 - w0) +
        rateless(item.current, input.total.current) -
        rateless(item.base, input.total.base),
    );
    item.contribution = item.rateEffect + item.mixEffect;
  }
  const other = items.find((item) => item.key === null);
  if (other) {
    settleOther(other, items, totalChange);
  }

  return items;
}

/**
 * "other" takes what the dimensions leave: its contribution balances the total exactly. When its
 * figures form a real group (rows under no dimension value) its rate effect follows the same
 * rule as a dimension's; when they do not (rows counted twice give a negative remainder), it has
 * no rate of its own and the whole contribution is mix.
 */
function settleOther(other: ChangeItem, items: ChangeItem[], totalChange: number): void {
  const named = items.reduce(
    (sum, item) => (item === other ? sum : sum + (item.contribution ?? 0)),
    0,
  );
  other.contribution = totalChange - named;
  const w0 = other.baseShare ?? 0;
  const w1 = other.currentShare ?? 0;
  // Numerators may be negative (NPS); a negative share can only come from double counting.
  const proper = w0 >= 0 && w1 >= 0;
  if (proper && other.baseValue !== null && other.currentValue !== null) {
    other.rateEffect = ((w0 + w1) / 2) * (other.currentValue - other.baseValue);
  } else {
    other.rateEffect = 0;
    other.baseValue = proper ? other.baseValue : null;
    other.currentValue = proper ? other.currentValue : null;
  }
  other.mixEffect = other.contribution - other.rateEffect;
}

function rateOf(input: ChangeInput, figures: Figures): number | null {
  return figures.denominator === null || figures.denominator === 0
    ? null
    : input.metricValue(figures.numerator, figures.denominator);
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function summarize(
  input: ChangeInput,
  items: ChangeItem[],
  fromValue: number | null,
  toValue: number | null,
  totalChange: number | null,
): string {
  if (totalChange === null) {
    const missing = fromValue === null ? 'the base period' : 'the current period';

    return `${input.name} has no value in ${missing}, so its change cannot be explained.`;
  }
  const scale = input.display?.scale ?? 1;
  const unit = input.display ? ` ${input.display.unit}` : '';
  const head =
    totalChange === 0
      ? `${input.name} did not change (${formatNumber(scale * (toValue as number))})`
      : `${input.name} ${totalChange > 0 ? 'rose' : 'fell'} ${formatNumber(scale * Math.abs(totalChange))}${unit}`;
  const drivers = topDrivers(items);
  if (drivers.length === 0) {
    return `${head}.`;
  }
  const phrases = drivers.map((item, index) => {
    const amount = signed(scale * (item.contribution as number));
    const split =
      item.rateEffect === null || item.mixEffect === null
        ? ''
        : ` (rate ${signed(scale * item.rateEffect)}, mix ${signed(scale * item.mixEffect)})`;

    return index === 0
      ? `${item.label} contributed ${amount}${split}`
      : `${item.label} ${amount}${split}`;
  });
  const list =
    phrases.length === 1
      ? phrases[0]
      : `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]}`;

  return `${head}: ${list}.`;
}

/** The largest contributions, in rank order, until they cover NAMED_SHARE of all movement. */
function topDrivers(items: ChangeItem[]): ChangeItem[] {
  const movement = items.reduce((sum, item) => sum + Math.abs(item.contribution ?? 0), 0);
  const drivers: ChangeItem[] = [];
  let covered = 0;
  for (const item of items) {
    const size = Math.abs(item.contribution ?? 0);
    if (size < EPSILON || drivers.length === MAX_NAMED || covered >= NAMED_SHARE * movement) {
      break;
    }
    drivers.push(item);
    covered += size;
  }

  return drivers;
}

/** A figure for a sentence: whole numbers for large ones, two significant digits for small. */
export function formatNumber(value: number): string {
  const size = Math.abs(value);
  const options: Intl.NumberFormatOptions =
    size >= 1 || size === 0
      ? { maximumFractionDigits: size >= 1000 ? 0 : size >= 10 ? 1 : 2 }
      : { maximumSignificantDigits: 2 };

  return new Intl.NumberFormat('en-US', options).format(value).replace('-', '−');
}

function signed(value: number): string {
  const text = formatNumber(value);

  return value > 0 ? `+${text}` : text;
}
