import { type LoaderOptions, rowLoader } from '../db/loaders';
import type { AlertEventEntity } from './alert-event.entity';
import type { AlertEventService } from './alert-event.service';
import type { AlertRuleEntity } from './alert-rule.entity';
import type { AlertRuleService } from './alert-rule.service';

export function createAlertLoaders(
  rules: AlertRuleService,
  events: AlertEventService,
  options: LoaderOptions,
) {
  return {
    // AlertEvent.rule for a whole page of events in one query.
    alertRuleById: rowLoader<AlertRuleEntity>(
      (ids) => rules.byIds(ids),
      (row) => row.id,
      options,
    ),
    alertEventById: rowLoader<AlertEventEntity>(
      (ids) => events.byIds(ids),
      (row) => row.id,
      options,
    ),
  };
}
