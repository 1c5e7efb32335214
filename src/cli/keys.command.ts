import { type Command, InvalidArgumentError } from 'commander';
import { type Role, ROLES } from '../auth/principal';
import { createServices } from '../services';
import { withDatabase } from './bootstrap';

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('Create, list and revoke API keys.');
  keys
    .command('create')
    .description('Create a key; it is printed once, as the last line, and stored only as a hash.')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'who or what the key is for')
    .action(async (options: { role: string; name: string }) => {
      const role = options.role.toUpperCase();
      if (!ROLES.includes(role as Role)) {
        throw new Error(`--role must be one of ${ROLES.join(', ')}, got "${options.role}"`);
      }
      await withDatabase(async (db, config) => {
        const created = await createServices(db, config).apiKeys.create(role as Role, options.name);
        console.log(
          `Created key ${created.record.id} (${role}, "${options.name}"). Store it now; it cannot be shown again:`,
        );
        console.log(created.key);
      });
    });
  keys
    .command('list')
    .description('List keys: id, role, name, prefix, created, last used, revoked.')
    .action(async () => {
      await withDatabase(async (db, config) => {
        const rows = await createServices(db, config).apiKeys.list();
        console.table(
          rows.map((row) => ({
            id: row.id,
            role: row.role,
            name: row.name,
            prefix: `${row.keyPrefix}…`,
            created: row.createdAt.toISOString(),
            lastUsed: row.lastUsedAt?.toISOString() ?? '',
            revoked: row.revokedAt?.toISOString() ?? '',
          })),
        );
      });
    });
  keys
    .command('revoke')
    .description('Revoke a key by id; requests with it fail with UNAUTHENTICATED from then on.')
    .argument('<id>', 'key id (see `pulse keys list`)', keyId)
    .action(async (id: number) => {
      await withDatabase(async (db, config) => {
        const record = await createServices(db, config).apiKeys.revoke(id);
        console.log(`Key ${record.id} revoked at ${record.revokedAt?.toISOString()}.`);
      });
    });
}

/**
 * A key id as `pulse keys list` shows it. Number() alone would send NaN to the database (an SQL
 * error on either dialect) and read "0x1f" or "1e1" as another key's id.
 */
function keyId(value: string): number {
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError(
      `expected a key id (a whole number, as \`pulse keys list\` shows it), got "${value}"`,
    );
  }

  return Number(value);
}
