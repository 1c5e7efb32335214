// Database failures a client should hear about by name rather than as an internal error: they
// say what happened to the request and whether retrying makes sense.

/** A database failure as the API reports it. */
export interface DatabaseFault {
  code: 'STATEMENT_TIMEOUT' | 'SERVICE_UNAVAILABLE' | 'DATABASE_UNAVAILABLE';
  message: string;
}

/** MariaDB's max_statement_time, MySQL's max_execution_time, a row-lock wait timeout. */
const TIMEOUT_ERRNOS = new Set([1969, 3024, 1205]);

/** The server cannot be reached, went away, is shutting down, or refuses connections. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
]);

/** mysql2's words when its pool's waiting queue is full. */
const QUEUE_FULL = 'Queue limit reached.';

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
}

/** The fault behind `error` (a TypeORM QueryFailedError or a pool error), or null. */
export function databaseFault(error: unknown): DatabaseFault | null {
  const outer = error as DriverError & { driverError?: DriverError };
  const driver = outer?.driverError ?? outer;
  if (typeof driver !== 'object' || driver === null) {
    return null;
  }
  if (driver.errno !== undefined && TIMEOUT_ERRNOS.has(driver.errno)) {
    return {
      code: 'STATEMENT_TIMEOUT',
      message:
        'The database took longer than the statement time limit (PULSE_DB_STATEMENT_TIMEOUT_MS) and cut the statement; the request failed and its transaction was rolled back',
    };
  }
  if (driver.message === QUEUE_FULL) {
    return {
      code: 'SERVICE_UNAVAILABLE',
      message:
        'Too many requests are waiting for a database connection on this instance; retry shortly',
    };
  }
  if (driver.code !== undefined && UNAVAILABLE_CODES.has(driver.code)) {
    return {
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database cannot be reached; retry shortly',
    };
  }

  return null;
}
