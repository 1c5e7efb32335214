import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type AfterQueryEvent,
  type EntitySubscriberInterface,
  EventSubscriber,
  type Logger as TypeOrmLogger,
} from 'typeorm';
import { withoutValues } from '../log';

/** What one request (or job) has done against the database so far. */
export interface SqlScope {
  statements: number;
}

const scopes = new AsyncLocalStorage<SqlScope>();
let scopedStatements = 0;

/** Runs `fn` with a fresh statement counter that every query made inside it increments. */
export function withSqlScope<T>(fn: () => T): { scope: SqlScope; result: T } {
  const scope: SqlScope = { statements: 0 };

  return { scope, result: scopes.run(scope, fn) };
}

/**
 * Statements run inside a scope (on behalf of a request) since the process started. Benchmarks
 * and tests read differences of this one: background work, such as the webhook dispatcher's
 * poll every second, would otherwise land in a request's count by chance.
 */
export function scopedSqlStatements(): number {
  return scopedStatements;
}

/** One statement's progress: sent, answered (after `ms`), or failed. */
export type SqlStatementEvent =
  { kind: 'sent' } | { kind: 'answered'; ms: number } | { kind: 'failed' };

const statementListeners = new Set<(event: SqlStatementEvent) => void>();

/** Calls `listener` for every statement of this process; returns the function that stops it. */
export function onSqlStatement(listener: (event: SqlStatementEvent) => void): () => void {
  statementListeners.add(listener);

  return () => statementListeners.delete(listener);
}

function emit(event: SqlStatementEvent): void {
  for (const listener of statementListeners) {
    listener(event);
  }
}

/**
 * Reports how long each statement took: TypeORM measures it for its subscribers' `afterQuery`
 * (the logger hears of it only above a slow-query threshold). Failed statements do not reach
 * `afterQuery` on SQLite, so failures are counted by the logger instead. TypeORM only takes
 * subscribers that carry the decorator.
 */
@EventSubscriber()
export class SqlTimingSubscriber implements EntitySubscriberInterface {
  afterQuery(event: AfterQueryEvent<unknown>): void {
    if (event.success && event.executionTime !== undefined) {
      emit({ kind: 'answered', ms: event.executionTime });
    }
  }
}

type LogFn = (level: 'debug' | 'warn', message: string, fields: Record<string, unknown>) => void;

/**
 * TypeORM logger that counts statements per request scope and reports slow and
 * failed ones. TypeORM calls `logQuery` for every statement whatever the `logging` option says.
 */
export class SqlLogger implements TypeOrmLogger {
  constructor(private readonly write: LogFn) {}

  logQuery(query: string): void {
    emit({ kind: 'sent' });
    const scope = scopes.getStore();
    if (scope) {
      scope.statements += 1;
      scopedStatements += 1;
    }
    this.write('debug', 'sql', { sql: query });
  }

  logQueryError(error: string | Error, query: string): void {
    emit({ kind: 'failed' });
    this.write('warn', 'sql failed', { sql: query, error: withoutValues(String(error)) });
  }

  logQuerySlow(time: number, query: string): void {
    this.write('warn', 'sql slow', { sql: query, ms: time });
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.write('debug', 'migration', { message });
  }

  log(): void {}
}
