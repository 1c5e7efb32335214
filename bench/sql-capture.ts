import type { AfterQueryEvent, DataSource, EntitySubscriberInterface } from 'typeorm';
import { scopedSqlStatements } from '../src/db/sql-log';

/** One statement as Pulse sent it for a request. */
export interface CapturedStatement {
  sql: string;
  parameters: unknown[];
  /**
   * The round trip it belongs to: 0 when sent before any answer of the request came back, else
   * one more than the highest wave of the statements answered before it was sent. Statements of
   * one wave can run concurrently; a wave can depend on the answers of the earlier ones.
   */
  wave: number;
}

interface Pending extends CapturedStatement {
  /** TypeORM hands the same array to the logger and to afterQuery: it identifies the statement. */
  sentParameters: unknown[] | undefined;
  answered: boolean;
}

/**
 * Records the statements of requests, with their parameters, in Pulse's own process: the
 * logger hears every statement before it is sent, and a query subscriber hears its answer.
 * Only statements the request scope counts are kept, so background jobs stay out; the caller
 * sends one request at a time between `start` and `stop`.
 */
export function installSqlCapture(db: DataSource) {
  let recording: Pending[] | null = null;
  let highestAnsweredWave = -1;

  const logQuery = db.logger.logQuery.bind(db.logger);
  db.logger.logQuery = (sql, parameters, queryRunner) => {
    const before = scopedSqlStatements();
    logQuery(sql, parameters, queryRunner);
    if (recording && scopedSqlStatements() > before) {
      recording.push({
        sql,
        parameters: parameters ?? [],
        sentParameters: parameters,
        wave: highestAnsweredWave + 1,
        answered: false,
      });
    }
  };
  const answers: EntitySubscriberInterface = {
    afterQuery(event: AfterQueryEvent<unknown>) {
      const statement = recording?.find(
        (s) => !s.answered && s.sql === event.query && s.sentParameters === event.parameters,
      );
      if (statement) {
        statement.answered = true;
        highestAnsweredWave = Math.max(highestAnsweredWave, statement.wave);
      }
    },
  };
  db.subscribers.push(answers);

  return {
    start(): void {
      recording = [];
      highestAnsweredWave = -1;
    },
    stop(): CapturedStatement[] {
      const captured = (recording ?? []).map(({ sql, parameters, wave }) => ({
        sql,
        parameters,
        wave,
      }));
      recording = null;

      return captured;
    },
  };
}
