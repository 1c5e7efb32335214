import { keysetPage } from '../db/keyset-page';
import { type DataSource, type EntityManager, In } from 'typeorm';
import { type Page, type PageArgs } from '../db/pagination';
import { refuseTaken } from '../db/refuse-taken';
import { inTransaction } from '../db/transaction';
import { badInput, notFound, PulseError } from '../errors';
import { AlertRuleEntity } from './alert-rule.entity';
import { literalAddress, type Network, parseNetworks, refusedAddress } from './webhook-address';
import type { AlertKind, AlertSeverity, AlertState } from './evaluate-rule';
import {
  checkHysteresis,
  type ConditionInput,
  conditionParams,
  parseCondition,
  storedCondition,
} from './rule-condition';

/** Fields of a new rule. */
export interface AlertRuleData {
  kpiId: number;
  name: string;
  condition: ConditionInput;
  severity: AlertSeverity;
  forCount: number;
  hysteresis: number;
  webhookUrl?: string | null;
  webhookSecret?: string | null;
}

/** Changes to a rule; `undefined` leaves a field alone. A new condition restarts the rule at OK. */
export type AlertRuleChanges = Partial<Omit<AlertRuleData, 'kpiId'>>;

export interface AlertRuleFilter {
  kpiIds?: number[] | null;
  kinds?: AlertKind[] | null;
  severities?: AlertSeverity[] | null;
  states?: AlertState[] | null;
}

/** Alert rules: their definitions, and muting. Evaluation and acknowledgement: AlertService. */
export class AlertRuleService {
  private readonly allowedNetworks: Network[];

  /**
   * `allowedNetworks` (PULSE_WEBHOOK_ALLOWED_NETWORKS): where, besides public addresses, a
   * webhook URL may point.
   */
  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
    allowedNetworks: readonly string[] = [],
  ) {
    this.allowedNetworks = parseNetworks(allowedNetworks);
  }

  async get(id: number, field = 'id', manager: EntityManager = this.db.manager) {
    const rule = await manager.getRepository(AlertRuleEntity).findOneBy({ id });
    if (!rule) {
      throw notFound(`Alert rule ${id}`, field);
    }

    return rule;
  }

  byIds(ids: readonly number[]): Promise<AlertRuleEntity[]> {
    return this.db.getRepository(AlertRuleEntity).findBy({ id: In([...ids]) });
  }

  /** Rules in creation order, a page at a time. */
  async list(
    filter: AlertRuleFilter | null | undefined,
    pageArgs: PageArgs,
  ): Promise<Page<AlertRuleEntity>> {
    const base = () => {
      const query = this.db.getRepository(AlertRuleEntity).createQueryBuilder('r');
      const lists = [
        ['kpi_id', filter?.kpiIds],
        ['kind', filter?.kinds],
        ['severity', filter?.severities],
        ['state', filter?.states],
      ] as const;
      for (const [column, values] of lists) {
        if (values?.length) {
          query.andWhere(`r.${column} IN (:...${column})`, { [column]: values });
        }
      }

      return query;
    };

    return keysetPage(
      base,
      { columns: ['r.id'], direction: 'ASC', key: (row) => [row.id] },
      pageArgs,
      this.maxPageSize,
    );
  }

  async create(data: AlertRuleData, now = new Date()): Promise<AlertRuleEntity> {
    const condition = parseCondition(data.condition, 'input.condition');
    checkHysteresis(condition, data.hysteresis, 'input.hysteresis');
    checkWebhook(data.webhookUrl, this.allowedNetworks, 'input.webhookUrl');

    return inTransaction(this.db, async (tx) => {
      const [kpi] = await tx.query('SELECT id FROM kpis WHERE id = ?', [data.kpiId]);
      if (!kpi) {
        throw notFound(`KPI ${data.kpiId}`, 'input.kpiId');
      }
      const repository = tx.getRepository(AlertRuleEntity);
      const rule = repository.create({
        kpiId: data.kpiId,
        name: data.name,
        kind: condition.kind,
        params: conditionParams(condition),
        severity: data.severity,
        forCount: data.forCount,
        hysteresis: data.hysteresis,
        state: 'OK',
        consecutive: 0,
        lastPeriodStart: null,
        firingSince: null,
        mutedUntil: null,
        acknowledgedAt: null,
        webhookUrl: data.webhookUrl ?? null,
        webhookSecret: data.webhookSecret ?? null,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });

      return refuseTaken(() => repository.save(rule), nameTaken);
    });
  }

  /** Applies `changes` if the rule is still at `version`; otherwise CONFLICT. */
  async update(
    id: number,
    version: number,
    changes: AlertRuleChanges,
    now = new Date(),
  ): Promise<AlertRuleEntity> {
    // GraphQL lets an optional input field be sent as null; these fields have no empty value
    // (leaving one out keeps it), and NULL would fail as a column. webhookUrl: null removes it.
    for (const [key, field] of [
      ['name', 'name'],
      ['severity', 'severity'],
      ['forCount', 'for'],
      ['hysteresis', 'hysteresis'],
    ] as const) {
      if ((changes[key] as unknown) === null) {
        throw badInput(`${field} cannot be null; leave it out to keep it`, `input.${field}`);
      }
    }
    const condition = changes.condition && parseCondition(changes.condition, 'input.condition');
    checkWebhook(changes.webhookUrl, this.allowedNetworks, 'input.webhookUrl');
    const set: Partial<AlertRuleEntity> = { updatedAt: now };
    for (const key of [
      'name',
      'severity',
      'forCount',
      'hysteresis',
      'webhookUrl',
      'webhookSecret',
    ] as const) {
      if (changes[key] !== undefined) {
        Object.assign(set, { [key]: changes[key] });
      }
    }
    if (condition) {
      // Counts and states of the old condition say nothing about the new one.
      Object.assign(set, {
        kind: condition.kind,
        params: conditionParams(condition),
        state: 'OK',
        consecutive: 0,
        lastPeriodStart: null,
        firingSince: null,
        acknowledgedAt: null,
      });
    }

    // The condition and the hysteresis must fit together, whichever of them changes: the one
    // not given is the stored one. Other changes leave them alone (a rule stored before this
    // check can still be renamed).
    const fits =
      condition || changes.hysteresis !== undefined
        ? (current: AlertRuleEntity) =>
            checkHysteresis(
              condition ?? storedCondition(current.kind, current.params),
              changes.hysteresis ?? current.hysteresis,
              'input.hysteresis',
            )
        : undefined;

    return this.changeAtVersion(id, version, set, fits);
  }

  async remove(id: number, version: number | null | undefined): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const current = await this.get(id, 'input.id', tx);
      checkVersion(current, version);
      await tx.getRepository(AlertRuleEntity).delete({ id });
    });
  }

  /** Silences the rule's events until `until` (it keeps evaluating); null unmutes it. */
  mute(id: number, until: Date | null, now = new Date()): Promise<AlertRuleEntity> {
    if (until !== null && until <= now) {
      throw badInput(`until must be in the future, got ${until.toISOString()}`, 'input.until');
    }

    return this.changeAtVersion(id, null, { mutedUntil: until, updatedAt: now });
  }

  /** Writes `set` if the rule is at `version` (any when null) and `check` accepts the rule read. */
  private changeAtVersion(
    id: number,
    version: number | null,
    set: Partial<AlertRuleEntity>,
    check?: (current: AlertRuleEntity) => void,
  ): Promise<AlertRuleEntity> {
    return inTransaction(this.db, async (tx) => {
      const current = await this.get(id, version === null ? 'input.ruleId' : 'input.id', tx);
      checkVersion(current, version);
      check?.(current);
      // The WHERE on version guards against a concurrent update between the read and here.
      const result = await refuseTaken(
        () =>
          tx
            .createQueryBuilder()
            .update(AlertRuleEntity)
            .set({ ...set, version: () => 'version + 1' })
            .where('id = :id AND version = :version', { id, version: current.version })
            .execute(),
        nameTaken,
      );
      if (!result.affected) {
        throw new PulseError('CONFLICT', `Alert rule ${id} changed while it was being updated`);
      }

      return this.get(id, 'id', tx);
    });
  }
}

function checkVersion(current: AlertRuleEntity, version: number | null | undefined): void {
  if (version != null && current.version !== version) {
    throw new PulseError(
      'CONFLICT',
      `Alert rule ${current.id} is at version ${current.version}, not ${version}: read it again and retry`,
      'input.version',
      { currentVersion: current.version },
    );
  }
}

/**
 * An http(s) URL whose host is not an address webhooks may not reach. Only what needs no DNS is
 * judged here — IP literals and `localhost`; the addresses a host name resolves to are checked
 * each time a delivery is sent, since DNS can answer differently then.
 */
function checkWebhook(
  url: string | null | undefined,
  allowed: readonly Network[],
  field: string,
): void {
  if (url == null) {
    return;
  }
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // reported below
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw badInput(`"${url}" is not an http(s) URL`, field);
  }
  const address = literalAddress(parsed.hostname);
  const reason = address && refusedAddress(address, allowed);
  if (reason) {
    throw badInput(
      `webhookUrl must not point at ${reason} (${parsed.hostname}): webhooks go to public addresses unless PULSE_WEBHOOK_ALLOWED_NETWORKS allows others`,
      field,
    );
  }
}

const nameTaken = () => ({
  message: 'Another rule on this KPI already has this name',
  field: 'input.name',
});
