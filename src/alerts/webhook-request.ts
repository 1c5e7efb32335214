import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type Network, parseAddress, refusedAddress } from './webhook-address';

/** Resolves a host name to every address it stands for (by default the system resolver). */
export type Resolve = (hostname: string, family: number) => Promise<LookupAddress[]>;

/** A delivery Pulse will not send: the URL or an address it resolves to is not allowed. */
export class WebhookRefused extends Error {
  readonly code = 'EWEBHOOKREFUSED';

  constructor(reason: string) {
    super(`refused: ${reason}`);
    this.name = 'WebhookRefused';
  }
}

const systemResolve: Resolve = (hostname, family) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, family }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * A `lookup` for sockets that resolves the host name once, checks every address it resolves to
 * (one refused address refuses the name: a public name that also resolves to 127.0.0.1 is the
 * DNS-rebinding trick) and hands exactly those addresses to the connection, so no second
 * resolution can swap in another.
 */
export function guardedLookup(
  allowed: readonly Network[],
  resolve: Resolve = systemResolve,
): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === 'number' ? options.family : 0;
    resolve(hostname, family).then(
      (addresses) => {
        const refused = addresses
          .map(({ address }) => ({ address, reason: refusedAddress(address, allowed) }))
          .find(({ reason }) => reason !== null);
        if (refused) {
          callback(
            new WebhookRefused(`${hostname} resolves to ${refused.address}, ${refused.reason}`),
            '',
          );
        } else if (addresses.length === 0) {
          callback(
            Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }),
            '',
          );
        } else if (options.all) {
          callback(null, addresses);
        } else {
          callback(null, addresses[0].address, addresses[0].family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** One webhook POST. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * POSTs `request` and resolves with the response's status code as soon as its headers arrive
 * (the body is discarded). Redirects are not followed: a 3xx is an answer like any other. An
 * address outside `allowed` that is not public — the literal one of the URL, or any that its host
 * name resolves to — rejects with `WebhookRefused` before anything is sent.
 */
export function postWebhook(
  request: WebhookRequest,
  options: { allowed: readonly Network[]; resolve?: Resolve; signal: AbortSignal },
): Promise<number> {
  let url: URL | null = null;
  try {
    url = new URL(request.url);
  } catch {
    // refused below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return Promise.reject(new WebhookRefused(`"${request.url}" is not an http(s) URL`));
  }
  // Sockets do not look IP literals up, so those are checked here; names (`localhost` too) are
  // checked by the lookup.
  const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const reason = parseAddress(literal) && refusedAddress(literal, options.allowed);
  if (reason) {
    return Promise.reject(new WebhookRefused(`${literal} is ${reason}`));
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        lookup: guardedLookup(options.allowed, options.resolve),
        // A connection of its own, resolved and checked for this attempt.
        agent: false,
        signal: options.signal,
      },
      (response) => {
        resolve(response.statusCode ?? 0);
        response.destroy();
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
