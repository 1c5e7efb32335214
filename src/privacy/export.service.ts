import type { DataSource } from 'typeorm';
import { inTransaction } from '../db/transaction';
import { AuditAction, type Actor } from './audit-record';
import type { AuditService } from './audit.service';
import type { ExportSection } from './export-sections';
import { findSubject } from './subject';

/** Everything Pulse holds about one person, as one JSON document. */
export interface CustomerExport {
  customerId: number;
  exportedAt: Date;
  document: Record<string, unknown>;
}

/** The right of access: a customer's data, section by section, recorded in the audit log. */
export class CustomerExportService {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly sections: readonly ExportSection[],
  ) {}

  /**
   * Exports a customer, deleted or not (a soft-deleted person's data is still held); an erased
   * one holds no personal data any more and is NOT_FOUND. One transaction, so the sections
   * agree with each other and the audit entry lands with the read. The id of a record merged
   * into a customer exports that customer.
   */
  async export(id: number, actor: Actor, field = 'customerId'): Promise<CustomerExport> {
    return inTransaction(this.db, async (tx) => {
      const customer = await findSubject(tx, id, field);
      const customerId = customer.id;
      const exportedAt = new Date();
      const document: Record<string, unknown> = { exportedAt: exportedAt.toISOString() };
      for (const section of this.sections) {
        document[section.name] = await section.read(tx, customer);
      }
      await this.audit.record(tx, {
        action: AuditAction.EXPORT_CUSTOMER_DATA,
        actor,
        customerIds: [customerId],
        details: { sections: this.sections.map((section) => section.name) },
      });

      return { customerId, exportedAt, document };
    });
  }
}
