import { createLog } from '../../../src/log';
import { startTestPulse } from '../support/start-pulse';

// MySQL and MariaDB put the offending value into some error messages ("Duplicate entry
// 'ada@example.com' for key …"); the failed-statement warning is logged at the default level.
describe('failed SQL statements in the log on MySQL', () => {
  it('name the error and the key but not the value, which may be personal data', async () => {
    if (!process.env.TEST_MYSQL_URL) {
      throw new Error('TEST_MYSQL_URL is not set: the integration setup starts MariaDB');
    }
    const lines: string[] = [];
    const pulse = await startTestPulse(
      'mysql',
      { logLevel: 'info' },
      createLog('info', (line) => lines.push(line)),
    );
    try {
      const create = (externalId: string) =>
        pulse.query(
          `mutation { createCustomer(input: { externalId: "${externalId}", email: "ada.lovelace@example.com" }) { customer { id } } }`,
        );
      await create('c1');
      const taken = await create('c2');
      expect(taken.errors?.[0].extensions?.code).toBe('CONFLICT');
      const failed = lines
        .map((line) => JSON.parse(line) as Record<string, string>)
        .filter((entry) => entry.message === 'sql failed');
      expect(failed).toHaveLength(1);
      expect(failed[0].error).toMatch(/Duplicate entry '…' for key '\w*uq_customers_email'/);
      expect(lines.join('\n')).not.toContain('ada.lovelace');
    } finally {
      await pulse.stop();
    }
  });
});
