import { ApiKeyEntity } from '../apikeys/api-key.entity';
import { ConsentChangeEntity, ConsentEntity } from '../customers/consent.entity';
import { CustomerEntity } from '../customers/customer.entity';
import { InteractionEntity } from '../interactions/interaction.entity';
import { OrderLineEntity } from '../orders/order-line.entity';
import { OrderEntity } from '../orders/order.entity';
import { AuditEntryEntity } from '../privacy/audit-entry.entity';

/** Every table Pulse owns; the data source and the drift check read this list. */
export const ENTITIES = [
  CustomerEntity,
  ConsentEntity,
  ConsentChangeEntity,
  InteractionEntity,
  OrderEntity,
  OrderLineEntity,
  ApiKeyEntity,
  AuditEntryEntity,
];
