import type { DataSource } from 'typeorm';
import { ApiKeyService } from './apikeys/api-key.service';
import type { Config } from './config';
import { type EventPublisher, NO_EVENTS } from './events';
import { CustomerSummaryService } from './customers/customer-summary.service';
import { CustomerService } from './customers/customer.service';
import { InteractionService } from './interactions/interaction.service';
import { OrderService } from './orders/order.service';

/** Every service, built once per process over one data source (the composition root's wiring). */
export function createServices(
  db: DataSource,
  config: Pick<Config, 'maxPageSize' | 'keyCacheSeconds'>,
  events: EventPublisher = NO_EVENTS,
) {
  return {
    db,
    maxPageSize: config.maxPageSize,
    apiKeys: new ApiKeyService(db, config.keyCacheSeconds * 1000, config.maxPageSize),
    customers: new CustomerService(db, config.maxPageSize),
    customerSummaries: new CustomerSummaryService(db),
    interactions: new InteractionService(db, events),
    orders: new OrderService(db),
  };
}

export type Services = ReturnType<typeof createServices>;
