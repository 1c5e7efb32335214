/** Topics of segment events. */
export const SegmentTopic = {
  MEMBERSHIP_CHANGED: 'SEGMENT_MEMBERSHIP_CHANGED',
} as const;

/** Customer ids carried by one event at most; a larger change is split into several events. */
export const MAX_IDS_PER_EVENT = 1000;

/** Who entered and left a segment in one refresh (or one part of it): JSON only. */
export interface SegmentMembershipChangedPayload {
  segmentId: number;
  refreshedAt: string;
  enteredIds: number[];
  leftIds: number[];
  /** Totals of the whole refresh, repeated in every part. */
  enteredCount: number;
  leftCount: number;
  size: number;
  /** 1-based part number and number of parts of this refresh's change. */
  part: number;
  parts: number;
}

/** The events announcing one refresh's change, each with at most MAX_IDS_PER_EVENT ids per list. */
export function membershipChangedPayloads(change: {
  segmentId: number;
  refreshedAt: Date;
  enteredIds: number[];
  leftIds: number[];
  size: number;
}): SegmentMembershipChangedPayload[] {
  const parts = Math.ceil(
    Math.max(change.enteredIds.length, change.leftIds.length) / MAX_IDS_PER_EVENT,
  );

  return Array.from({ length: parts }, (_, i) => ({
    segmentId: change.segmentId,
    refreshedAt: change.refreshedAt.toISOString(),
    enteredIds: change.enteredIds.slice(i * MAX_IDS_PER_EVENT, (i + 1) * MAX_IDS_PER_EVENT),
    leftIds: change.leftIds.slice(i * MAX_IDS_PER_EVENT, (i + 1) * MAX_IDS_PER_EVENT),
    enteredCount: change.enteredIds.length,
    leftCount: change.leftIds.length,
    size: change.size,
    part: i + 1,
    parts,
  }));
}
