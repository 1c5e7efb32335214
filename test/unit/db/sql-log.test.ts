import { errorForLog, withoutValues } from '../../../src/log';

describe('withoutValues', () => {
  it.each([
    [
      "Error: Duplicate entry 'o'brien@example.com' for key 'uq_customers_email'",
      "Error: Duplicate entry '…' for key 'uq_customers_email'",
    ],
    [
      "Incorrect datetime value: '1990-13-01' for column `pulse`.`customers`.`birth_date` at row 1",
      "Incorrect datetime value: '…' for column `pulse`.`customers`.`birth_date` at row 1",
    ],
    ["Truncated incorrect DOUBLE value: '+44 20 7946'", "Truncated incorrect DOUBLE value: '…'"],
    [
      'Lock wait timeout exceeded; try restarting transaction',
      'Lock wait timeout exceeded; try restarting transaction',
    ],
    ['UNIQUE constraint failed: customers.email', 'UNIQUE constraint failed: customers.email'],
  ])('hides the quoted value of %j', (message, logged) => {
    expect(withoutValues(message)).toBe(logged);
  });
});

describe('errorForLog', () => {
  it('logs the stack of an unexpected error without the values the database quoted', () => {
    const error = new Error("Duplicate entry 'ada@example.com' for key 'uq_customers_email'");
    const logged = errorForLog(error);

    expect(logged).toContain("Duplicate entry '…' for key 'uq_customers_email'");
    expect(logged).toContain('sql-log.test.ts');
    expect(logged).not.toContain('ada@example.com');
  });
});
