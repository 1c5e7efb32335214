import type { LookupAddress } from 'node:dns';
import { parseNetworks } from '../../../src/alerts/webhook-address';
import { postWebhook, type Resolve, WebhookRefused } from '../../../src/alerts/webhook-request';
import { startReceiver, type Receiver } from './support/receiver';

/** A resolver that knows only `names`, and counts how often it was asked. */
function fakeResolver(names: Record<string, LookupAddress[]>): Resolve & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string) => {
    calls.push(hostname);
    const addresses = names[hostname];
    if (!addresses) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }

    return addresses;
  };

  return Object.assign(resolve, { calls });
}

const LOOPBACK = parseNetworks(['127.0.0.0/8']);
const signal = () => AbortSignal.timeout(5000);

describe('postWebhook', () => {
  let hook: Receiver;
  let port: string;

  beforeAll(async () => {
    hook = await startReceiver((_n, response) => {
      response.statusCode = 204;
      response.end();
    });
    port = new URL(hook.url).port;
  });

  afterAll(async () => {
    await hook.close();
  });

  const request = (url: string) => ({
    url,
    headers: { 'content-type': 'application/json' },
    body: '{"n":1}',
  });

  it('connects to the address its check passed, resolving the name once', async () => {
    const resolve = fakeResolver({
      'receiver.pulse.test': [{ address: '127.0.0.1', family: 4 }],
    });
    const before = hook.requests.length;
    const status = await postWebhook(request(`http://receiver.pulse.test:${port}/hook`), {
      allowed: LOOPBACK,
      resolve,
      signal: signal(),
    });

    expect(status).toBe(204);
    expect(resolve.calls).toEqual(['receiver.pulse.test']);
    expect(hook.requests).toHaveLength(before + 1);
    expect(hook.requests[before].headers.host).toBe(`receiver.pulse.test:${port}`);
    expect(hook.requests[before].body).toBe('{"n":1}');
  });

  it.each([
    [
      'a name that resolves to 127.0.0.1',
      [{ address: '127.0.0.1', family: 4 }],
      'refused: rebind.pulse.test resolves to 127.0.0.1, a loopback address',
    ],
    [
      'a name with a public and a loopback address',
      [
        { address: '93.184.215.14', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
      'refused: rebind.pulse.test resolves to 127.0.0.1, a loopback address',
    ],
    [
      'a name that resolves to the IPv4-mapped metadata address',
      [{ address: '::ffff:169.254.169.254', family: 6 }],
      'refused: rebind.pulse.test resolves to ::ffff:169.254.169.254, a link-local address',
    ],
  ])('refuses %s and sends nothing', async (_case, addresses, message) => {
    const resolve = fakeResolver({ 'rebind.pulse.test': addresses });
    const before = hook.requests.length;
    const sent = postWebhook(request(`http://rebind.pulse.test:${port}/hook`), {
      allowed: [],
      resolve,
      signal: signal(),
    });

    await expect(sent).rejects.toThrow(WebhookRefused);
    await expect(sent).rejects.toThrow(message);
    expect(hook.requests).toHaveLength(before);
  });

  it('refuses a literal address without asking the resolver', async () => {
    const resolve = fakeResolver({});
    const sent = postWebhook(request(hook.url), { allowed: [], resolve, signal: signal() });

    await expect(sent).rejects.toThrow('refused: 127.0.0.1 is a loopback address');
    expect(resolve.calls).toEqual([]);
  });

  it('refuses a URL that is not http(s)', async () => {
    await expect(
      postWebhook(request('file:///etc/passwd'), { allowed: LOOPBACK, signal: signal() }),
    ).rejects.toThrow('refused: "file:///etc/passwd" is not an http(s) URL');
  });

  it('passes a resolver failure on as it is', async () => {
    const resolve = fakeResolver({});
    await expect(
      postWebhook(request(`http://gone.pulse.test:${port}/hook`), {
        allowed: LOOPBACK,
        resolve,
        signal: signal(),
      }),
    ).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
