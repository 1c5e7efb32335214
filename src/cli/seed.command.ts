import { Presets, SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { DEMO_CUSTOMERS, DEMO_END, DEMO_SEED } from '../seed/demo-data';
import { seedDemoData } from '../seed/seed.service';
import { withDatabase } from './bootstrap';

interface SeedCommandOptions {
  customers: number;
  seed: number;
  batchSize: number;
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description(
      `Seed the deterministic demo data set: customers with consents, interactions and orders over the 18 months up to ${DEMO_END.toISOString().slice(0, 10)}. The same seed always gives the same data; customers already in the database are skipped, so a rerun adds nothing and an interrupted run resumes.`,
    )
    .option(
      '--customers <n>',
      'how many demo customers (about 50 interactions and 8 orders each)',
      wholeNumber(0, 10_000_000),
      DEMO_CUSTOMERS,
    )
    .option('--seed <s>', 'seed of the generator', wholeNumber(0, 0xffffffff), DEMO_SEED)
    .option(
      '--batch-size <b>',
      'customers generated and written per transaction',
      wholeNumber(1, 10_000),
      500,
    )
    .action(async (options: SeedCommandOptions) => {
      await withDatabase(async (db) => {
        // The bar goes to stderr so that stdout carries only the summary; cli-progress draws
        // nothing when stderr is not a terminal (CI logs, redirected output).
        const bar = new SingleBar(
          {
            stream: process.stderr,
            format: 'seeding [{bar}] {value}/{total} customers | {eta}s left',
            hideCursor: true,
          },
          Presets.shades_classic,
        );
        const started = performance.now();
        bar.start(options.customers, 0);
        const counts = await seedDemoData(db, {
          customers: options.customers,
          seed: options.seed,
          batchSize: options.batchSize,
          onProgress: (done) => bar.update(done),
        }).finally(() => bar.stop());
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const n = (value: number) => value.toLocaleString('en-US');
        console.log(
          `Seeded ${n(counts.customers)} customers, ${n(counts.interactions)} interactions and ${n(counts.orders)} orders in ${seconds} s (seed ${options.seed}).`,
        );
        if (counts.customers < options.customers) {
          console.log(
            `${n(options.customers - counts.customers)} of the ${n(options.customers)} demo customers were already in the database and were left as they are.`,
          );
        }
      });
    });
}

/**
 * A commander argument parser for a whole number in [min, max]; the seeder checks the same
 * ranges, but here the message can name the option as the user typed it.
 */
function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!(number >= min && number <= max)) {
      throw new InvalidArgumentError(
        `expected a whole number from ${min} to ${max}, got "${value}"`,
      );
    }

    return number;
  };
}
