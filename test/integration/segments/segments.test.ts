import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { createCustomers } from '../support/factories';
import { collect, wsClient } from '../support/ws';
import { countryIs, createSegment, memberOf, refresh, segmentRowCounts } from './segment-support';

const UPSERT = `mutation($input: UpsertCustomersInput!) { upsertCustomers(input: $input) { updated } }`;

const MEMBERS = `query Members($id: ID!, $at: DateTimeISO, $first: Int) {
  segment(id: $id) {
    size
    members(first: $first, at: $at, orderBy: { field: EXTERNAL_ID, direction: ASC }) {
      totalCount
      edges { node { id externalId name email } }
    }
  }
}`;

const HISTORY = `query History($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  segment(id: $id) {
    sizeHistory(from: $from, to: $to) { size entered left trigger }
    refreshes(first: 10) { totalCount edges { node { size entered left trigger durationMs } } }
  }
}`;

const CUSTOMER_SEGMENTS = `query($id: ID!) { customer(id: $id) { segments { id name } } }`;

const CHANGE_MEMBERS = (mutation: 'add' | 'remove') => `mutation($input: SegmentMembersInput!) {
  ${mutation}SegmentMembers(input: $input) { changed unknownExternalIds segment { size } }
}`;

const PREVIEW = `query Preview($definition: SegmentRuleInput!, $sampleSize: Int) {
  previewSegment(definition: $definition, sampleSize: $sampleSize) { size sample { externalId country } }
}`;

const CHANGED = `subscription Changed($segmentId: ID!) {
  segmentMembershipChanged(segmentId: $segmentId) {
    enteredIds leftIds enteredCount leftCount size part parts
    segment { id }
    entered { externalId name email }
    left { externalId }
  }
}`;

type Members = {
  segment: { size: number; members: { totalCount: number; edges: Array<{ node: any }> } };
};

function externalIdsOf(response: { data?: Members }): string[] {
  return response.data!.segment.members.edges.map((edge) => edge.node.externalId);
}

describeEachDialect('segments', (pulse) => {
  it('refreshes record who entered and left, keep history for members at a past date and size over time', async () => {
    const fr = await createCustomers(pulse(), 4, () => ({ country: 'FR' }));
    const de = await createCustomers(pulse(), 2, () => ({ country: 'DE' }));
    const start = new Date();
    const segment = await createSegment(pulse(), { kind: 'RULE', definition: countryIs('FR') });

    expect(await refresh(pulse(), segment.id)).toEqual({ entered: 4, left: 0, size: 4 });
    const afterFirst = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const moved = await pulse().query(UPSERT, {
      input: {
        customers: [
          { externalId: fr[0].externalId, country: 'DE' },
          { externalId: de[0].externalId, country: 'FR' },
        ],
      },
    });
    expect(moved.errors).toBeUndefined();
    expect(await refresh(pulse(), segment.id)).toEqual({ entered: 1, left: 1, size: 4 });
    expect(await refresh(pulse(), segment.id)).toEqual({ entered: 0, left: 0, size: 4 });

    const now = await pulse().query<Members>(MEMBERS, { id: segment.id });
    expect(externalIdsOf(now)).toEqual(
      [fr[1], fr[2], fr[3], de[0]].map((c) => c.externalId).sort(),
    );
    expect(now.data!.segment.members.totalCount).toBe(4);
    const then = await pulse().query<Members>(MEMBERS, {
      id: segment.id,
      at: afterFirst.toISOString(),
    });
    expect(externalIdsOf(then)).toEqual(fr.map((c) => c.externalId).sort());
    const before = await pulse().query<Members>(MEMBERS, {
      id: segment.id,
      at: new Date(start.getTime() - 1000).toISOString(),
    });
    expect(before.data!.segment.members.totalCount).toBe(0);

    const history = await pulse().query<{ segment: any }>(HISTORY, {
      id: segment.id,
      from: start.toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(history.errors).toBeUndefined();
    expect(history.data!.segment.sizeHistory).toEqual([
      { size: 4, entered: 4, left: 0, trigger: 'MANUAL' },
      { size: 4, entered: 1, left: 1, trigger: 'MANUAL' },
      { size: 4, entered: 0, left: 0, trigger: 'MANUAL' },
    ]);
    const refreshes = history.data!.segment.refreshes;
    expect(refreshes.totalCount).toBe(3);
    expect(refreshes.edges.map((edge: any) => [edge.node.entered, edge.node.left])).toEqual([
      [0, 0],
      [1, 1],
      [4, 0],
    ]);

    const left = await pulse().query<{ customer: { segments: unknown[] } }>(CUSTOMER_SEGMENTS, {
      id: fr[0].id,
    });
    expect(left.data!.customer.segments).toEqual([]);
    const entered = await pulse().query<{ customer: { segments: Array<{ id: string }> } }>(
      CUSTOMER_SEGMENTS,
      { id: de[0].id },
    );
    expect(entered.data!.customer.segments.map((s) => s.id)).toEqual([segment.id]);
  });

  it('drops a deleted customer at the next refresh and leaves it out of past member lists', async () => {
    const customers = await createCustomers(pulse(), 2, () => ({ country: 'BE' }));
    const segment = await createSegment(pulse(), { kind: 'RULE', definition: countryIs('BE') });
    await refresh(pulse(), segment.id);
    const deleted = await pulse().query(
      `mutation($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedId } }`,
      { input: { id: customers[0].id } },
    );
    expect(deleted.errors).toBeUndefined();

    const beforeDelete = new Date(Date.now() - 1).toISOString();
    expect(await refresh(pulse(), segment.id)).toEqual({ entered: 0, left: 1, size: 1 });
    const past = await pulse().query<Members>(MEMBERS, { id: segment.id, at: beforeDelete });
    expect(externalIdsOf(past)).toEqual([customers[1].externalId]);
  });

  it('keeps STATIC members by external id: reports unknown ids, ignores repeats, drops deleted customers on refresh', async () => {
    const [a, b, c] = await createCustomers(pulse(), 3, () => ({ country: 'NL' }));
    const segment = await createSegment(pulse(), {
      kind: 'STATIC',
      externalIds: [a.externalId, b.externalId, 'no-such-customer'],
    });
    expect(segment.unknownExternalIds).toEqual(['no-such-customer']);

    const added = await pulse().query<{ addSegmentMembers: unknown }>(CHANGE_MEMBERS('add'), {
      input: { id: segment.id, externalIds: [b.externalId, c.externalId] },
    });
    expect(added.data!.addSegmentMembers).toEqual({
      changed: 1,
      unknownExternalIds: [],
      segment: { size: 3 },
    });
    const removed = await pulse().query<{ removeSegmentMembers: unknown }>(
      CHANGE_MEMBERS('remove'),
      { input: { id: segment.id, externalIds: [a.externalId, 'zzz'] } },
    );
    expect(removed.data!.removeSegmentMembers).toEqual({
      changed: 1,
      unknownExternalIds: ['zzz'],
      segment: { size: 2 },
    });
    const again = await pulse().query<{ removeSegmentMembers: { changed: number } }>(
      CHANGE_MEMBERS('remove'),
      { input: { id: segment.id, externalIds: [a.externalId] } },
    );
    expect(again.data!.removeSegmentMembers.changed).toBe(0);

    const members = await pulse().query<Members>(MEMBERS, { id: segment.id });
    expect(externalIdsOf(members)).toEqual([b.externalId, c.externalId].sort());
    // A refresh of a STATIC segment changes nothing while its members live.
    expect(await refresh(pulse(), segment.id)).toEqual({ entered: 0, left: 0, size: 2 });
    await pulse().query(
      `mutation($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedId } }`,
      { input: { id: b.id } },
    );
    expect(await refresh(pulse(), segment.id)).toEqual({ entered: 0, left: 1, size: 1 });
  });

  it('counts only live members in the size a STATIC change reports, as members and refreshes do', async () => {
    const [a, b, c] = await createCustomers(pulse(), 3, () => ({ country: 'NL' }));
    const segment = await createSegment(pulse(), {
      kind: 'STATIC',
      externalIds: [a.externalId, b.externalId],
    });
    await pulse().query(
      `mutation($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { deletedId } }`,
      { input: { id: b.id } },
    );
    const added = await pulse().query<{ addSegmentMembers: unknown }>(CHANGE_MEMBERS('add'), {
      input: { id: segment.id, externalIds: [c.externalId] },
    });
    expect(added.data!.addSegmentMembers).toEqual({
      changed: 1,
      unknownExternalIds: [],
      segment: { size: 2 },
    });
    const members = await pulse().query<Members>(MEMBERS, { id: segment.id });
    expect(members.data!.segment.size).toBe(2);
    expect(members.data!.segment.members.totalCount).toBe(2);
  });

  it('resolves a segment by its global id through node(id)', async () => {
    const segment = await createSegment(pulse(), { name: 'by-node', kind: 'STATIC' });
    const response = await pulse().query<{ node: unknown }>(
      `query($id: ID!) { node(id: $id) { id ... on Segment { name kind size } } }`,
      { id: segment.id },
    );
    expect(response.data!.node).toEqual({
      id: segment.id,
      name: 'by-node',
      kind: 'STATIC',
      size: 0,
    });
  });

  it('previews an unsaved rule with its size and a sample, writing nothing', async () => {
    const customers = await createCustomers(pulse(), 3, () => ({ country: 'IT' }));
    const before = await segmentRowCounts(pulse());
    const response = await pulse().query<{ previewSegment: unknown }>(PREVIEW, {
      definition: countryIs('IT'),
      sampleSize: 2,
    });
    expect(response.errors).toBeUndefined();
    expect(response.data!.previewSegment).toEqual({
      size: 3,
      sample: customers.slice(0, 2).map((c) => ({ externalId: c.externalId, country: 'IT' })),
    });
    expect(await segmentRowCounts(pulse())).toEqual(before);
  });

  it('refreshes all segments after the segments their rules read, whatever their ids', async () => {
    await createCustomers(pulse(), 2, () => ({ country: 'PT' }));
    const placeholder = await createSegment(pulse(), { kind: 'STATIC' });
    const reader = await createSegment(pulse(), {
      kind: 'RULE',
      definition: memberOf(placeholder.id),
    });
    const portugal = await createSegment(pulse(), { kind: 'RULE', definition: countryIs('PT') });
    // The reader now depends on a segment with a larger id: id order would refresh it too early.
    const updated = await pulse().query(
      `mutation($input: UpdateSegmentInput!) { updateSegment(input: $input) { segment { version } } }`,
      { input: { id: reader.id, version: reader.version, definition: memberOf(portugal.id) } },
    );
    expect(updated.errors).toBeUndefined();

    const results = await pulse().app.services.segments.refreshAll('SCHEDULE');
    const sizes = await pulse().query<{ a: { size: number }; b: { size: number } }>(
      `query($a: ID!, $b: ID!) { a: segment(id: $a) { size } b: segment(id: $b) { size } }`,
      { a: reader.id, b: portugal.id },
    );
    expect(sizes.data).toEqual({ a: { size: 2 }, b: { size: 2 } });
    expect(results.length).toBeGreaterThanOrEqual(3);
  });

  it('serializes concurrent refreshes of one segment: one open history row per member', async () => {
    await createCustomers(pulse(), 5, () => ({ country: 'AT' }));
    const segment = await createSegment(pulse(), { kind: 'RULE', definition: countryIs('AT') });
    const results = await Promise.all([
      refresh(pulse(), segment.id),
      refresh(pulse(), segment.id),
      refresh(pulse(), segment.id),
    ]);
    expect(results.map((result) => result.entered).sort()).toEqual([0, 0, 5]);
    const dbId = Number(Buffer.from(segment.id, 'base64url').toString().split(':')[1]);
    const [{ n }] = await pulse().app.db.query(
      'SELECT COUNT(*) AS n FROM segment_membership_history WHERE segment_id = ? AND left_at IS NULL',
      [dbId],
    );
    expect(Number(n)).toBe(5);
  });

  it('refreshes different segments concurrently without mixing their members', async () => {
    await createCustomers(pulse(), 3, () => ({ country: 'DK' }));
    await createCustomers(pulse(), 2, () => ({ country: 'IS' }));
    const denmark = await createSegment(pulse(), { kind: 'RULE', definition: countryIs('DK') });
    const iceland = await createSegment(pulse(), { kind: 'RULE', definition: countryIs('IS') });
    const results = await Promise.all([
      refresh(pulse(), denmark.id),
      refresh(pulse(), iceland.id),
      refresh(pulse(), denmark.id),
      refresh(pulse(), iceland.id),
    ]);
    expect(results.map((result) => result.size)).toEqual([3, 2, 3, 2]);
    expect(results.map((result) => result.entered).sort()).toEqual([0, 0, 2, 3]);
  });

  it('pushes who entered and left over WebSocket, with personal data masked for partners', async () => {
    const [x, y] = await createCustomers(pulse(), 2, () => ({ country: 'SE' }));
    const segment = await createSegment(pulse(), { kind: 'RULE', definition: countryIs('SE') });
    const admin = wsClient(pulse(), pulse().keys[Role.ADMIN]);
    const partner = wsClient(pulse(), pulse().keys[Role.PARTNER]);
    const adminEvents = collect<{ data: any }>(admin, CHANGED, { segmentId: segment.id }, 2);
    const partnerEvents = collect<{ data: any }>(partner, CHANGED, { segmentId: segment.id }, 1);
    await Promise.all([adminEvents.ready, partnerEvents.ready]);

    await refresh(pulse(), segment.id);
    await pulse().query(UPSERT, {
      input: { customers: [{ externalId: x.externalId, country: 'NO' }] },
    });
    await refresh(pulse(), segment.id);
    const [first, second] = (await adminEvents.results).map(
      (event) => event.data.segmentMembershipChanged,
    );
    const [partnerFirst] = (await partnerEvents.results).map(
      (event) => event.data.segmentMembershipChanged,
    );
    await admin.dispose();
    await partner.dispose();

    expect(first).toMatchObject({
      enteredIds: [x.id, y.id],
      leftIds: [],
      enteredCount: 2,
      leftCount: 0,
      size: 2,
      part: 1,
      parts: 1,
      segment: { id: segment.id },
      entered: [
        { externalId: x.externalId, name: 'Customer 0' },
        { externalId: y.externalId, name: 'Customer 1' },
      ],
    });
    expect(second).toMatchObject({
      enteredIds: [],
      leftIds: [x.id],
      size: 1,
      left: [{ externalId: x.externalId }],
    });
    expect(partnerFirst.enteredIds).toEqual([x.id, y.id]);
    expect(partnerFirst.entered[0].name).toBe('C*** 0***');
    expect(partnerFirst.entered[0].email).not.toBe(first.entered[0].email);
  });

  it('shows partners the members of a segment with personal fields masked', async () => {
    const [customer] = await createCustomers(pulse(), 1, () => ({ country: 'FI' }));
    const segment = await createSegment(pulse(), { kind: 'RULE', definition: countryIs('FI') });
    await refresh(pulse(), segment.id);
    const asAdmin = await pulse().query<Members>(MEMBERS, { id: segment.id });
    const asPartner = await pulse().query<Members>(
      MEMBERS,
      { id: segment.id },
      { role: Role.PARTNER },
    );
    const adminNode = asAdmin.data!.segment.members.edges[0].node;
    const partnerNode = asPartner.data!.segment.members.edges[0].node;

    expect(adminNode).toMatchObject({ id: customer.id, name: 'Customer 0' });
    expect(partnerNode.id).toBe(customer.id);
    expect(partnerNode.name).toBe('C*** 0***');
    expect(partnerNode.email).not.toBe(adminNode.email);
  });
});
