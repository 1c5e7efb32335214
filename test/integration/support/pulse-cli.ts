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
  try {
    await createProgram()
      .exitOverride()
      .parseAsync(['node', 'pulse', ...args]);
  } finally {
    log.mockRestore();
    table.mockRestore();
  }

  return lines;
}
