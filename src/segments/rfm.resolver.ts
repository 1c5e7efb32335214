import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Customer } from '../customers/customer.types';
import { parseNumber } from '../db/dialect';
import type { PulseContext } from '../graphql/context';
import type { RfmGroup } from './rfm-group';
import { RfmScore } from './rfm.types';

// RFM scores are derived figures, not personal data: every reader sees them unmasked.
@Resolver(() => Customer)
export class CustomerRfmResolver {
  @FieldResolver(() => RfmScore, {
    nullable: true,
    description:
      'RFM scores and group as of the last RFM refresh; null without a paid order in the RFM window.',
  })
  async rfm(@Root() customer: Customer, @Ctx() ctx: PulseContext): Promise<RfmScore | null> {
    const row = await ctx.loaders.rfmByCustomerId.load(customer.dbId);

    return (
      row && {
        recencyDays: row.recencyDays,
        frequency: row.frequency,
        monetary: parseNumber(row.monetary) ?? 0,
        r: row.r,
        f: row.f,
        m: row.m,
        group: row.rfmGroup as RfmGroup,
        computedAt: row.computedAt,
      }
    );
  }
}
