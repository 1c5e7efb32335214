import type { Command } from 'commander';
import { createProgram } from '../../../src/cli/program';

/** Runs `pulse …args` in-process and returns what it printed (tables as JSON lines). */
export async function pulseCli(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    lines.push(parts.join(' '));
  });
  const table = jest.spyOn(console, 'table').mockImplementation((rows: unknown) => {
    lines.push(JSON.stringify(rows));
  });
  const error = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    // Subcommands copy their settings when they are created, so each one is told itself: a
    // refused argument then throws here instead of exiting the test process.
    const throwInsteadOfExit = (command: Command): void => {
      command.exitOverride();
      command.commands.forEach(throwInsteadOfExit);
    };
    const program = createProgram();
    throwInsteadOfExit(program);
    await program.parseAsync(['node', 'pulse', ...args]);
  } finally {
    log.mockRestore();
    table.mockRestore();
    error.mockRestore();
  }

  return lines;
}
