/**
 * The named RFM groups customers fall into by their recency, frequency and monetary scores
 * (1–5 each); `rfm.ts` holds the mapping.
 */
export enum RfmGroup {
  CHAMPIONS = 'CHAMPIONS',
  LOYAL = 'LOYAL',
  POTENTIAL_LOYALIST = 'POTENTIAL_LOYALIST',
  NEW = 'NEW',
  PROMISING = 'PROMISING',
  NEED_ATTENTION = 'NEED_ATTENTION',
  ABOUT_TO_SLEEP = 'ABOUT_TO_SLEEP',
  AT_RISK = 'AT_RISK',
  CANNOT_LOSE_THEM = 'CANNOT_LOSE_THEM',
  HIBERNATING = 'HIBERNATING',
  LOST = 'LOST',
}
