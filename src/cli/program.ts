import { Command } from 'commander';
import { registerImportCommand } from './import.command';
import { registerKeysCommand } from './keys.command';
import { registerMigrateCommand } from './migrate.command';
import { registerNormalizeCommand } from './normalize.command';
import { registerQualityCommand } from './quality.command';
import { registerSeedCommand } from './seed.command';
import { registerTrainCommand } from './train.command';

/** The `pulse` command with all its subcommands (tests drive it in-process). */
export function createProgram(): Command {
  const program = new Command()
    .name('pulse')
    .description(
      'Pulse command line: database, data and key management. Reads the same environment as the server (DATABASE_URL…).',
    )
    .showHelpAfterError();
  registerMigrateCommand(program);
  registerSeedCommand(program);
  registerImportCommand(program);
  registerKeysCommand(program);
  registerNormalizeCommand(program);
  registerQualityCommand(program);
  registerTrainCommand(program);

  return program;
}
