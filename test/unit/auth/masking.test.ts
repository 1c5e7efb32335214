import {
  maskBirthDate,
  maskedArgument,
  maskEmail,
  maskFreeText,
  maskName,
  maskPhone,
  masksPersonalData,
} from '../../../src/auth/masking';
import { Role } from '../../../src/auth/principal';

describe('masking', () => {
  it('masks only for partners', () => {
    expect(ROLES_MASKED()).toEqual([Role.PARTNER]);
  });

  it.each([
    ['jane.doe@example.com', 'j***@e***.com'],
    ['a@b.co.uk', 'a***@b***.uk'],
    ['broken', '***'],
  ])('masks the email %s as %s', (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it('keeps the country code and last three digits of a phone number', () => {
    expect(maskPhone('+441234567123')).toBe('+44 *** *** 123');
    expect(maskPhone('0123 456 789')).toBe('*** *** 789');
  });

  it('keeps initials of names, the year of birth dates, and non-text attribute values', () => {
    expect(maskName('Jane  Doe')).toBe('J*** D***');
    expect(maskBirthDate('1984-06-02')).toBe('1984-**-**');
    expect(maskFreeText({ note: 'lives next door', score: 4, vip: true, tags: ['a'] })).toEqual({
      note: '***',
      score: 4,
      vip: true,
      tags: ['***'],
    });
  });
});

function ROLES_MASKED(): Role[] {
  return Object.values(Role).filter((role) => masksPersonalData(role));
}

describe('maskedArgument', () => {
  it('refuses partners a text filter or a sort by name, and lets other roles through', () => {
    expect(maskedArgument(Role.PARTNER, { text: 'ann' }, null)).toBe('filter.text');
    expect(maskedArgument(Role.PARTNER, {}, 'NAME')).toBe('orderBy.field');
    expect(maskedArgument(Role.PARTNER, {}, 'SIGNED_UP_AT')).toBeNull();
    expect(maskedArgument(Role.ANALYST, { text: 'ann' }, 'NAME')).toBeNull();
  });
});
