import { stat } from 'node:fs/promises';
import { Presets, SingleBar } from 'cli-progress';
import { Argument, type Command } from 'commander';
import { BATCH_SIZES, importCsv, type ImportSummary } from '../imports/csv-import';
import { COLUMNS, IMPORT_KINDS, type ImportKind } from '../imports/csv-mapping';
import { CHANNELS } from '../interactions/channel';
import { SegmentRefreshJob } from '../jobs/segment-refresh.job';
import { createLog } from '../log';
import { createServices } from '../services';
import { withDatabase } from './bootstrap';

export function registerImportCommand(program: Command): void {
  program
    .command('import')
    .description(
      'Import customers, interactions or orders from a CSV file (UTF-8, comma-separated, header row first). ' +
        'Rows are checked with the same rules as the API; bad rows go to <file>.rejects.csv with their line number ' +
        'and reason, good rows are stored. Importing the same file again changes nothing. Exits with 1 when any ' +
        'row was rejected.',
    )
    .addArgument(new Argument('<kind>', 'what the file holds').choices(IMPORT_KINDS))
    .argument('<file>', 'the CSV file')
    .addHelpText('after', columnsHelp())
    .action(async (kind: ImportKind, file: string) => {
      // Fail on a wrong path before opening (and migrating) the database.
      const size = (await stat(file).catch(() => null))?.size;
      if (size === undefined) {
        throw new Error(`Cannot read ${file}: no such file`);
      }
      const bar = progressBar(kind);
      bar.start(size, 0, { done: megabytes(0), size: megabytes(size) });
      let summary: ImportSummary;
      let refreshed: boolean | null = null;
      try {
        summary = await withDatabase(async (db, config) => {
          const services = createServices(db, config);
          let stored = false;
          services.dataChanges.listen(() => {
            stored = true;
          });
          const imported = await importCsv(services, kind, file, {
            onProgress: (bytes) => bar.update(bytes, { done: megabytes(bytes) }),
          });
          bar.stop();
          // Like ingestion through the API, stored rows refresh segments; here at once, under
          // the same lease as the servers' refreshes.
          if (stored) {
            refreshed = await new SegmentRefreshJob({
              db,
              log: createLog('warn', (line) => process.stderr.write(`${line}\n`)),
              intervalMinutes: 0,
              ingestionDebounceSeconds: 0,
              refresh: (trigger) => services.segments.refreshAll(trigger),
            }).runNow('INGESTION');
          }

          return imported;
        });
      } finally {
        bar.stop();
      }
      printSummary(file, summary);
      if (refreshed !== null) {
        console.log(
          refreshed
            ? 'Segments refreshed.'
            : 'Segments not refreshed: another instance is refreshing them now.',
        );
      }
      if (summary.rejected > 0) {
        process.exitCode = 1;
      }
    });
}

/** A bar on stderr, so stdout carries only the summary; cli-progress draws nothing off a TTY. */
function progressBar(kind: ImportKind): SingleBar {
  return new SingleBar(
    {
      stream: process.stderr,
      format: `importing ${kind} [{bar}] {percentage}% | {done}/{size} MB | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
}

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

function printSummary(file: string, summary: ImportSummary): void {
  const counts = Object.entries(summary.imported)
    .map(
      ([name, count]) =>
        `${name.replace(/[A-Z]/g, (letter) => ` ${letter.toLowerCase()}`)} ${count}`,
    )
    .join(', ');
  console.log(
    `${summary.kind} from ${file}: ${summary.rows} rows read; ${counts}; rejected ${summary.rejected}.`,
  );
  if (summary.ignoredColumns.length > 0) {
    console.log(`Columns not imported: ${summary.ignoredColumns.join(', ')}.`);
  }
  if (summary.rejectsFile) {
    console.log(`Rejected rows, with line number and reason: ${summary.rejectsFile}`);
  }
}

/** The columns of each kind, from the same list the header check uses. */
function columnsHelp(): string {
  const section = (kind: ImportKind, notes: string[]) => {
    // The ten consent_<channel> columns are one entry here, with the channels listed once.
    const consent = COLUMNS[kind].some((spec) => spec.name.startsWith('consent_'))
      ? [
          {
            name: 'consent_<channel>',
            required: false,
            description: 'granted/yes/true or denied/no/false',
          },
        ]
      : [];
    const specs = [
      ...COLUMNS[kind].filter((spec) => !spec.name.startsWith('consent_')),
      ...consent,
    ];
    const width = Math.max(...specs.map((spec) => spec.name.length));
    const lines = specs.map(
      (spec) =>
        `  ${spec.name.padEnd(width)}  ${spec.required ? '(required) ' : ''}${spec.description}`,
    );

    return [
      `${kind} (${BATCH_SIZES[kind]} per transaction):`,
      ...lines,
      ...notes.map((note) => `  ${note}`),
    ].join('\n');
  };

  return [
    '',
    'Columns (names are case-insensitive; camelCase works too: externalId, signedUpAt):',
    section('customers', [
      `<channel>: ${CHANNELS.map((channel) => channel.toLowerCase()).join(', ')}`,
      'any other column becomes a custom attribute (12, 1.5 → number; true/false → boolean)',
      'empty cells leave stored values (and consents) alone',
    ]),
    section('interactions', ['any other column becomes a property, typed like attributes']),
    section('orders', [
      'one row per order line; rows with the same client_order_id make one order and must',
      'agree on its fields (or leave them empty); a row without product columns adds no line',
    ]),
    '',
    'Instants are ISO 8601 (2024-05-01, 2024-05-01T09:30:00Z); without an offset, UTC.',
    'Exit code: 0 when every row was imported, 1 when any row was rejected or the file was refused.',
    'Before importing a fixed rejects file, remove its line and reason columns.',
  ].join('\n');
}
