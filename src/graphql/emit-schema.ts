import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import type { Services } from '../services';
import { buildPulseSchema } from './build-schema';
import { createPubSub } from '@graphql-yoga/subscription';

// Writes schema/schema.graphql from the code (`npm run schema:emit`). Types are sorted so the
// file changes only when the schema does. Resolvers never run here, so no services are needed.
async function emit(): Promise<void> {
  const schema = await buildPulseSchema({} as Services, createPubSub());
  const target = path.resolve(__dirname, '../../../schema/schema.graphql');
  const header = '# Generated from the code by `npm run schema:emit`. Do not edit by hand.\n\n';
  writeFileSync(target, header + printSchema(lexicographicSortSchema(schema)) + '\n');
  process.stdout.write(`schema written to ${path.relative(process.cwd(), target)}\n`);
}

emit().catch((error: unknown) => {
  process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
