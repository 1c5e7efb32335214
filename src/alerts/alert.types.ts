import {
  ArrayMaxSize,
  IsOptional,
  Length,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from '../graphql/connection';
import { Node } from '../graphql/node';

export enum AlertKindValue {
  THRESHOLD = 'THRESHOLD',
  CHANGE = 'CHANGE',
  TARGET_MISS = 'TARGET_MISS',
  ANOMALY = 'ANOMALY',
}
registerEnumType(AlertKindValue, {
  name: 'AlertKind',
  description: 'What an alert rule watches for.',
  valuesConfig: {
    THRESHOLD: { description: 'The value is above or below a fixed value.' },
    CHANGE: { description: 'The relative change against the previous period exceeds a bound.' },
    TARGET_MISS: {
      description: "The value misses the KPI's target by more than its tolerance (OFF_TRACK).",
    },
    ANOMALY: {
      description: 'The value is outside median ± k · 1.4826 · MAD of the trailing periods.',
    },
  },
});

export enum AlertSeverityValue {
  INFO = 'INFO',
  WARNING = 'WARNING',
  CRITICAL = 'CRITICAL',
}
registerEnumType(AlertSeverityValue, {
  name: 'AlertSeverity',
  description: 'How urgent an alert is.',
  valuesConfig: {
    INFO: { description: 'Worth knowing.' },
    WARNING: { description: 'Needs attention soon.' },
    CRITICAL: { description: 'Needs attention now.' },
  },
});

export enum AlertStateValue {
  OK = 'OK',
  PENDING = 'PENDING',
  FIRING = 'FIRING',
}
registerEnumType(AlertStateValue, {
  name: 'AlertState',
  description: 'Where an alert rule stands.',
  valuesConfig: {
    OK: { description: 'The condition does not hold.' },
    PENDING: { description: 'The condition holds, for fewer consecutive periods than `for`.' },
    FIRING: { description: 'The condition has held for `for` periods and has not cleared.' },
  },
});

export enum AlertEventTypeValue {
  FIRED = 'FIRED',
  RESOLVED = 'RESOLVED',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
}
registerEnumType(AlertEventTypeValue, {
  name: 'AlertEventType',
  description: 'What happened to an alert.',
  valuesConfig: {
    FIRED: { description: 'The rule started firing (sent once per firing).' },
    RESOLVED: { description: 'The condition cleared (past the hysteresis); the rule is OK.' },
    ACKNOWLEDGED: { description: 'Someone acknowledged the firing alert.' },
  },
});

export enum ThresholdOperator {
  ABOVE = 'ABOVE',
  BELOW = 'BELOW',
}
registerEnumType(ThresholdOperator, {
  name: 'ThresholdOperator',
  description: 'Which side of the threshold is bad.',
  valuesConfig: {
    ABOVE: { description: 'Values above the threshold.' },
    BELOW: { description: 'Values below the threshold.' },
  },
});

export enum ChangeDirection {
  UP = 'UP',
  DOWN = 'DOWN',
  EITHER = 'EITHER',
}
registerEnumType(ChangeDirection, {
  name: 'ChangeDirection',
  description: 'Which changes count.',
  valuesConfig: {
    UP: { description: 'Rises only.' },
    DOWN: { description: 'Falls only.' },
    EITHER: { description: 'Rises and falls.' },
  },
});

@ObjectType({ implements: Node, description: 'A rule that raises alerts on one KPI.' })
export class AlertRule extends Node {
  /** Row id; resolvers use it to load related data. Not part of the schema. */
  dbId!: number;

  @Field(() => ID, { description: 'Global id of the KPI the rule watches.' })
  kpiId!: string;

  @Field({ description: 'Name, shown with its alerts.' })
  name!: string;

  @Field(() => AlertKindValue, { description: 'What the rule watches for.' })
  kind!: AlertKindValue;

  @Field(() => GraphQLJSONObject, {
    description:
      'The parameters of its kind: THRESHOLD `{operator, value}`, CHANGE `{direction, bound}`, ANOMALY `{periods, k}`, TARGET_MISS `{}`.',
  })
  params!: Record<string, unknown>;

  @Field(() => AlertSeverityValue, { description: 'Severity of its alerts.' })
  severity!: AlertSeverityValue;

  @Field(() => Int, { description: 'Consecutive periods the condition must hold to fire.' })
  for!: number;

  @Field(() => Float, {
    description:
      "How far past the limit, in the measure's unit, the value must come back before a firing rule resolves.",
  })
  hysteresis!: number;

  @Field(() => AlertStateValue, { description: 'Where the rule stands now.' })
  state!: AlertStateValue;

  @Field(() => Int, { description: 'Consecutive judged periods in which the condition held.' })
  consecutive!: number;

  @Field(() => Date, { nullable: true, description: 'Start of the last period judged.' })
  lastPeriodStart!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the current firing began.' })
  firingSince!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Events are held back until this instant (the rule still evaluates).',
  })
  mutedUntil!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the current firing was acknowledged.' })
  acknowledgedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Where its events are POSTed, if anywhere. Only ADMIN and ANALYST, who may write alert rules, see it; other roles get null (see hasWebhook): a webhook URL often carries its receiver's secret, in the path (Slack, Teams) or the host name, and whoever reads it can post to the receiver.",
  })
  webhookUrl!: string | null;

  @Field({ description: 'Whether its events are POSTed to a webhook (every role sees this).' })
  hasWebhook!: boolean;

  @Field({ description: 'Whether webhook bodies are signed (the secret is never shown).' })
  hasWebhookSecret!: boolean;

  @Field({ description: 'When it was created.' })
  createdAt!: Date;

  @Field({ description: 'When its definition last changed.' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Pass to updateAlertRule/deleteAlertRule; bumps on change.' })
  version!: number;
}

@ObjectType({ description: 'A page of alert rules, oldest first.' })
export class AlertRuleConnection extends ConnectionType(AlertRule) {}

@ObjectType({ implements: Node, description: 'Something that happened to an alert, as stored.' })
export class AlertEvent extends Node {
  ruleDbId!: number;

  @Field({
    description: 'Position in the event log: pass as `since` to alertEvents to resume after it.',
  })
  cursor!: string;

  @Field(() => AlertEventTypeValue, { description: 'What happened.' })
  type!: AlertEventTypeValue;

  @Field(() => AlertSeverityValue, { description: "The rule's severity when it happened." })
  severity!: AlertSeverityValue;

  @Field(() => ID, { description: 'Global id of the rule.' })
  ruleId!: string;

  @Field(() => ID, { description: 'Global id of the KPI.' })
  kpiId!: string;

  @Field(() => Date, { nullable: true, description: 'Start of the KPI period judged.' })
  periodStart!: Date | null;

  @Field(() => Float, { nullable: true, description: 'The KPI value that triggered it.' })
  value!: number | null;

  @Field({ description: 'What happened, in one sentence.' })
  message!: string;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'The numbers behind the judgement: value, threshold, previous, change, target, gap, median, low, high, measure, limit, periods.',
  })
  details!: Record<string, unknown> | null;

  @Field({ description: 'When it happened.' })
  occurredAt!: Date;
}

@ObjectType({ description: 'A page of alert events, newest first.' })
export class AlertEventConnection extends ConnectionType(AlertEvent) {}

@InputType({ description: 'THRESHOLD parameters.' })
export class ThresholdParamsInput {
  @Field(() => ThresholdOperator, { description: 'Which side of the threshold is bad.' })
  operator!: ThresholdOperator;

  @Field(() => Float, { description: "The threshold, in the KPI's unit (0.03 for 3 %)." })
  value!: number;
}

@InputType({ description: 'CHANGE parameters.' })
export class ChangeParamsInput {
  @Field(() => ChangeDirection, { description: 'Which changes count.' })
  direction!: ChangeDirection;

  @Field(() => Float, { description: 'Largest allowed relative change (0.2 = 20 %).' })
  bound!: number;
}

@InputType({ description: 'ANOMALY parameters.' })
export class AnomalyParamsInput {
  @Field(() => Int, { description: 'Trailing periods the normal range is taken from (3 to 366).' })
  periods!: number;

  @Field(() => Float, { description: 'Width of the normal range in scaled MADs (like sigmas).' })
  k!: number;
}

@InputType({ description: "A rule's condition: its kind and that kind's parameters only." })
export class AlertConditionInput {
  @Field(() => AlertKindValue, { description: 'What to watch for.' })
  kind!: AlertKindValue;

  @Field(() => ThresholdParamsInput, { nullable: true, description: 'For THRESHOLD.' })
  @IsOptional()
  @ValidateNested()
  threshold?: ThresholdParamsInput;

  @Field(() => ChangeParamsInput, { nullable: true, description: 'For CHANGE.' })
  @IsOptional()
  @ValidateNested()
  change?: ChangeParamsInput;

  @Field(() => AnomalyParamsInput, { nullable: true, description: 'For ANOMALY.' })
  @IsOptional()
  @ValidateNested()
  anomaly?: AnomalyParamsInput;
}

@InputType({ description: 'Settings every rule has; all optional in updates.' })
class AlertRuleFields {
  @Field(() => Int, {
    nullable: true,
    description: 'Consecutive periods the condition must hold to fire (1 to 100).',
  })
  @IsOptional()
  @Min(1)
  @Max(100)
  for?: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Margin past the limit needed to resolve (0 or more; below `k` for ANOMALY and below `bound` for CHANGE in EITHER direction, whose measures are never negative).',
  })
  @IsOptional()
  @Min(0)
  hysteresis?: number;

  @Field(() => String, {
    nullable: true,
    description:
      'An http(s) URL that receives each event as signed JSON. It must be at a public address: loopback, private, link-local and other special-purpose addresses are refused (here for IP literals and localhost, when sending for the addresses a name resolves to) unless PULSE_WEBHOOK_ALLOWED_NETWORKS allows them.',
  })
  @IsOptional()
  @MaxLength(2000)
  webhookUrl?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Secret for the HMAC-SHA256 signature of webhook bodies (16 to 200 characters).',
  })
  @IsOptional()
  @MinLength(16)
  @MaxLength(200)
  webhookSecret?: string | null;
}

@InputType({ description: 'A new alert rule.' })
export class CreateAlertRuleInput extends AlertRuleFields {
  @Field(() => ID, { description: 'The KPI to watch.' })
  kpiId!: string;

  @Field({ description: 'Name, 1 to 100 characters, unique on the KPI.' })
  @Length(1, 100)
  name!: string;

  @Field(() => AlertConditionInput, { description: 'What to watch for.' })
  @ValidateNested()
  condition!: AlertConditionInput;

  @Field(() => AlertSeverityValue, { description: 'Severity of its alerts.' })
  severity!: AlertSeverityValue;
}

@InputType({ description: 'Changes to a rule, applied only if it is still at `version`.' })
export class UpdateAlertRuleInput extends AlertRuleFields {
  @Field(() => ID, { description: 'The rule.' })
  id!: string;

  @Field(() => Int, { description: 'The version read; CONFLICT if the rule changed since.' })
  @Min(1)
  version!: number;

  @Field({ nullable: true, description: 'New name, unique on the KPI.' })
  @IsOptional()
  @Length(1, 100)
  name?: string;

  @Field(() => AlertConditionInput, {
    nullable: true,
    description: 'New condition; the rule restarts at OK.',
  })
  @IsOptional()
  @ValidateNested()
  condition?: AlertConditionInput;

  @Field(() => AlertSeverityValue, { nullable: true, description: 'New severity.' })
  @IsOptional()
  severity?: AlertSeverityValue;
}

@InputType({ description: 'The rule to delete, with its events.' })
export class DeleteAlertRuleInput {
  @Field(() => ID, { description: 'The rule.' })
  id!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'When given, the delete fails with CONFLICT if the rule changed since.',
  })
  @IsOptional()
  @Min(1)
  version?: number;
}

@InputType({ description: 'The firing alert to acknowledge.' })
export class AcknowledgeAlertInput {
  @Field(() => ID, { description: 'The firing rule.' })
  ruleId!: string;
}

@InputType({ description: 'The rule to mute, and until when.' })
export class MuteAlertRuleInput {
  @Field(() => ID, { description: 'The rule.' })
  ruleId!: string;

  @Field({ description: 'Events are held back until this instant (in the future).' })
  until!: Date;
}

@InputType({ description: 'The rule to unmute.' })
export class UnmuteAlertRuleInput {
  @Field(() => ID, { description: 'The rule.' })
  ruleId!: string;
}

@InputType({ description: 'Filters for alert rules; all given lists apply.' })
export class AlertRuleFilter {
  @Field(() => [ID], { nullable: true, description: 'Only rules on these KPIs.' })
  @IsOptional()
  @ArrayMaxSize(100)
  kpiIds?: string[];

  @Field(() => [AlertKindValue], { nullable: true, description: 'Only these kinds.' })
  @IsOptional()
  kinds?: AlertKindValue[];

  @Field(() => [AlertSeverityValue], { nullable: true, description: 'Only these severities.' })
  @IsOptional()
  severities?: AlertSeverityValue[];

  @Field(() => [AlertStateValue], { nullable: true, description: 'Only rules in these states.' })
  @IsOptional()
  states?: AlertStateValue[];
}

@InputType({ description: 'Filters for alert events; all given lists apply.' })
export class AlertEventFilter {
  @Field(() => [ID], { nullable: true, description: 'Only events of these KPIs.' })
  @IsOptional()
  @ArrayMaxSize(100)
  kpiIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Only events of these rules.' })
  @IsOptional()
  @ArrayMaxSize(100)
  ruleIds?: string[];

  @Field(() => [AlertSeverityValue], { nullable: true, description: 'Only these severities.' })
  @IsOptional()
  severities?: AlertSeverityValue[];

  @Field(() => [AlertEventTypeValue], { nullable: true, description: 'Only these types.' })
  @IsOptional()
  types?: AlertEventTypeValue[];
}

@ObjectType({ description: 'Result of createAlertRule, updateAlertRule and (un)muteAlertRule.' })
export class AlertRulePayload {
  @Field(() => AlertRule, { description: 'The rule as stored.' })
  alertRule!: AlertRule;
}

@ObjectType({ description: 'Result of deleteAlertRule.' })
export class DeleteAlertRulePayload {
  @Field(() => ID, { description: 'Id of the deleted rule.' })
  deletedId!: string;
}

@ObjectType({ description: 'Result of acknowledgeAlert.' })
export class AcknowledgeAlertPayload {
  @Field(() => AlertEvent, { description: 'The ACKNOWLEDGED event, as published.' })
  event!: AlertEvent;
}
