import { type DataSource, In, type SelectQueryBuilder } from 'typeorm';
import { CustomerEntity } from '../customers/customer.entity';
import { parseInstant } from '../db/dialect';
import { keysetCondition, type Page, type PageArgs, pageWindow, toPage } from '../db/pagination';
import { badInput } from '../errors';
import {
  SegmentMembershipEntity,
  SegmentMembershipHistoryEntity,
  SegmentRefreshEntity,
} from './segment-membership.entity';
import { type SegmentEntity } from './segment.entity';

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
    expr: 'c.signed_up_at',
    read: (member) => member.customer.signedUpAt.toISOString(),
    isInstant: true,
  },
  EXTERNAL_ID: {
    expr: 'c.external_id',
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
    const window = pageWindow(pageArgs, this.maxPageSize, 2);
    const query = this.memberQuery(segmentId, at);
    const descending = (order.direction === 'DESC') !== window.backward;
    if (window.cursor) {
      const [value, id] = window.cursor;
      const keyValue = key.isInstant ? new Date(String(value)) : value;
      const condition = keysetCondition(
        [key.expr, 'm.customer_id'],
        [keyValue, id],
        descending ? '<' : '>',
      );
      query.andWhere(condition.sql, condition.params);
    }
    const direction = descending ? 'DESC' : 'ASC';
    // The membership's customer id (equal to c.id) breaks ties: with it the default order is
    // idx_segment_memberships_entered's, and a page reads its own rows only.
    const { entities, raw } = await query
      .addSelect('m.entered_at', 'member_entered_at')
      .orderBy(key.expr, direction)
      .addOrderBy('m.customer_id', direction)
      .limit(window.size + 1)
      .getRawAndEntities<{ member_entered_at: unknown }>();
    const members = entities.map((customer, i) => ({
      customer,
      enteredAt: parseInstant(raw[i].member_entered_at) as Date,
    }));

    return toPage(
      members,
      window,
      (member) => [key.read(member), member.customer.id],
      () => this.memberQuery(segmentId, at).getCount(),
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
    const window = pageWindow(pageArgs, this.maxPageSize, 1);
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
    const memberships = await this.db
      .getRepository(SegmentMembershipEntity)
      .createQueryBuilder('m')
      .innerJoinAndSelect('m.segment', 's')
      .where({ customerId: In([...customerIds]) })
      .orderBy('s.name', 'ASC')
      .getMany();

    return memberships.map((membership) => ({
      customerId: membership.customerId,
      segment: membership.segment as SegmentEntity,
    }));
  }

  /** Members now (from memberships) or at `at` (from history), joined to live customers. */
  private memberQuery(
    segmentId: number,
    at: Date | null | undefined,
  ): SelectQueryBuilder<CustomerEntity> {
    const query = this.db.getRepository(CustomerEntity).createQueryBuilder('c');
    if (at) {
      query.innerJoin(
        SegmentMembershipHistoryEntity,
        'm',
        'm.customer_id = c.id AND m.segment_id = :segmentId AND m.entered_at <= :at ' +
          'AND (m.left_at IS NULL OR m.left_at > :at)',
        { segmentId, at },
      );
    } else {
      query.innerJoin(
        SegmentMembershipEntity,
        'm',
        'm.customer_id = c.id AND m.segment_id = :segmentId',
        {
          segmentId,
        },
      );
    }

    return query.where('c.deleted_at IS NULL');
  }
}
