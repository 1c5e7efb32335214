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

  it('begins a day whose midnight is skipped at the change, west and east of UTC', () => {
    // Santiago's clocks jump from 24:00 on Saturday 6 September 2025 (UTC−4) to 01:00 on the
    // 7th (UTC−3): the 6th lasts 24 hours, until 04:00Z, and the 7th only 23. 23:30 on the 6th
    // (03:30Z) belongs to the 6th.
    expect(
      iso(
        periodsBetween(
          new Date('2025-09-06T12:00:00Z'),
          new Date('2025-09-07T12:00:00Z'),
          'DAY',
          'America/Santiago',
          10,
        ),
      ),
    ).toEqual([
      ['2025-09-06T04:00:00.000Z', '2025-09-07T04:00:00.000Z'],
      ['2025-09-07T04:00:00.000Z', '2025-09-08T03:00:00.000Z'],
    ]);
    // Havana (UTC−5 to UTC−4 at midnight, 9 March 2025) and Cairo (UTC+2 to UTC+3 at midnight,
    // 25 April 2025): the day begins at the change, 01:00 local.
    const [havana] = periodsBetween(
      new Date('2025-03-09T12:00:00Z'),
      new Date('2025-03-09T12:00:01Z'),
      'DAY',
      'America/Havana',
      1,
    );
    expect(havana.start.toISOString()).toBe('2025-03-09T05:00:00.000Z');
    const [cairo] = periodsBetween(
      new Date('2025-04-25T12:00:00Z'),
      new Date('2025-04-25T12:00:01Z'),
      'DAY',
      'Africa/Cairo',
      1,
    );
    expect(cairo.start.toISOString()).toBe('2025-04-24T22:00:00.000Z');
  });

  it('begins a day whose midnight is repeated at the first midnight', () => {
    // Gaza set its clocks back from 01:00 (UTC+3) to 00:00 (UTC+2) on 28 October 2017.
    const [day] = periodsBetween(
      new Date('2017-10-28T12:00:00Z'),
      new Date('2017-10-28T12:00:01Z'),
      'DAY',
      'Asia/Gaza',
      1,
    );
    expect(iso([day])).toEqual([['2017-10-27T21:00:00.000Z', '2017-10-28T22:00:00.000Z']]);
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
