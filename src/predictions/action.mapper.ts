import { toGlobalId } from '../graphql/global-id';
import type { Channel } from '../interactions/channel';
import type { ActionEntity } from './action.entity';
import { Action, type ActionObjectiveValue, type EffectSourceValue } from './action.types';

/** The GraphQL view of an action row. */
export function toAction(row: ActionEntity): Action {
  return Object.assign(new Action(), {
    id: toGlobalId('Action', row.id),
    dbId: row.id,
    key: row.key,
    name: row.name,
    description: row.description,
    objective: row.objective as ActionObjectiveValue,
    channel: row.channel as Channel,
    costPerContact: row.costPerContact,
    incentiveCost: row.incentiveCost,
    effect: row.effect,
    effectSource: row.effectSource as EffectSourceValue,
    effectMeasuredAt: row.effectMeasuredAt,
    segmentId: row.segmentId === null ? null : toGlobalId('Segment', row.segmentId),
    contactType: row.contactType,
    maxContacts: row.maxContacts,
    contactWindowDays: row.contactWindowDays,
    experimentId: row.experimentId === null ? null : toGlobalId('Experiment', row.experimentId),
    variantKey: row.variantKey,
    metricKey: row.metricKey,
    archivedAt: row.archivedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  });
}
