import {
  Arg,
  Args,
  Authorized,
  Ctx,
  FieldResolver,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { READERS, WRITERS } from '../auth/principal';
import { loadCustomer, toCustomer } from '../customers/customer.mapper';
import { Customer } from '../customers/customer.types';
import type { PulseContext } from '../graphql/context';
import { toConnection } from '../graphql/connection';
import { fromGlobalId, toGlobalId } from '../graphql/global-id';
import { ForwardPageArgs } from '../graphql/page-args';
import type { Services } from '../services';
import type { DuplicateCandidate as Candidate } from './duplicates.service';
import {
  DuplicateCandidate,
  DuplicateCandidateConnection,
  MergeCustomersInput,
  MergeCustomersPayload,
} from './duplicates.types';

function toDuplicateCandidate(pair: Candidate): DuplicateCandidate {
  return Object.assign(new DuplicateCandidate(), {
    customerAId: toGlobalId('Customer', pair.customerA),
    customerBId: toGlobalId('Customer', pair.customerB),
    rules: pair.rules,
    confidence: pair.confidence,
    dbA: pair.customerA,
    dbB: pair.customerB,
  });
}

@Resolver(() => DuplicateCandidate)
export class DuplicatesResolver {
  constructor(private readonly services: Services) {}

  @Authorized(READERS)
  @Query(() => DuplicateCandidateConnection, {
    description:
      'Pairs of customers that may be one person: the same email, the same phone, or the same ' +
      'name with the same birth date or city; found in SQL, ordered by the lower customer id.',
  })
  async customerDuplicates(@Args() args: ForwardPageArgs): Promise<DuplicateCandidateConnection> {
    const page = await this.services.duplicates.candidates(args);

    return toConnection(DuplicateCandidateConnection, page, toDuplicateCandidate);
  }

  @Authorized(WRITERS)
  @Mutation(() => MergeCustomersPayload, {
    description:
      'Merges duplicate customers into a survivor in one transaction: interactions, orders, ' +
      'segment memberships, experiment exposures and consent history move; empty fields are ' +
      'filled; the most recent consent per channel is kept; the duplicates are deleted and ' +
      'their ids and external ids lead to the survivor. CONFLICT when they were in different ' +
      'variants of an experiment, unless forced. Recorded in the audit log.',
  })
  async mergeCustomers(
    @Arg('input', { description: 'The survivor and its duplicates.' }) input: MergeCustomersInput,
    @Ctx() ctx: PulseContext,
  ): Promise<MergeCustomersPayload> {
    const result = await this.services.merges.merge(
      fromGlobalId(input.survivorId, 'Customer', 'input.survivorId'),
      input.duplicateIds.map((id, i) => fromGlobalId(id, 'Customer', `input.duplicateIds[${i}]`)),
      { force: input.force },
      ctx.audit.actor,
    );

    return {
      ...result,
      survivor: toCustomer(result.survivor, ctx),
      mergedIds: result.mergedIds.map((id) => toGlobalId('Customer', id)),
    };
  }

  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'The customer with the lower id; null once merged or deleted.',
  })
  customerA(@Root() pair: DuplicateCandidate, @Ctx() ctx: PulseContext): Promise<Customer | null> {
    return loadCustomer(ctx, pair.dbA);
  }

  @FieldResolver(() => Customer, {
    nullable: true,
    description: 'The other customer; null once merged or deleted.',
  })
  customerB(@Root() pair: DuplicateCandidate, @Ctx() ctx: PulseContext): Promise<Customer | null> {
    return loadCustomer(ctx, pair.dbB);
  }
}
