import type { Config } from '../../../src/config';
import { type Dialect, mysqlAvailable, startTestPulse, type TestPulse } from './start-pulse';

/**
 * Runs the same suite against SQLite and, when a MySQL server is available, against MySQL:
 * one server per dialect per file, started before the suite and stopped after it, with the
 * default settings except `overrides`.
 */
export function describeEachDialect(
  name: string,
  body: (pulse: () => TestPulse) => void,
  overrides: Partial<Config> = {},
): void {
  const dialects: Dialect[] = mysqlAvailable() ? ['sqlite', 'mysql'] : ['sqlite'];
  for (const dialect of dialects) {
    describe(`${name} [${dialect}]`, () => {
      let handle: TestPulse | undefined;
      beforeAll(async () => {
        handle = await startTestPulse(dialect, overrides);
      });
      afterAll(async () => {
        await handle?.stop();
      });
      body(() => {
        if (!handle) {
          throw new Error('the test server did not start');
        }

        return handle;
      });
    });
  }
}
