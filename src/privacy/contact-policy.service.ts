import type { CustomerService } from '../customers/customer.service';
import { groupBy } from '../db/loaders';
import type { Channel } from '../interactions/channel';
import { contactableChannels } from './contact-policy';

/**
 * Where Pulse may propose contact: the one place that turns stored consent into channels, for
 * the API and for everything that picks whom to contact (next best action, experiment
 * targeting).
 */
export class ContactPolicyService {
  constructor(private readonly customers: CustomerService) {}

  /**
   * The channels each customer may be contacted on, in one statement. Unknown, deleted and
   * erased customers may be contacted on none.
   */
  async contactableChannelsOf(customerIds: readonly number[]): Promise<Map<number, Channel[]>> {
    const consents = groupBy(
      await this.customers.liveConsentsOf(customerIds),
      (consent) => consent.customerId,
    );

    return new Map(customerIds.map((id) => [id, contactableChannels(consents.get(id) ?? [])]));
  }
}
