/** Where a customer stands in their relationship; `lifecycle.ts` holds the definitions. */
export enum LifecycleStage {
  PROSPECT = 'PROSPECT',
  NEW = 'NEW',
  ACTIVE = 'ACTIVE',
  AT_RISK = 'AT_RISK',
  LAPSED = 'LAPSED',
  REACTIVATED = 'REACTIVATED',
}
