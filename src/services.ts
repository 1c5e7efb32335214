import type { DataSource } from 'typeorm';
import { ApiKeyService } from './apikeys/api-key.service';
import type { Config } from './config';
import { type EventPublisher, NO_EVENTS } from './events';
import { CustomerSummaryService } from './customers/customer-summary.service';
import { CustomerService } from './customers/customer.service';
import { InteractionService } from './interactions/interaction.service';
import { OrderService } from './orders/order.service';
import { AuditService } from './privacy/audit.service';
import { ContactPolicyService } from './privacy/contact-policy.service';
import { ErasureService } from './privacy/erasure.service';
import { exportSections } from './privacy/export-sections';
import { CustomerExportService } from './privacy/export.service';

/** Every service, built once per process over one data source (the composition root's wiring). */
export function createServices(
  db: DataSource,
  config: Pick<Config, 'maxPageSize' | 'keyCacheSeconds'>,
  events: EventPublisher = NO_EVENTS,
) {
  // Services that change personal data record it in the audit log in the same transaction.
  const audit = new AuditService(db, config.maxPageSize);
  const customers = new CustomerService(db, config.maxPageSize, audit);

  return {
    db,
    maxPageSize: config.maxPageSize,
    apiKeys: new ApiKeyService(db, audit, config.keyCacheSeconds * 1000, config.maxPageSize),
    audit,
    customers,
    customerSummaries: new CustomerSummaryService(db),
    interactions: new InteractionService(db, events),
    orders: new OrderService(db),
    contactPolicy: new ContactPolicyService(customers),
    customerExport: new CustomerExportService(db, audit, exportSections(audit)),
    erasure: new ErasureService(db, audit),
  };
}

export type Services = ReturnType<typeof createServices>;
