import { databaseFault } from '../../../src/db/faults';

/** A TypeORM QueryFailedError's shape: the driver's error under `driverError`. */
const failed = (driverError: Record<string, unknown>) => ({ message: 'x', driverError });

describe('databaseFault', () => {
  it.each([
    ['MariaDB max_statement_time', failed({ errno: 1969 }), 'STATEMENT_TIMEOUT'],
    [
      'MySQL max_execution_time',
      failed({ errno: 3024, code: 'ER_QUERY_TIMEOUT' }),
      'STATEMENT_TIMEOUT',
    ],
    [
      'a row-lock wait timeout',
      failed({ errno: 1205, code: 'ER_LOCK_WAIT_TIMEOUT' }),
      'STATEMENT_TIMEOUT',
    ],
    ["mysql2's full pool queue", new Error('Queue limit reached.'), 'SERVICE_UNAVAILABLE'],
    [
      'a refused connection',
      Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      'DATABASE_UNAVAILABLE',
    ],
    ['a lost connection', failed({ code: 'PROTOCOL_CONNECTION_LOST' }), 'DATABASE_UNAVAILABLE'],
    [
      'a server shutting down',
      failed({ errno: 1053, code: 'ER_SERVER_SHUTDOWN' }),
      'DATABASE_UNAVAILABLE',
    ],
    [
      'a pool cluster resting every server',
      Object.assign(new Error('Pool does Not have online node.'), { code: 'POOL_NONEONLINE' }),
      'DATABASE_UNAVAILABLE',
    ],
  ])('names %s', (_, error, code) => {
    expect(databaseFault(error)?.code).toBe(code);
  });

  it.each([
    ['a duplicate key', failed({ errno: 1062, code: 'ER_DUP_ENTRY' })],
    ['a syntax error', failed({ errno: 1064, code: 'ER_PARSE_ERROR' })],
    ['a SQLite constraint', failed({ code: 'SQLITE_CONSTRAINT_UNIQUE' })],
    ['a plain error', new Error('boom')],
    ['a string', 'boom'],
    ['nothing', undefined],
  ])('leaves %s to the internal-error path', (_, error) => {
    expect(databaseFault(error)).toBeNull();
  });
});

describe('databaseFault through wrappers', () => {
  it('finds the driver error GraphQL wrapped, thrown as a plain object', () => {
    const thrown = { errno: -111, code: 'ECONNREFUSED', fatal: true };
    const graphqlError = { message: 'x', originalError: { message: 'y', thrownValue: thrown } };
    expect(databaseFault(graphqlError)?.code).toBe('DATABASE_UNAVAILABLE');
  });
});
