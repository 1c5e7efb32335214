import type { DataSource } from 'typeorm';
import { caselessText, parseNumber } from '../db/dialect';
import { keysetCondition, type Page, type PageArgs, pageWindow, toPage } from '../db/pagination';
import { combinedConfidence, DuplicateRule } from './duplicate-rules';

/** Two live customers that may be one person (`customerA` < `customerB`). */
export interface DuplicateCandidate {
  customerA: number;
  customerB: number;
  rules: DuplicateRule[];
  confidence: number;
}

type Caseless = (expr: string) => string;

// The name as stored, compared without case and spaces ("Ann  Lee" = "ann lee" = "AnnLee").
const name = (caseless: Caseless) => caseless("REPLACE(c.name, ' ', '')");

// Each rule's blocking key: SQL expressions, and the condition for a customer to have one. Text
// keys are compared lower-cased and byte for byte, so both dialects find the same pairs.
const BLOCKS: Array<{
  rule: DuplicateRule;
  column: string;
  keys: (caseless: Caseless) => string[];
  present: string;
}> = [
  {
    rule: DuplicateRule.EMAIL,
    column: 'email',
    keys: (caseless) => [caseless('TRIM(c.email)')],
    present: "TRIM(c.email) <> ''",
  },
  { rule: DuplicateRule.PHONE, column: 'phone', keys: () => ['c.phone'], present: "c.phone <> ''" },
  {
    rule: DuplicateRule.NAME_AND_BIRTH_DATE,
    column: 'name_birth',
    keys: (caseless) => [name(caseless), 'c.birth_date'],
    present: "REPLACE(c.name, ' ', '') <> '' AND c.birth_date IS NOT NULL",
  },
  {
    rule: DuplicateRule.NAME_AND_CITY,
    column: 'name_city',
    keys: (caseless) => [name(caseless), caseless('TRIM(c.city)')],
    present: "REPLACE(c.name, ' ', '') <> '' AND TRIM(c.city) <> ''",
  },
];

// Blocking in SQL: a window count keeps only customers whose key is shared (one sort of the
// live customers per rule), and only those few are joined with each other, so the cost is
// n log n plus the pairs found, never all pairs. Derived tables rather than CTEs, which MySQL
// allows in fewer places; a derived table may be named twice in one statement.
// Each block key becomes one integer (DENSE_RANK over the key), so the self-join compares
// integers: MariaDB then joins the two materialized sets through a key it builds on them.
// Joining on the text keys themselves was a nested loop, 405 s at 100,000 customers.
function blockPairs(block: (typeof BLOCKS)[number], caseless: Caseless): string {
  const keys = block.keys(caseless).join(', ');
  const shared =
    `(SELECT id, b FROM ` +
    `(SELECT c.id, DENSE_RANK() OVER (ORDER BY ${keys}) AS b, ` +
    `COUNT(*) OVER (PARTITION BY ${keys}) AS n ` +
    `FROM customers c WHERE c.deleted_at IS NULL AND ${block.present}) w WHERE n > 1)`;
  const flags = BLOCKS.map((other) => `${other === block ? 1 : 0} AS ${other.column}`).join(', ');

  return `SELECT a.id AS customer_a, b.id AS customer_b, ${flags} FROM ${shared} a JOIN ${shared} b ON a.b = b.b AND a.id < b.id`;
}

function pairsSql(caseless: Caseless): string {
  return (
    `SELECT customer_a, customer_b, ${BLOCKS.map((b) => `MAX(${b.column}) AS ${b.column}`).join(', ')} ` +
    `FROM (${BLOCKS.map((block) => blockPairs(block, caseless)).join(' UNION ALL ')}) u ` +
    `GROUP BY customer_a, customer_b`
  );
}

type PairRow = Record<string, unknown>;

function toCandidate(row: PairRow): DuplicateCandidate {
  const rules = BLOCKS.filter((block) => parseNumber(row[block.column]) === 1).map((b) => b.rule);

  return {
    customerA: Number(row.customer_a),
    customerB: Number(row.customer_b),
    rules,
    confidence: combinedConfidence(rules),
  };
}

/** Finds customers that may be one person: exact email, exact phone, or name with birth date or city. */
export class DuplicatesService {
  private readonly pairs: string;

  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
  ) {
    this.pairs = pairsSql((expr) => caselessText(db, expr));
  }

  /** A page of candidate pairs, ordered by the lower id, then the higher one. */
  async candidates(pageArgs: PageArgs): Promise<Page<DuplicateCandidate>> {
    const window = pageWindow(pageArgs, this.maxPageSize, 2, [0, 1]);
    const query = this.db
      .createQueryBuilder()
      .select('p.*')
      .from(`(${this.pairs})`, 'p')
      .orderBy('p.customer_a', 'ASC')
      .addOrderBy('p.customer_b', 'ASC')
      .limit(window.size + 1);
    if (window.cursor) {
      const after = keysetCondition(['p.customer_a', 'p.customer_b'], window.cursor, '>');
      query.where(after.sql, after.params);
    }
    const rows: PairRow[] = await query.getRawMany();

    return toPage(
      rows.map(toCandidate),
      window,
      (pair) => [pair.customerA, pair.customerB],
      () => this.candidateCount(),
    );
  }

  /** How many candidate pairs there are, in one statement. */
  async candidateCount(): Promise<number> {
    const [row]: PairRow[] = await this.db.query(`SELECT COUNT(*) AS n FROM (${this.pairs}) p`);

    return Number(row.n);
  }
}
