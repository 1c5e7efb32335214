import { type LoaderOptions, parentArgsLoader } from '../db/loaders';
import type {
  ProfileWindow,
  SegmentProfileData,
  SegmentProfileService,
} from './segment-profile.service';

export function createSegmentProfileLoaders(
  profiles: SegmentProfileService,
  options: LoaderOptions,
) {
  return {
    // A list of segments asking for their profiles over one window costs one batch.
    segmentProfile: parentArgsLoader<ProfileWindow, SegmentProfileData | null>(
      async (segmentIds, window) => (await profiles.profilesOf(segmentIds, window)).bySegment,
      () => null,
      options,
    ),
  };
}
