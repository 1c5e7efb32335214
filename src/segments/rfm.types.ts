import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
// Importing this file registers both segment enums, as the segments contract promises.
import './lifecycle.types';
import { RFM_GRID, type ScoreRange } from './rfm';
import { RfmGroup } from './rfm-group';

const MEANINGS: Record<RfmGroup, string> = {
  [RfmGroup.CHAMPIONS]: 'Bought recently, often and for much.',
  [RfmGroup.LOYAL]: 'Buy often and for much, fairly recently.',
  [RfmGroup.POTENTIAL_LOYALIST]: 'Recent customers with average frequency and spend.',
  [RfmGroup.NEW]: 'Bought very recently, but little and rarely so far.',
  [RfmGroup.PROMISING]: 'Recent buyers who have not bought much yet.',
  [RfmGroup.NEED_ATTENTION]: 'Middling on recency, frequency and spend.',
  [RfmGroup.ABOUT_TO_SLEEP]: 'Middling recency, low frequency and spend.',
  [RfmGroup.AT_RISK]: 'Used to buy often and for much, but not for a long time.',
  [RfmGroup.CANNOT_LOSE_THEM]: 'The best customers by frequency and spend, gone quiet.',
  [RfmGroup.HIBERNATING]: 'Last bought long ago, rarely and for little.',
  [RfmGroup.LOST]: 'Lowest scores on all counts.',
};

// Value descriptions are written from RFM_GRID so that the schema cannot drift from the SQL.
const range = ([low, high]: ScoreRange) => (low === high ? `${low}` : `${low}–${high}`);
const ruleOf = (group: RfmGroup) =>
  RFM_GRID.filter((cell) => cell.group === group)
    .map((cell) => `R ${range(cell.r)} and FM ${range(cell.fm)}`)
    .join(', or ');

registerEnumType(RfmGroup, {
  name: 'RfmGroup',
  description:
    'Named RFM group, by the recency score R and FM = ⌈(F + M) / 2⌉ (grid in README, "RFM").',
  valuesConfig: Object.fromEntries(
    Object.values(RfmGroup).map((group) => [
      group,
      { description: `${MEANINGS[group]} ${ruleOf(group)}.` },
    ]),
  ),
});

@ObjectType({
  description:
    "A customer's RFM figures over the RFM window (PULSE_RFM_WINDOW_DAYS) and their quintile scores, as of the last RFM refresh.",
})
export class RfmScore {
  @Field(() => Int, { description: 'Whole days from the last paid order to the refresh.' })
  recencyDays!: number;

  @Field(() => Int, { description: 'Paid orders in the window.' })
  frequency!: number;

  @Field(() => Float, { description: 'Amount of the paid orders in the window.' })
  monetary!: number;

  @Field(() => Int, {
    description:
      'Recency score: 5 for the fifth of scored customers who bought most recently, 1 for the least recent fifth.',
  })
  r!: number;

  @Field(() => Int, { description: 'Frequency score: 1 (fewest orders) to 5 (most), by quintile.' })
  f!: number;

  @Field(() => Int, {
    description: 'Monetary score: 1 (lowest spend) to 5 (highest), by quintile.',
  })
  m!: number;

  @Field(() => RfmGroup, { description: 'The named group the scores fall in.' })
  group!: RfmGroup;

  @Field({ description: 'When the scores were computed (UTC).' })
  computedAt!: Date;
}
