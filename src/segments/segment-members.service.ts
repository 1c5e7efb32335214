import { type DataSource } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { parseInstant } from '../db/dialect';
import { selectEntitiesBeside, selectRows } from '../db/entity-select';
import { keysetCondition, type Page, type PageArgs, pageWindow, toPage } from '../db/pagination';
import { badInput } from '../errors';
import { SegmentRefreshEntity } from './segment-membership.entity';
import { SegmentEntity } from './segment.entity';

/** What a page of members can be sorted by; never a personal field, which partners see masked. */
export type MemberSort = 'ENTERED_AT' | 'SIGNED_UP_AT' | 'EXTERNAL_ID';

/** A member with the start of its (current or then-current) stay in the segment. */
export interface Member {
  customer: CustomerEntity;
  enteredAt: Date;
}

/** Refreshes returned by one `sizeHistory` call at most (the latest ones in the range). */
export const MAX_SIZE_POINTS = 1000;

const SORTS: Record<
  MemberSort,
  { expr: string; read: (member: Member) => unknown; isInstant: boolean }
> = {
  ENTERED_AT: {
    expr: 'm.entered_at',
    read: (member) => member.enteredAt.toISOString(),
    isInstant: true,
  },
  SIGNED_UP_AT: {
    expr: 't.signed_up_at',
    read: (member) => member.customer.signedUpAt.toISOString(),
    isInstant: true,
  },
  EXTERNAL_ID: {
    expr: 't.external_id',
    read: (member) => member.customer.externalId,
    isInstant: false,
  },
};

/** Reads of materialized memberships: members (now or at a past instant), history, refreshes. */
export class SegmentMembersService {
  constructor(
    private readonly db: DataSource,
    private readonly maxPageSize: number,
  ) {}

  /**
   * A page of a segment's live members, now or as they were at `at` (from the history: stays
   * that began at or before `at` and had not ended by then). Customers deleted since are left
   * out, as everywhere else.
   */
  async members(
    segmentId: number,
    at: Date | null | undefined,
    sort: { field: MemberSort; direction: 'ASC' | 'DESC' } | null | undefined,
    pageArgs: PageArgs,
  ): Promise<Page<Member>> {
    const order = sort ?? { field: 'ENTERED_AT', direction: 'DESC' };
    const key = SORTS[order.field];
    const window = pageWindow(pageArgs, this.maxPageSize, 2, [1]);
    const join = memberJoin(segmentId, at);
    const conditions = ['t.deleted_at IS NULL'];
    const params = { ...join.params };
    const descending = (order.direction === 'DESC') !== window.backward;
    if (window.cursor) {
      const [value, id] = window.cursor;
      const keyValue = key.isInstant ? new Date(String(value)) : value;
      const condition = keysetCondition(
        [key.expr, 'm.customer_id'],
        [keyValue, id],
        descending ? '<' : '>',
      );
      conditions.push(condition.sql);
      Object.assign(params, condition.params);
    }
    const direction = descending ? 'DESC' : 'ASC';
    // The membership's customer id (equal to t.id) breaks ties: with it the default order is
    // idx_segment_memberships_entered's, and a page reads its own rows only.
    const rows = await selectEntitiesBeside(
      this.db,
      CustomerEntity,
      { member_entered_at: 'm.entered_at' },
      `${join.sql} WHERE ${conditions.join(' AND ')} ` +
        `ORDER BY ${key.expr} ${direction}, m.customer_id ${direction} LIMIT ${window.size + 1}`,
      params,
    );
    const members = rows.map(({ entity, beside }) => ({
      customer: entity,
      enteredAt: parseInstant(beside.member_entered_at) as Date,
    }));

    return toPage(
      members,
      window,
      (member) => [key.read(member), member.customer.id],
      () => this.countMembers(join),
    );
  }

  /** Size after each refresh with `from <= refreshedAt < to`, oldest first (latest 1,000). */
  async sizeHistory(segmentId: number, from: Date, to: Date): Promise<SegmentRefreshEntity[]> {
    if (from.getTime() >= to.getTime()) {
      throw badInput('from must be before to', 'from');
    }
    const rows = await this.db
      .getRepository(SegmentRefreshEntity)
      .createQueryBuilder('r')
      .where('r.segment_id = :segmentId AND r.refreshed_at >= :from AND r.refreshed_at < :to', {
        segmentId,
        from,
        to,
      })
      .orderBy('r.refreshed_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(MAX_SIZE_POINTS)
      .getMany();

    return rows.reverse();
  }

  /** A page of a segment's refreshes, newest first. */
  async refreshes(segmentId: number, pageArgs: PageArgs): Promise<Page<SegmentRefreshEntity>> {
    const window = pageWindow(pageArgs, this.maxPageSize, 1, [0]);
    const base = () =>
      this.db
        .getRepository(SegmentRefreshEntity)
        .createQueryBuilder('r')
        .where('r.segment_id = :segmentId', { segmentId });
    const query = base();
    // Ids grow with time, so the id alone is a stable newest-first key.
    const descending = !window.backward;
    if (window.cursor) {
      query.andWhere(`r.id ${descending ? '<' : '>'} :cursorId`, {
        cursorId: Number(window.cursor[0]),
      });
    }
    const rows = await query
      .orderBy('r.id', descending ? 'DESC' : 'ASC')
      .limit(window.size + 1)
      .getMany();

    return toPage(
      rows,
      window,
      (row) => [row.id],
      () => base().getCount(),
    );
  }

  /** The segments each customer is currently a member of, in one query for all of them. */
  async segmentsOf(
    customerIds: readonly number[],
  ): Promise<Array<{ customerId: number; segment: SegmentEntity }>> {
    const rows = await selectEntitiesBeside(
      this.db,
      SegmentEntity,
      { member_customer_id: 'm.customer_id' },
      'JOIN segment_memberships m ON m.segment_id = t.id ' +
        'WHERE m.customer_id IN (:...customerIds) ORDER BY t.name ASC',
      { customerIds: [...customerIds] },
    );

    return rows.map(({ entity, beside }) => ({
      customerId: Number(beside.member_customer_id),
      segment: entity,
    }));
  }

  private async countMembers(join: MemberJoin): Promise<number> {
    const [row] = await selectRows(
      this.db,
      'SELECT COUNT(*) AS n FROM customers t',
      `${join.sql} WHERE t.deleted_at IS NULL`,
      join.params,
    );

    return Number(row.n);
  }
}

/** Members' stays, joined to live customers (alias `t`) as `m`. */
interface MemberJoin {
  sql: string;
  params: Record<string, unknown>;
}

/** Members now (from memberships) or at `at` (from history: stays open at that instant). */
function memberJoin(segmentId: number, at: Date | null | undefined): MemberJoin {
  return at
    ? {
        sql:
          'JOIN segment_membership_history m ON m.customer_id = t.id ' +
          'AND m.segment_id = :segmentId AND m.entered_at <= :at ' +
          'AND (m.left_at IS NULL OR m.left_at > :at)',
        params: { segmentId, at },
      }
    : {
        sql: 'JOIN segment_memberships m ON m.customer_id = t.id AND m.segment_id = :segmentId',
        params: { segmentId },
      };
}
