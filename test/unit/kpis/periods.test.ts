import {
  isTimeZone,
  type Period,
  periodAYearBefore,
  periodsBetween,
} from '../../../src/kpis/periods';

const iso = (spans: Array<{ start: Date; end: Date }>) =>
  spans.map((span) => [span.start.toISOString(), span.end.toISOString()]);

describe('periodsBetween', () => {
  it('splits a range into UTC days, the first starting at the midnight before from', () => {
    expect(
      iso(
        periodsBetween(
          new Date('2026-03-01T10:00:00Z'),
          new Date('2026-03-03T00:00:00Z'),
          'DAY',
          'UTC',
          10,
        ),
      ),
    ).toEqual([
      ['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
      ['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'],
    ]);
  });

  it('starts ISO weeks on Monday', () => {
    // 2026-03-05 is a Thursday.
    expect(
      iso(
        periodsBetween(
          new Date('2026-03-05T00:00:00Z'),
          new Date('2026-03-10T00:00:00Z'),
          'WEEK',
          'UTC',
          10,
        ),
      ),
    ).toEqual([
      ['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z'],
      ['2026-03-09T00:00:00.000Z', '2026-03-16T00:00:00.000Z'],
    ]);
  });

  it('gives months and quarters of unequal length across a year end', () => {
    expect(
      iso(
        periodsBetween(
          new Date('2025-12-15T00:00:00Z'),
          new Date('2026-02-01T00:00:00Z'),
          'MONTH',
          'UTC',
          10,
        ),
      ),
    ).toEqual([
      ['2025-12-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
      ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
    ]);
    expect(
      iso(
        periodsBetween(
          new Date('2026-02-10T00:00:00Z'),
          new Date('2026-04-02T00:00:00Z'),
          'QUARTER',
          'UTC',
          10,
        ),
      ),
    ).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z'],
      ['2026-04-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z'],
    ]);
  });

  it('begins days at local midnight in the reporting time zone, across a DST change', () => {
    // Paris moves from UTC+1 to UTC+2 on 2026-03-29, so that day lasts 23 hours.
    expect(
      iso(
        periodsBetween(
          new Date('2026-03-28T12:00:00Z'),
          new Date('2026-03-30T12:00:00Z'),
          'DAY',
          'Europe/Paris',
          10,
        ),
      ),
    ).toEqual([
      ['2026-03-27T23:00:00.000Z', '2026-03-28T23:00:00.000Z'],
      ['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
      ['2026-03-29T22:00:00.000Z', '2026-03-30T22:00:00.000Z'],
    ]);
  });

  it('puts an instant late on a UTC day into the next local day east of UTC', () => {
    const [day] = periodsBetween(
      new Date('2026-07-01T23:30:00Z'),
      new Date('2026-07-01T23:31:00Z'),
      'DAY',
      'Asia/Tokyo',
      10,
    );
    expect(iso([day])).toEqual([['2026-07-01T15:00:00.000Z', '2026-07-02T15:00:00.000Z']]);
  });

  it('stops after limit periods', () => {
    expect(
      periodsBetween(
        new Date('2026-01-01T00:00:00Z'),
        new Date('2027-01-01T00:00:00Z'),
        'DAY',
        'UTC',
        3,
      ),
    ).toHaveLength(3);
  });
});

describe('isTimeZone', () => {
  it('accepts IANA names and UTC and refuses unknown names', () => {
    expect([isTimeZone('UTC'), isTimeZone('America/New_York'), isTimeZone('Mars/Olympus')]).toEqual(
      [true, true, false],
    );
  });
});

describe('periodAYearBefore', () => {
  const span = (at: string, period: Period, timeZone = 'UTC') =>
    iso([periodAYearBefore(new Date(at), period, timeZone)]);

  it('compares February of a leap year with February, not March, of the year before', () => {
    expect(span('2028-02-29T12:00:00Z', 'MONTH')).toEqual([
      ['2027-02-01T00:00:00.000Z', '2027-03-01T00:00:00.000Z'],
    ]);
    expect(span('2028-02-29T12:00:00Z', 'DAY')).toEqual([
      ['2027-02-28T00:00:00.000Z', '2027-03-01T00:00:00.000Z'],
    ]);
  });

  it('moves the local date, so a day whose offset changed since stays that day', () => {
    // 25 October 2026, 23:30 in London (GMT); a year earlier that UTC instant was already the
    // 26th there (BST), but the same period last year is the 25th.
    expect(span('2026-10-25T23:30:00Z', 'DAY', 'Europe/London')).toEqual([
      ['2025-10-24T23:00:00.000Z', '2025-10-25T23:00:00.000Z'],
    ]);
  });

  it('gives the week and quarter holding that day', () => {
    // 10 March 2025 is a Monday.
    expect(span('2026-03-10T08:00:00Z', 'WEEK')).toEqual([
      ['2025-03-10T00:00:00.000Z', '2025-03-17T00:00:00.000Z'],
    ]);
    expect(span('2026-03-10T08:00:00Z', 'QUARTER', 'Europe/Paris')).toEqual([
      ['2024-12-31T23:00:00.000Z', '2025-03-31T22:00:00.000Z'],
    ]);
  });
});
