import countries from 'i18n-iso-countries';
import type { CountryCode } from 'libphonenumber-js';
import type { DataSource } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { exactText, uniqueViolation } from '../db/dialect';
import { inTransaction } from '../db/transaction';
import { PulseError } from '../errors';
import type { AuditService } from '../privacy/audit.service';
import { AuditAction, COMMAND_LINE } from '../privacy/audit-record';
import { type NormalizableProfile, normalizeProfile } from './normalize';

const FIELDS = ['name', 'email', 'phone', 'country', 'city'] as const;
type Field = (typeof FIELDS)[number];
/** Refusals listed in a report at most (all are counted). */
const MAX_LISTED_REFUSALS = 100;

/** What `pulse normalize` did (or would do, in a dry run). */
export interface NormalizationReport {
  dryRun: boolean;
  /** Customers whose stored values looked not normal and were examined. */
  examined: number;
  customersChanged: number;
  changedByField: Record<Field, number>;
  /** Values that cannot be normalised (or would collide with another customer): left as they are. */
  refused: Array<{ customerId: number; field: string; reason: string }>;
  refusedCount: number;
}

type Row = NormalizableProfile & { id: number; version: number };

/**
 * Brings stored customers to the normal form new writes get. SQL picks the rows that are not
 * normal (surrounding or double spaces, upper-case or padded emails, phones not in E.164 shape,
 * countries not an alpha-2 code); only those reach Node, in batches, because phone and country
 * rules need libphonenumber and the ISO tables. Each batch is one transaction with its audit
 * entry; a value that cannot be normalised is left alone and reported.
 */
export class NormalizationService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly phoneRegion: CountryCode,
  ) {}

  async normalizeStored(
    options: { dryRun: boolean; batchSize?: number; onProgress?: (examined: number) => void } = {
      dryRun: false,
    },
  ): Promise<NormalizationReport> {
    const report: NormalizationReport = {
      dryRun: options.dryRun,
      examined: 0,
      customersChanged: 0,
      changedByField: { name: 0, email: 0, phone: 0, country: 0, city: 0 },
      refused: [],
      refusedCount: 0,
    };
    let after = 0;
    for (;;) {
      const rows = await this.candidates(after, options.batchSize ?? 1000);
      if (rows.length === 0) {
        return report;
      }
      after = rows[rows.length - 1].id;
      report.examined += rows.length;
      await this.normalizeBatch(rows, report);
      options.onProgress?.(report.examined);
    }
  }

  private async normalizeBatch(rows: Row[], report: NormalizationReport): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const changedIds: number[] = [];
      const fields = new Set<Field>();
      for (const row of rows) {
        const changes = this.changesOf(row, report);
        if (Object.keys(changes).length === 0) {
          continue;
        }
        if (!report.dryRun) {
          try {
            await tx
              .getRepository(CustomerEntity)
              .update(
                { id: row.id, version: row.version },
                { ...changes, updatedAt: new Date(), version: row.version + 1 },
              );
          } catch (error) {
            if (uniqueViolation(error) === null) {
              throw error;
            }
            this.refuse(report, row.id, 'email', 'another customer has the normalised email');
            continue;
          }
        }
        changedIds.push(row.id);
        for (const field of Object.keys(changes) as Field[]) {
          report.changedByField[field] += 1;
          fields.add(field);
        }
      }
      report.customersChanged += changedIds.length;
      if (!report.dryRun && changedIds.length > 0) {
        await this.audit.record(tx, {
          action: AuditAction.UPDATE_CUSTOMER,
          actor: COMMAND_LINE,
          customerIds: changedIds,
          details: { fields: [...fields], reason: 'pulse normalize' },
        });
      }
    });
  }

  // The normal form of each field that differs from what is stored; a field that cannot be
  // normalised is reported and left out.
  private changesOf(row: Row, report: NormalizationReport): Partial<Record<Field, string | null>> {
    const changes: Partial<Record<Field, string | null>> = {};
    for (const field of FIELDS) {
      const stored = row[field];
      if (stored === null || stored === undefined) {
        continue;
      }
      try {
        const normal = normalizeProfile({ [field]: stored }, this.phoneRegion, 'customer')[field];
        if (normal !== stored) {
          changes[field] = normal ?? null;
        }
      } catch (error) {
        if (!(error instanceof PulseError)) {
          throw error;
        }
        this.refuse(report, row.id, field, error.message);
      }
    }

    return changes;
  }

  private refuse(report: NormalizationReport, customerId: number, field: string, reason: string) {
    report.refusedCount += 1;
    if (report.refused.length < MAX_LISTED_REFUSALS) {
      report.refused.push({ customerId, field, reason });
    }
  }

  private async candidates(after: number, limit: number): Promise<Row[]> {
    const codes = Object.keys(countries.getAlpha2Codes());
    const exact = (expr: string) => exactText(this.db, expr);
    const untidy = (column: string) =>
      `(${exact(column)} <> ${exact(`TRIM(${column})`)} OR ${column} LIKE '%  %')`;
    const rows: Array<Record<string, unknown>> = await this.db.query(
      `SELECT id, version, name, email, phone, country, city FROM customers
       WHERE deleted_at IS NULL AND id > ?
         AND (${untidy('name')} OR ${untidy('city')}
           OR ${exact('email')} <> ${exact('LOWER(TRIM(email))')}
           OR (phone IS NOT NULL AND (phone NOT LIKE '+%' OR phone LIKE '% %' OR phone LIKE '%-%'
               OR phone LIKE '%(%' OR phone LIKE '%.%'))
           OR (country IS NOT NULL AND (country NOT IN (${codes.map(() => '?').join(', ')})
               OR ${exact('country')} <> ${exact('UPPER(country)')})))
       ORDER BY id LIMIT ?`,
      [after, ...codes, limit],
    );

    return rows.map((row) => ({
      ...(row as unknown as Row),
      id: Number(row.id),
      version: Number(row.version),
    }));
  }
}
