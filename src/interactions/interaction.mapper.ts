import { maskFreeText, masksPersonalData } from '../auth/masking';
import type { Principal } from '../auth/principal';
import { toGlobalId } from '../graphql/global-id';
import type { Channel } from './channel';
import type { InteractionEntity } from './interaction.entity';
import { Interaction } from './interaction.types';

/** The GraphQL view of an interaction row; free-text properties are masked for partners. */
export function toInteraction(row: InteractionEntity, principal: Principal | null): Interaction {
  const properties =
    row.properties && masksPersonalData(principal?.role)
      ? maskFreeText(row.properties)
      : row.properties;

  return Object.assign(new Interaction(), {
    id: toGlobalId('Interaction', row.id),
    dbId: row.id,
    customerDbId: row.customerId,
    channel: row.channel as Channel,
    type: row.type,
    occurredAt: row.occurredAt,
    value: row.value,
    score: row.score,
    properties: properties as Record<string, unknown> | null,
    clientEventId: row.clientEventId,
  });
}
