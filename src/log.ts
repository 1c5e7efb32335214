import type { LogLevel } from './config';

/** Structured JSON logger: one object per line on stdout, as log collectors expect. */
export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function createLog(level: LogLevel, write: (line: string) => void = defaultWrite): Log {
  const emit =
    (at: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
      if (ORDER[at] >= ORDER[level]) {
        write(JSON.stringify({ time: new Date().toISOString(), level: at, message, ...fields }));
      }
    };

  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

function defaultWrite(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * A driver's error message without the values MySQL and MariaDB quote in some of them (a taken
 * email in "Duplicate entry '…' for key …", a cell in "Incorrect … value: '…' for column …"):
 * they may be personal data, and errors are logged at the default level. The error and the key
 * or column it names stay, for the operator.
 */
export function withoutValues(message: string): string {
  return message
    .replace(/(Duplicate entry )'.*'( for key )/s, "$1'…'$2")
    .replace(/( value: )'.*'( for column |$)/s, "$1'…'$2");
}

/** How an unexpected error is logged: its stack (or text), without quoted values. */
export function errorForLog(error: unknown): string {
  return withoutValues(String((error as Error)?.stack ?? error));
}
