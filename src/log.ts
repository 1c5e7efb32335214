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
