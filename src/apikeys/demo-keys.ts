import { Role } from '../auth/principal';

/**
 * Keys created with the demo data set, one per role, so that `npm start` on a fresh machine
 * can be explored at once. They exist only in databases seeded with demo data (never when
 * PULSE_SEED_DEMO=false), and are printed at start-up while they are not revoked.
 */
export const DEMO_KEYS: ReadonlyArray<{ role: Role; name: string; key: string }> = [
  { role: Role.ADMIN, name: 'demo admin', key: 'pulse_demo_admin_key_for_local_use_only' },
  { role: Role.ANALYST, name: 'demo analyst', key: 'pulse_demo_analyst_key_for_local_use_only' },
  { role: Role.PARTNER, name: 'demo partner', key: 'pulse_demo_partner_key_for_local_use_only' },
  { role: Role.ALERTS, name: 'demo alerts', key: 'pulse_demo_alerts_key_for_local_use_only' },
];
