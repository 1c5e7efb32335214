import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { onSqlStatement, type SqlStatementEvent } from '../db/sql-log';

// What one Pulse process exposes at GET /metrics, in the Prometheus text format. One registry
// per running app (tests run several in a process); the SQL figures are the process's.

/** The transport an operation came through. */
export type Transport = 'http' | 'ws';

/** How a GraphQL operation ended: `error` when its response carries any error. */
export type Outcome = 'success' | 'error';

/** How a scheduled job's tick ended; `skipped` when another instance holds its lease. */
export type JobOutcome = 'success' | 'failure' | 'skipped';

/** Reports one run of a background job. */
export type JobObserver = (job: string, outcome: JobOutcome, seconds: number) => void;

/** Connections of a database pool, read when the metrics are scraped. */
export interface PoolUsage {
  size: number;
  inUse: number;
  idle: number;
  waiting: number;
}

export interface MetricsOptions {
  /**
   * Distinct operation names kept as label values; later names count as `other`. Names come
   * from clients, and every distinct value is a time series Prometheus keeps.
   */
  maxOperations: number;
  /** The pool's connections right now; null where there is no pool (SQLite). */
  poolUsage: () => PoolUsage | null;
}

/** The operation name used as a label when an operation has none. */
export const ANONYMOUS = 'anonymous';
/** The label of operation names past `maxOperations`, too long, or from requests without a key. */
export const OTHER_OPERATIONS = 'other';
/**
 * Longest operation name kept as a label. GraphQL sets no limit, so a name could fill the whole
 * request body, and a label is held for the life of the process and repeated on every scrape.
 */
export const MAX_OPERATION_NAME_LENGTH = 100;

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SQL_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];
const JOB_BUCKETS = [0.1, 1, 10, 60, 300, 1800];

export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();
  private readonly stopSql: () => void;

  private readonly operations = new Counter({
    name: 'pulse_graphql_operations_total',
    help: 'GraphQL operations by operation name, transport and outcome.',
    labelNames: ['operation', 'transport', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly latency = new Histogram({
    name: 'pulse_graphql_operation_duration_seconds',
    help: 'Time from receiving a GraphQL operation to its response, by operation name.',
    labelNames: ['operation', 'transport'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly errors = new Counter({
    name: 'pulse_graphql_errors_total',
    help: 'Errors in GraphQL responses, by error code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  private readonly statements = new Counter({
    name: 'pulse_sql_statements_total',
    help: 'SQL statements sent by this process.',
    registers: [this.registry],
  });

  private readonly statementErrors = new Counter({
    name: 'pulse_sql_errors_total',
    help: 'SQL statements of this process that failed.',
    registers: [this.registry],
  });

  private readonly statementTime = new Histogram({
    name: 'pulse_sql_statement_duration_seconds',
    help: 'Time from sending a SQL statement to its answer.',
    buckets: SQL_BUCKETS,
    registers: [this.registry],
  });

  private readonly subscriptions = new Gauge({
    name: 'pulse_ws_subscriptions_active',
    help: 'GraphQL subscriptions open on this instance.',
    registers: [this.registry],
  });

  private readonly jobRuns = new Counter({
    name: 'pulse_job_runs_total',
    help: 'Ticks of background jobs, by job and outcome (skipped: another instance holds the lease).',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly jobTime = new Histogram({
    name: 'pulse_job_duration_seconds',
    help: 'Duration of background job runs that did work, by job.',
    labelNames: ['job'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  private readonly alertRules = new Counter({
    name: 'pulse_alert_rule_evaluations_total',
    help: 'Alert rules judged on a newly closed KPI period.',
    registers: [this.registry],
  });

  private readonly refusals = new Counter({
    name: 'pulse_rate_limit_refusals_total',
    help: "Operations refused because their key's query-cost budget was spent, by transport.",
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  constructor(private readonly options: MetricsOptions) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pulse_' });
    new Gauge({
      name: 'pulse_db_pool_connections',
      help: 'Connections of the database pool by state (in_use, idle, waiting: requests queued for one; size: the cap).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const usage = options.poolUsage();
        if (usage) {
          this.set({ state: 'size' }, usage.size);
          this.set({ state: 'in_use' }, usage.inUse);
          this.set({ state: 'idle' }, usage.idle);
          this.set({ state: 'waiting' }, usage.waiting);
        }
      },
    });
    this.stopSql = onSqlStatement((event) => this.statement(event));
  }

  /**
   * The label value of an operation name: `anonymous` without one; `other` past the cap, past
   * MAX_OPERATION_NAME_LENGTH, or when a request without a valid key (`authenticated` false)
   * names an operation no key holder has run, since anyone can send such a request.
   */
  operationLabel(name: string | null | undefined, authenticated = true): string {
    if (!name) {
      return ANONYMOUS;
    }
    if (this.operationNames.has(name)) {
      return name;
    }
    if (
      !authenticated ||
      name.length > MAX_OPERATION_NAME_LENGTH ||
      this.operationNames.size >= this.options.maxOperations
    ) {
      return OTHER_OPERATIONS;
    }
    this.operationNames.add(name);

    return name;
  }

  /**
   * Records one finished operation with the codes of the errors its response carries; returns
   * the label it was counted under.
   */
  operation(
    name: string | null | undefined,
    transport: Transport,
    seconds: number,
    errorCodes: readonly string[],
    authenticated = true,
  ): string {
    const operation = this.operationLabel(name, authenticated);
    const outcome: Outcome = errorCodes.length > 0 ? 'error' : 'success';
    this.operations.inc({ operation, transport, outcome });
    this.latency.observe({ operation, transport }, seconds);
    for (const code of errorCodes) {
      this.errors.inc({ code });
    }

    return operation;
  }

  subscriptionOpened(): void {
    this.subscriptions.inc();
  }

  subscriptionClosed(): void {
    this.subscriptions.dec();
  }

  readonly job: JobObserver = (job, outcome, seconds) => {
    this.jobRuns.inc({ job, outcome });
    if (outcome !== 'skipped') {
      this.jobTime.observe({ job }, seconds);
    }
  };

  alertRulesJudged(count: number): void {
    this.alertRules.inc(count);
  }

  rateLimitRefused(transport: Transport): void {
    this.refusals.inc({ transport });
  }

  /** The text a Prometheus scrape gets, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Stops following this process's SQL statements (the app stopped). */
  close(): void {
    this.stopSql();
  }

  private statement(event: SqlStatementEvent): void {
    if (event.kind === 'sent') {
      this.statements.inc();
    } else if (event.kind === 'failed') {
      this.statementErrors.inc();
    } else {
      this.statementTime.observe(event.ms / 1000);
    }
  }
}
