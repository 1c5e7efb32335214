import { toGlobalId } from '../graphql/global-id';
import type { SegmentRefreshEntity } from './segment-membership.entity';
import type { SegmentEntity } from './segment.entity';
import { definitionForClient } from './rule.types';
import type { SegmentDefinition } from './rule-definition';
import type { SegmentMembershipChangedPayload } from './segment.topics';
import {
  Segment,
  type SegmentKindValue,
  SegmentMembershipChange,
  SegmentRefresh,
  type SegmentRefreshTrigger,
} from './segment.types';

/** The GraphQL view of a segment row. */
export function toSegment(row: SegmentEntity): Segment {
  return Object.assign(new Segment(), {
    id: toGlobalId('Segment', row.id),
    dbId: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind as SegmentKindValue,
    // Rules carry segment ids, which clients know only as global ids.
    definition:
      row.kind === 'RULE' && row.definition
        ? definitionForClient(row.definition as unknown as SegmentDefinition)
        : row.definition,
    size: row.size,
    lastRefreshedAt: row.lastRefreshedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  });
}

export function toSegmentRefresh(row: SegmentRefreshEntity): SegmentRefresh {
  return Object.assign(new SegmentRefresh(), {
    refreshedAt: row.refreshedAt,
    size: row.size,
    entered: row.entered,
    left: row.left,
    durationMs: row.durationMs,
    trigger: row.trigger as SegmentRefreshTrigger,
  });
}

/** Back from the pub/sub payload to the GraphQL object (customers resolve through loaders). */
export function toMembershipChange(
  payload: SegmentMembershipChangedPayload,
): SegmentMembershipChange {
  return Object.assign(new SegmentMembershipChange(), {
    segmentDbId: payload.segmentId,
    enteredDbIds: payload.enteredIds,
    leftDbIds: payload.leftIds,
    refreshedAt: new Date(payload.refreshedAt),
    enteredIds: payload.enteredIds.map((id) => toGlobalId('Customer', id)),
    leftIds: payload.leftIds.map((id) => toGlobalId('Customer', id)),
    enteredCount: payload.enteredCount,
    leftCount: payload.leftCount,
    size: payload.size,
    part: payload.part,
    parts: payload.parts,
  });
}
