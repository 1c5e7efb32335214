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
  // With replicas, mysql2's pool cluster rests a server after repeated failed connects.
  'POOL_NONEONLINE',
]);

/** mysql2's words when its pool's waiting queue is full. */
const QUEUE_FULL = 'Queue limit reached.';

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
}

interface Wrapper {
  driverError?: unknown;
  originalError?: unknown;
  thrownValue?: unknown;
}

/**
 * The driver's error inside `error`: TypeORM wraps it as `driverError`, GraphQL wraps an error
 * as `originalError`, and a thrown non-Error (mysql2 rejects a refused connection with a plain
 * object) as `thrownValue`.
 */
function driverErrorOf(error: unknown): DriverError | null {
  let current = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const wrapper = current as Wrapper;
    const inner = wrapper.driverError ?? wrapper.thrownValue ?? wrapper.originalError;
    if (inner === undefined || inner === current) {
      return current as DriverError;
    }
    current = inner;
  }

  return typeof current === 'object' && current !== null ? (current as DriverError) : null;
}

/** The fault behind `error` (a TypeORM QueryFailedError or a pool error), or null. */
export function databaseFault(error: unknown): DatabaseFault | null {
  const driver = driverErrorOf(error);
  if (!driver) {
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
