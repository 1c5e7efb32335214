import { DAY_MS } from '../time';

/** Calendar periods that reports group by. Weeks are ISO weeks, starting on Monday. */
export type Period = 'DAY' | 'WEEK' | 'MONTH' | 'QUARTER';

/** One period as the UTC instants it spans: `start` included, `end` excluded. */
export interface PeriodSpan {
  start: Date;
  end: Date;
}

/** A calendar date in the reporting time zone (month 1–12; Date.UTC normalises overflow). */
interface WallDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `name` is an IANA time zone this runtime knows, such as `Europe/Paris` or `UTC`. */
export function isTimeZone(name: string): boolean {
  try {
    formatterOf(name);

    return true;
  } catch {
    return false;
  }
}

/**
 * The periods that overlap [from, to), in order, at most `limit` of them; each begins at local
 * midnight in `timeZone` on the first day of its period, so the first may start before `from`.
 */
export function periodsBetween(
  from: Date,
  to: Date,
  period: Period,
  timeZone: string,
  limit: number,
): PeriodSpan[] {
  const spans: PeriodSpan[] = [];
  let wall = periodStartDate(wallDateOf(from, timeZone), period);
  let start = midnightIn(wall, timeZone);
  while (start < to && spans.length < limit) {
    wall = nextPeriodDate(wall, period);
    const end = midnightIn(wall, timeZone);
    spans.push({ start, end });
    start = end;
  }

  return spans;
}

/**
 * The period that holds the calendar day a year before the day of `at`, both read in `timeZone`
 * ("same period last year"). The date moves by a year, not the instant: 29 February becomes the
 * 28th, never 1 March (a February compared with a March), and a day whose UTC offset differed a
 * year earlier (summer time) stays the same day.
 */
export function periodAYearBefore(at: Date, period: Period, timeZone: string): PeriodSpan {
  const { year, month, day } = wallDateOf(at, timeZone);
  const lastDay = new Date(Date.UTC(year - 1, month, 0)).getUTCDate();
  const wall = periodStartDate({ year: year - 1, month, day: Math.min(day, lastDay) }, period);

  return {
    start: midnightIn(wall, timeZone),
    end: midnightIn(nextPeriodDate(wall, period), timeZone),
  };
}

function periodStartDate({ year, month, day }: WallDate, period: Period): WallDate {
  switch (period) {
    case 'DAY':
      return { year, month, day };
    case 'WEEK': {
      const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();

      return { year, month, day: day - ((weekday + 6) % 7) };
    }
    case 'MONTH':
      return { year, month, day: 1 };
    case 'QUARTER':
      return { year, month: month - ((month - 1) % 3), day: 1 };
    default:
      return unreachable(period);
  }
}

function nextPeriodDate({ year, month, day }: WallDate, period: Period): WallDate {
  switch (period) {
    case 'DAY':
      return { year, month, day: day + 1 };
    case 'WEEK':
      return { year, month, day: day + 7 };
    case 'MONTH':
      return { year, month: month + 1, day };
    case 'QUARTER':
      return { year, month: month + 3, day };
    default:
      return unreachable(period);
  }
}

/**
 * The instant of 00:00 on `date` in `timeZone`: midnight read with the zone's offset a day
 * before and a day after (at most one change lies between). Where a change repeats midnight
 * (clocks back from 01:00 to 00:00) both readings are real and the day begins at the first;
 * where it skips midnight (clocks forward from 24:00 to 01:00, e.g. America/Santiago,
 * America/Havana, Atlantic/Azores) neither is, and the day begins at the change, the later one.
 */
function midnightIn(date: WallDate, timeZone: string): Date {
  const wallAsUtc = Date.UTC(date.year, date.month - 1, date.day);
  const readings = [DAY_MS, -DAY_MS].map((ms) => wallAsUtc - offsetAt(wallAsUtc + ms, timeZone));
  const real = readings.filter((instant) => wallAsUtc - offsetAt(instant, timeZone) === instant);

  return new Date(real.length ? Math.min(...real) : Math.max(...readings));
}

/** Local time minus UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = wallPartsOf(new Date(instant), timeZone);
  const asUtc = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );

  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

function wallDateOf(instant: Date, timeZone: string): WallDate {
  const { year, month, day } = wallPartsOf(instant, timeZone);

  return { year, month, day };
}

function wallPartsOf(instant: Date, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }

  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }

  return formatter;
}

function unreachable(value: never): never {
  throw new Error(`Unknown period ${String(value)}`);
}
