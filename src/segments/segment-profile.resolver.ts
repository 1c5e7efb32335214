import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { READERS } from '../auth/principal';
import type { PulseContext } from '../graphql/context';
import { fromGlobalId } from '../graphql/global-id';
import type { Services } from '../services';
import type { ProfileWindow } from './segment-profile.service';
import { ProfileWindowInput, SegmentComparison, SegmentProfile } from './segment-profile.types';
import { toSegment } from './segment.mapper';
import { Segment } from './segment.types';

@Resolver(() => Segment)
@Authorized(READERS)
export class SegmentProfileResolver {
  constructor(private readonly services: Services) {}

  @FieldResolver(() => SegmentProfile, {
    description:
      'Size, revenue, lifecycle mix and top channels of the current members (see SegmentProfile).',
  })
  async profile(
    @Root() segment: Segment,
    @Arg('window', () => ProfileWindowInput, {
      nullable: true,
      description: 'Which orders and interactions count; all of them when omitted.',
    })
    window: ProfileWindowInput | undefined,
    @Ctx() ctx: PulseContext,
  ): Promise<SegmentProfile> {
    return (await ctx.loaders.segmentProfile.load({
      parentId: segment.dbId,
      args: toWindow(window),
    })) as SegmentProfile;
  }

  @Query(() => SegmentComparison, {
    description:
      'Profiles of 1 to 20 segments side by side over one window, with the profile of all customers as the baseline.',
  })
  async compareSegments(
    @Arg('ids', () => [ID], { description: 'The segments, in the order to show them.' })
    ids: string[],
    @Arg('window', () => ProfileWindowInput, {
      nullable: true,
      description: 'Which orders and interactions count; all of them when omitted.',
    })
    window: ProfileWindowInput | undefined,
  ): Promise<SegmentComparison> {
    const comparison = await this.services.segmentProfiles.compare(
      ids.map((id, index) => fromGlobalId(id, 'Segment', `ids[${index}]`)),
      toWindow(window),
    );

    return {
      baseline: comparison.baseline,
      segments: comparison.segments.map(({ segment, profile }) => ({
        segment: toSegment(segment),
        profile,
      })),
    };
  }
}

function toWindow(window: ProfileWindowInput | undefined): ProfileWindow {
  return { from: window?.from ?? null, to: window?.to ?? null };
}
