import { Role } from '../../../src/auth/principal';
import { rootFieldRoles } from '../../../src/graphql/root-field-roles';

// README's role table ("Roles and API keys"), and the ADMIN-only and PARTNER-less fields the
// sections name, checked against what every root field declares. The snapshot pins the exact
// lists; this says which of them the documentation allows.
const declared = Object.entries(rootFieldRoles());

/** ADMIN only: key management, the audit log, erasure, the webhook delivery log. */
const ADMIN_ONLY = [
  'mutation createApiKey',
  'mutation revokeApiKey',
  'query apiKeys',
  'query auditLog',
  'mutation eraseCustomer',
  'query webhookDeliveries',
];
/** Read, yet not for partners: a person's unmasked export and the action catalogue. */
const NOT_FOR_PARTNERS = ['query exportCustomerData', 'query action', 'query actions'];
/** ALERTS: read alerts and subscribe to them; nothing else. */
const FOR_ALERTS = [
  'query alertHistory',
  'query alertRule',
  'query alertRules',
  'subscription alertEvents',
];

describe("README's role table", () => {
  it('lets ADMIN do everything', () => {
    expect(declared.filter(([, roles]) => !roles.includes(Role.ADMIN))).toEqual([]);
  });

  it('lets ANALYST do everything but key management, the audit log, erasure and the delivery log', () => {
    expect(
      declared.filter(
        ([field, roles]) => roles.includes(Role.ANALYST) === ADMIN_ONLY.includes(field),
      ),
    ).toEqual([]);
  });

  it('lets PARTNER read only, and not what README keeps from partners', () => {
    const partner = declared.filter(([, roles]) => roles.includes(Role.PARTNER)).map(([f]) => f);
    expect(partner.filter((field) => field.startsWith('mutation '))).toEqual([]);
    expect(partner.filter((field) => [...ADMIN_ONLY, ...NOT_FOR_PARTNERS].includes(field))).toEqual(
      [],
    );
    expect(
      declared
        .filter(([, roles]) => !roles.includes(Role.PARTNER))
        .map(([field]) => field)
        .filter((field) => !field.startsWith('mutation '))
        .sort(),
    ).toEqual(
      [...ADMIN_ONLY, ...NOT_FOR_PARTNERS].filter((field) => !field.startsWith('mutation ')).sort(),
    );
  });

  it('lets ALERTS read and subscribe to alerts, nothing else', () => {
    expect(
      declared
        .filter(([, roles]) => roles.includes(Role.ALERTS))
        .map(([field]) => field)
        .sort(),
    ).toEqual(FOR_ALERTS);
  });
});
