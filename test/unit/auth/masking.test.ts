import {
  maskBirthDate,
  isMaskedProfileField,
  maskedArgument,
  maskedRuleCondition,
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

describe('maskedRuleCondition', () => {
  const city = { profile: { field: 'CITY' } };
  const country = { profile: { field: 'COUNTRY' } };
  const attribute = (type: string) => ({ profile: { field: 'ATTRIBUTE', type } });
  const property = (equals: unknown) => ({ behaviour: { property: { equals } } });

  it('names the first masked condition depth-first, with the path parseDefinition uses', () => {
    const rule = {
      all: [country, { any: [property(2), { not: attribute('STRING') }] }, city],
    };
    expect(maskedRuleCondition(Role.PARTNER, rule, 'definition')).toBe(
      'definition.all[1].any[1].not.profile',
    );
    expect(maskedRuleCondition(Role.PARTNER, city, 'input.definition')).toBe(
      'input.definition.profile',
    );
    expect(maskedRuleCondition(Role.PARTNER, { not: property('ann') }, 'definition')).toBe(
      'definition.not.behaviour.property',
    );
  });

  it('lets unmasked fields, numbers and booleans through, and other roles through anything', () => {
    const allowed = {
      all: [
        country,
        { profile: { field: 'AGE' } },
        { profile: { field: 'GENDER' } },
        { profile: { field: 'SIGNED_UP_AT' } },
        { profile: { field: 'CONSENT' } },
        attribute('NUMBER'),
        attribute('BOOLEAN'),
        property(3),
        property(true),
        { behaviour: { property: null } },
      ],
      any: null,
      not: null,
    };
    expect(maskedRuleCondition(Role.PARTNER, allowed, 'definition')).toBeNull();
    for (const role of [Role.ADMIN, Role.ANALYST, Role.ALERTS]) {
      expect(maskedRuleCondition(role, { all: [city, property('ann')] }, 'definition')).toBeNull();
    }
  });

  it('masks the profile fields a partner sees masked on the customer', () => {
    expect(isMaskedProfileField('CITY')).toBe(true);
    expect(isMaskedProfileField('ATTRIBUTE', 'STRING')).toBe(true);
    expect(isMaskedProfileField('ATTRIBUTE', 'DATE')).toBe(true);
    expect(isMaskedProfileField('ATTRIBUTE', 'NUMBER')).toBe(false);
    expect(isMaskedProfileField('ATTRIBUTE', 'BOOLEAN')).toBe(false);
    expect(isMaskedProfileField('AGE')).toBe(false);
    expect(isMaskedProfileField('COUNTRY')).toBe(false);
  });
});
