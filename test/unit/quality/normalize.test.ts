import type { PulseError } from '../../../src/errors';
import {
  normalizeCountry,
  normalizeEmail,
  normalizeName,
  normalizePhone,
  normalizeProfile,
} from '../../../src/quality/normalize';

const failsOn = (run: () => unknown, field: string) =>
  expect(run).toThrow(
    expect.objectContaining({ code: 'BAD_USER_INPUT', field }) as unknown as PulseError,
  );

describe('normalisation of profile values', () => {
  it.each([
    ['  Ada@Example.COM ', 'ada@example.com'],
    ['first.last+tag@sub.example.co.uk', 'first.last+tag@sub.example.co.uk'],
  ])('stores the email %j as %j', (input, expected) => {
    expect(normalizeEmail(input, 'email')).toBe(expected);
  });

  it.each([
    'not-an-email',
    'a@b',
    'a b@example.com',
    '@example.com',
    'a@@example.com',
    'a@example.',
  ])('refuses the email %j naming the field', (input) =>
    failsOn(() => normalizeEmail(input, 'input.email'), 'input.email'),
  );

  it.each([
    ['07911 123456', 'GB', '+447911123456'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['+1 (415) 555-2671', 'GB', '+14155552671'],
    ['(415) 555-2671', 'US', '+14155552671'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
    ['+49 151 23456789', 'US', '+4915123456789'],
  ])('reads the phone %j in region %s as %s', (input, region, expected) => {
    expect(normalizePhone(input, region as 'GB', 'phone')).toBe(expected);
  });

  it.each(['12', 'call me maybe', '+44 12', '555-2671'])(
    'refuses the phone %j naming the field',
    (input) => failsOn(() => normalizePhone(input, 'GB', 'input.phone'), 'input.phone'),
  );

  it.each([
    ['GB', 'GB'],
    ['gb', 'GB'],
    ['GBR', 'GB'],
    ['deu', 'DE'],
    ['United Kingdom', 'GB'],
    ['  united   states of america ', 'US'],
    ['France', 'FR'],
  ])('stores the country %j as %s', (input, expected) => {
    expect(normalizeCountry(input, 'country')).toBe(expected);
  });

  it.each(['Atlantis', 'ZZZ', 'XX', 'G'])('refuses the country %j naming the field', (input) =>
    failsOn(() => normalizeCountry(input, 'input.country'), 'input.country'),
  );

  it('trims names, collapses inner whitespace and turns blank into null', () => {
    expect(normalizeName('  Ada \t  King\nLovelace ')).toBe('Ada King Lovelace');
    expect(normalizeName('   ')).toBeNull();
  });

  it('normalises every given field of a profile, leaves absent ones absent and nulls as null', () => {
    expect(
      normalizeProfile(
        {
          name: ' Ada  Lovelace ',
          email: ' ADA@EXAMPLE.COM',
          phone: '07911 123456',
          country: 'gbr',
          city: ' London ',
        },
        'GB',
        'input',
      ),
    ).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+447911123456',
      country: 'GB',
      city: 'London',
    });
    expect(normalizeProfile({ email: null, phone: '  ' }, 'GB', 'input')).toEqual({
      email: null,
      phone: null,
    });
  });

  it('names the row of a batch in the error path', () => {
    failsOn(
      () => normalizeProfile({ phone: 'nope' }, 'GB', 'input.customers[3]'),
      'input.customers[3].phone',
    );
  });
});
