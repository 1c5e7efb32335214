import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildPlayground } from '../../../src/playground/build';
import {
  MANIFEST_FILE,
  packageRoot,
  PLAYGROUND_BUNDLE_DIR,
  type PlaygroundManifest,
} from '../../../src/playground/paths';
import { createPlayground } from '../../../src/server/playground';
import { describeEachDialect } from '../support/dialects';

const CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

let manifest: PlaygroundManifest;

beforeAll(async () => {
  // The server serves the bundle of `npm run build`; any bundle will do here (the browser test
  // rebuilds it from the current sources), so it is built only when missing.
  const manifestFile = path.join(packageRoot(), PLAYGROUND_BUNDLE_DIR, MANIFEST_FILE);
  manifest = existsSync(manifestFile)
    ? JSON.parse(readFileSync(manifestFile, 'utf8'))
    : await buildPlayground();
}, 60_000);

describeEachDialect('playground over HTTP', (pulse) => {
  const asset = (name: string) => fetch(new URL(`/graphql/playground/${name}`, pulse().url));

  it('serves the page on GET /graphql for a browser, with a strict CSP and no foreign URL', async () => {
    const response = await fetch(pulse().url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CSP);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('<title>Pulse GraphQL</title>');
    expect(html).toContain(`<script defer src="graphql/playground/${manifest.script}"></script>`);
    expect(html).toContain(`<link rel="stylesheet" href="graphql/playground/${manifest.style}">`);
    expect(html.match(/(https?|wss?):\/\/[^\s"'<>)]+/g)).toBeNull();
  });

  it('answers GraphQL, not the page, on GET /graphql with a query string', async () => {
    const response = await fetch(`${pulse().url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'text/html, application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it.each([
    ['script', 'text/javascript; charset=utf-8'],
    ['style', 'text/css; charset=utf-8'],
  ] as const)('serves the bundled %s as %s, cached for good', async (kind, contentType) => {
    const response = await asset(manifest[kind]);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
  });

  it.each([['playground-unknown.js'], ['manifest.json'], ['..%2F..%2Fpackage.json']])(
    'answers 404 for %s, a file the bundle manifest does not list',
    async (name) => {
      const response = await asset(name);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe(`Not found: /graphql/playground/${name}`);
      // README: every playground response carries the policy; this one echoes the URL.
      expect(response.headers.get('content-security-policy')).toBe(CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    },
  );
});

describe('playground without a bundle', () => {
  let dir: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pulse-no-bundle-'));
    const playground = createPlayground({ bundleDir: dir });
    server = createServer((request, response) => {
      void (request.url === '/graphql'
        ? playground.page(response)
        : playground.asset(response, 'playground-x.js'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([['/graphql'], ['/graphql/playground/playground-x.js']])(
    'answers %s with 503 and says to run npm run build',
    async (url) => {
      const response = await fetch(`${base}${url}`);
      expect(response.status).toBe(503);
      expect(response.headers.get('content-security-policy')).toBe(CSP);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.text()).toBe(
        'The playground is not built: run `npm run build` (it bundles the browser code into ' +
          'dist/playground), then reload.\n',
      );
    },
  );
});
