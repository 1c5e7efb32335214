import type { InteractionEntity } from './interaction.entity';

/** Topics of interaction events. */
export const InteractionTopic = {
  RECORDED: 'INTERACTION_RECORDED',
} as const;

/** An interaction as it travels through pub/sub: JSON only (dates as ISO strings). */
export interface InteractionRecordedPayload {
  id: number;
  customerId: number;
  channel: string;
  type: string;
  occurredAt: string;
  value: number | null;
  score: number | null;
  properties: Record<string, unknown> | null;
  clientEventId: string;
}

export function toRecordedPayload(row: InteractionEntity): InteractionRecordedPayload {
  return {
    id: row.id,
    customerId: row.customerId,
    channel: row.channel,
    type: row.type,
    occurredAt: row.occurredAt.toISOString(),
    value: row.value,
    score: row.score,
    properties: row.properties,
    clientEventId: row.clientEventId,
  };
}

/** Back to the row shape the GraphQL mapper takes. */
export function fromRecordedPayload(payload: InteractionRecordedPayload): InteractionEntity {
  return {
    ...payload,
    occurredAt: new Date(payload.occurredAt),
    createdAt: new Date(payload.occurredAt),
  };
}
