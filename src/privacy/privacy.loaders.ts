import DataLoader from 'dataloader';
import { type LoaderOptions, rowLoader } from '../db/loaders';
import type { Channel } from '../interactions/channel';
import type { AuditService } from './audit.service';
import type { ContactPolicyService } from './contact-policy.service';

export function createPrivacyLoaders(
  audit: AuditService,
  contactPolicy: ContactPolicyService,
  options: LoaderOptions,
) {
  return {
    auditEntryById: rowLoader(
      (ids) => audit.byIds(ids),
      (row) => row.id,
      options,
    ),
    contactableChannelsByCustomerId: new DataLoader(
      async (ids: readonly number[]): Promise<Channel[][]> => {
        const channels = await contactPolicy.contactableChannelsOf(ids);

        return ids.map((id) => channels.get(id) ?? []);
      },
      { batch: options.batch },
    ),
  };
}
