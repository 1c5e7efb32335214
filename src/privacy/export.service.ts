import { type DataSource, IsNull } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { inTransaction } from '../db/transaction';
import { notFound } from '../errors';
import { AuditAction, type Actor } from './audit-record';
import type { AuditService } from './audit.service';
import type { ExportSection } from './export-sections';

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
   * agree with each other and the audit entry lands with the read.
   */
  async export(customerId: number, actor: Actor, field = 'customerId'): Promise<CustomerExport> {
    return inTransaction(this.db, async (tx) => {
      const customer = await tx
        .getRepository(CustomerEntity)
        .findOneBy({ id: customerId, erasedAt: IsNull() });
      if (!customer) {
        throw notFound(`Customer ${customerId}`, field);
      }
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
