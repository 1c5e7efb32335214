import {
  Arg,
  Authorized,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { Role } from '../auth/principal';
import { Customer } from '../customers/customer.types';
import type { PulseContext } from '../graphql/context';
import { fromGlobalId, toGlobalId } from '../graphql/global-id';
import { Channel } from '../interactions/channel';
import type { Services } from '../services';
import { CustomerDataExport, EraseCustomerInput, EraseCustomerPayload } from './privacy.types';

@Resolver(() => Customer)
export class PrivacyResolver {
  constructor(private readonly services: Services) {}

  // Partners see masked data and alert keys no customer data: neither may take it all out.
  @Authorized([Role.ADMIN, Role.ANALYST])
  @Query(() => CustomerDataExport, {
    description:
      'Everything Pulse holds about one customer, deleted or not, as one JSON document (right ' +
      'of access); recorded in the audit log. NOT_FOUND when unknown or erased.',
  })
  async exportCustomerData(
    @Arg('customerId', () => ID, { description: 'Global id of the customer.' }) customerId: string,
    @Ctx() ctx: PulseContext,
  ): Promise<CustomerDataExport> {
    const result = await this.services.customerExport.export(
      fromGlobalId(customerId, 'Customer', 'customerId'),
      ctx.audit.actor,
    );

    // The customer exported, which a merged record's id leads to.
    return { ...result, customerId: toGlobalId('Customer', result.customerId) };
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => EraseCustomerPayload, {
    description:
      "Erases a customer's personal data for good (right to erasure): profile and free-text " +
      'properties are removed, consents deleted; orders and interactions stay under the ' +
      'anonymous customer id, so stored KPI values do not change (periods computed again leave ' +
      'the erased, deleted customer out). Predictions are deleted. Recorded in the audit log. ' +
      'NOT_FOUND when unknown or already erased.',
  })
  async eraseCustomer(
    @Arg('input', { description: 'The customer.' }) input: EraseCustomerInput,
    @Ctx() ctx: PulseContext,
  ): Promise<EraseCustomerPayload> {
    const result = await this.services.erasure.erase(
      fromGlobalId(input.customerId, 'Customer', 'input.customerId'),
      ctx.audit.actor,
    );

    return { ...result, customerId: toGlobalId('Customer', result.customerId) };
  }

  @FieldResolver(() => [Channel], {
    description:
      'Channels on which marketing contact is allowed: those with consent GRANTED (opt-in; no ' +
      'record means no). Not personal data, so partners see it too.',
  })
  contactableChannels(@Root() customer: Customer, @Ctx() ctx: PulseContext): Promise<Channel[]> {
    return ctx.loaders.contactableChannelsByCustomerId.load(customer.dbId);
  }
}
