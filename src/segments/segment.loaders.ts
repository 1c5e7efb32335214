import { groupLoader, type LoaderOptions, rowLoader } from '../db/loaders';
import type { SegmentMembersService } from './segment-members.service';
import type { SegmentEntity } from './segment.entity';
import type { SegmentService } from './segment.service';

export function createSegmentLoaders(
  segments: SegmentService,
  members: SegmentMembersService,
  options: LoaderOptions,
) {
  return {
    segmentById: rowLoader<SegmentEntity>(
      (ids) => segments.byIds(ids),
      (row) => row.id,
      options,
    ),
    // Customer.segments for a whole page of customers in one join.
    segmentsByCustomerId: groupLoader(
      (ids) => members.segmentsOf(ids),
      (row) => row.customerId,
      options,
    ),
  };
}
