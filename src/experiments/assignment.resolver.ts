import { Arg, Authorized, ID, Mutation, Resolver } from 'type-graphql';
import { WRITERS } from '../auth/principal';
import { fromGlobalId, toGlobalId } from '../graphql/global-id';
import type { Services } from '../services';
import {
  type AssignmentReasonValue,
  SegmentAssignment,
  VariantAssignment,
} from './assignment.types';
import { toExperiment, toExperimentVariant } from './experiment.mapper';

const keyArg = { description: "The experiment's key." };

@Resolver()
export class AssignmentResolver {
  constructor(private readonly services: Services) {}

  @Authorized(WRITERS)
  @Mutation(() => VariantAssignment, {
    description:
      "The customer's variant (deterministic and sticky), recording the first exposure once however often it is called.",
  })
  async assignVariant(
    @Arg('experimentKey', keyArg) experimentKey: string,
    @Arg('customerId', () => ID, { description: 'Global id of the customer.' }) customerId: string,
  ): Promise<VariantAssignment> {
    const result = await this.services.assignment.assignVariant(
      experimentKey,
      fromGlobalId(customerId, 'Customer', 'customerId'),
    );

    return {
      experiment: toExperiment(result.experiment),
      experimentKey: result.experiment.key,
      customerId: toGlobalId('Customer', result.customerId),
      variant: result.variant && toExperimentVariant(result.variant),
      reason: result.reason as AssignmentReasonValue | null,
      firstExposedAt: result.firstExposedAt,
      newlyExposed: result.newlyExposed,
    };
  }

  @Authorized(WRITERS)
  @Mutation(() => SegmentAssignment, {
    description:
      'Assigns the whole targeted population of a RUNNING experiment in one set-based statement; exposed customers keep their exposure.',
  })
  async assignSegment(
    @Arg('experimentKey', keyArg) experimentKey: string,
  ): Promise<SegmentAssignment> {
    const result = await this.services.assignment.assignSegment(experimentKey);

    return { ...result, experiment: toExperiment(result.experiment) };
  }
}
