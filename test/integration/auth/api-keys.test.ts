import { Role } from '../../../src/auth/principal';
import { describeEachDialect } from '../support/dialects';
import { expectError } from '../support/expect-error';
import { wsClient } from '../support/ws';
import { wsRequest } from '../support/ws-request';

const CREATE = `mutation Create($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { key apiKey { id name role prefix createdAt lastUsedAt revokedAt } }
}`;
const REVOKE = `mutation Revoke($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { id revokedAt } } }`;
const LIST = `query Keys($filter: ApiKeyFilter, $first: Int, $after: String) {
  apiKeys(filter: $filter, first: $first, after: $after) {
    totalCount
    edges { node { id name role revokedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const WHO = `{ customers(first: 1) { totalCount } }`;

interface Created {
  createApiKey: { key: string; apiKey: { id: string; name: string; role: Role; prefix: string } };
}
interface Listed {
  apiKeys: {
    totalCount: number;
    edges: Array<{ node: { id: string; name: string; role: Role; revokedAt: string | null } }>;
    pageInfo: { hasNextPage: boolean; endCursor: string };
  };
}

describeEachDialect('API keys over GraphQL', (pulse) => {
  async function createKey(name: string, role: Role) {
    const response = await pulse().query<Created>(CREATE, { input: { name, role } });
    expect(response.errors).toBeUndefined();

    return response.data!.createApiKey;
  }

  it('creates a key that works at once with its role and is listed without its secret', async () => {
    const created = await createKey('  reporting partner ', Role.PARTNER);
    expect(created.key).toMatch(/^pulse_[\w-]{43}$/);
    expect(created.key.startsWith(created.apiKey.prefix)).toBe(true);
    expect(created.apiKey).toMatchObject({ name: 'reporting partner', role: 'PARTNER' });

    expect((await pulse().query(WHO, {}, { key: created.key })).errors).toBeUndefined();
    const write = await pulse().query(
      `mutation { createCustomer(input: { externalId: "by-partner" }) { customer { id } } }`,
      {},
      { key: created.key },
    );
    expectError(write, 'FORBIDDEN');

    const listed = await pulse().query<Listed>(LIST, { filter: { role: 'PARTNER' } });
    const names = listed.data!.apiKeys.edges.map((edge) => edge.node.name);
    expect(names[0]).toBe('reporting partner');
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });

  it('revokes a key so that HTTP and WebSocket requests with it fail with UNAUTHENTICATED', async () => {
    const created = await createKey('to revoke', Role.ANALYST);
    const revoked = await pulse().query<{ revokeApiKey: { apiKey: { revokedAt: string } } }>(
      REVOKE,
      { id: created.apiKey.id },
    );
    expect(revoked.data?.revokeApiKey.apiKey.revokedAt).toEqual(expect.any(String));

    expectError(await pulse().query(WHO, {}, { key: created.key }), 'UNAUTHENTICATED');
    const client = wsClient(pulse(), created.key);
    const outcome = await wsRequest(client, WHO).catch((error: unknown) => ({
      errors: [{ message: String(error), extensions: { closed: String(error) } }],
    }));
    await client.dispose();
    expect(JSON.stringify(outcome)).toMatch(/UNAUTHENTICATED|4401/);
  });

  it('hides revoked keys unless asked and pages newest first', async () => {
    const a = await createKey('page a', Role.ALERTS);
    const b = await createKey('page b', Role.ALERTS);
    const c = await createKey('page c', Role.ALERTS);
    await pulse().query(REVOKE, { id: b.apiKey.id });

    const live = await pulse().query<Listed>(LIST, { filter: { role: 'ALERTS' } });
    const liveIds = live.data!.apiKeys.edges.map((edge) => edge.node.id);
    expect(liveIds).toContain(c.apiKey.id);
    expect(liveIds).not.toContain(b.apiKey.id);

    const first = await pulse().query<Listed>(LIST, {
      filter: { role: 'ALERTS', includeRevoked: true },
      first: 2,
    });
    const second = await pulse().query<Listed>(LIST, {
      filter: { role: 'ALERTS', includeRevoked: true },
      first: 2,
      after: first.data!.apiKeys.pageInfo.endCursor,
    });
    const ids = [...first.data!.apiKeys.edges, ...second.data!.apiKeys.edges].map((e) => e.node.id);
    expect(ids.slice(0, 3)).toEqual([c.apiKey.id, b.apiKey.id, a.apiKey.id]);
    expect(first.data!.apiKeys.pageInfo.hasNextPage).toBe(true);
  });

  it('records who created and revoked a key in the audit log', async () => {
    const created = await createKey('audited', Role.PARTNER);
    await pulse().query(REVOKE, { id: created.apiKey.id });
    const log = await pulse().query<{
      auditLog: { edges: Array<{ node: { action: string; apiKeyId: string; details: unknown } }> };
    }>(
      `{ auditLog(filter: { actions: [CREATE_API_KEY, REVOKE_API_KEY] }, first: 2) {
        edges { node { action apiKeyId details } }
      } }`,
    );
    const admin = await pulse().query<Listed>(LIST, { filter: { role: 'ADMIN' } });
    const adminId = admin.data!.apiKeys.edges[0].node.id;
    const details = { prefix: created.apiKey.prefix, role: 'PARTNER', name: 'audited' };
    expect(log.data?.auditLog.edges.map((edge) => edge.node)).toEqual([
      { action: 'REVOKE_API_KEY', apiKeyId: adminId, details },
      { action: 'CREATE_API_KEY', apiKeyId: adminId, details },
    ]);
  });

  it('refuses to revoke the last live ADMIN key with CONFLICT', async () => {
    const listed = await pulse().query<Listed>(LIST, { filter: { role: 'ADMIN' } });
    expect(listed.data!.apiKeys.totalCount).toBe(1);
    const response = await pulse().query(REVOKE, { id: listed.data!.apiKeys.edges[0].node.id });
    expectError(response, 'CONFLICT', 'input.id');
    expect((await pulse().query(WHO)).errors).toBeUndefined();
  });

  it.each([
    ['an empty name', { name: '', role: 'ANALYST' }, 'input.name'],
    ['a blank name', { name: '   ', role: 'ANALYST' }, 'input.name'],
    ['a name over 100 characters', { name: 'n'.repeat(101), role: 'ANALYST' }, 'input.name'],
  ])('rejects %s with BAD_USER_INPUT', async (_case, input, field) => {
    expectError(await pulse().query(CREATE, { input }), 'BAD_USER_INPUT', field);
  });

  it.each([
    ['an id of another type', 'Q3VzdG9tZXI6MQ', 'BAD_USER_INPUT'],
    ['an unknown key', Buffer.from('ApiKey:999999').toString('base64url'), 'NOT_FOUND'],
  ])('rejects revoking %s', async (_case, id, code) => {
    expectError(await pulse().query(REVOKE, { id }), code, 'input.id');
  });

  it('lets only ADMIN read a key through node(id)', async () => {
    const created = await createKey('node lookup', Role.PARTNER);
    const NODE = `query Node($id: ID!) { node(id: $id) { id ... on ApiKey { name } } }`;
    const admin = await pulse().query<{ node: { name: string } }>(NODE, { id: created.apiKey.id });
    expect(admin.data?.node.name).toBe('node lookup');
    for (const role of [Role.ANALYST, Role.PARTNER]) {
      expectError(await pulse().query(NODE, { id: created.apiKey.id }, { role }), 'FORBIDDEN');
    }
  });
  // Last: when it fails, the suite is left without a live ADMIN key.
  it('keeps an ADMIN key when the last two are revoked at the same time', async () => {
    const second = await createKey('second admin', Role.ADMIN);
    const listed = await pulse().query<Listed>(LIST, { filter: { role: 'ADMIN' } });
    expect(listed.data!.apiKeys.totalCount).toBe(2);
    const ids = listed.data!.apiKeys.edges.map((edge) => edge.node.id);

    // Each key revokes the other, both at once.
    const responses = await Promise.all([
      pulse().query(REVOKE, { id: ids.find((id) => id !== second.apiKey.id) }, { key: second.key }),
      pulse().query(REVOKE, { id: second.apiKey.id }),
    ]);

    // The other gets CONFLICT, or UNAUTHENTICATED when its own key was revoked first.
    expect(responses.filter((response) => response.errors === undefined)).toHaveLength(1);
    const live = await pulse().app.services.apiKeys.list();
    expect(live.filter((key) => key.role === Role.ADMIN && !key.revokedAt)).toHaveLength(1);
  });
});
