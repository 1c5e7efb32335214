import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import {
  MANIFEST_FILE,
  packageRoot,
  PLAYGROUND_BUNDLE_DIR,
  type PlaygroundManifest,
} from '../playground/paths';

/** URL prefix of the playground's script and stylesheet. */
export const PLAYGROUND_ASSETS_PATH = '/graphql/playground/';

export interface PlaygroundOptions {
  /** Folder of the bundle `npm run build` makes. Defaults to `dist/playground` of the package. */
  bundleDir?: string;
}

// Everything the page needs comes from this server: no CDN (partners may sit behind
// firewalls), no inline script, and a browser that enforces this policy refuses anything
// else. GraphiQL's fonts and icons are data: URLs inside its stylesheet; 'self' in
// connect-src covers ws: to the same host for subscriptions (CSP level 3).
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The self-hosted GraphiQL: the page at GET /graphql for browsers and its bundled assets.
 * Files are read on each request, so a rebuild shows without a restart; when the bundle is
 * missing both answer 503 saying how to make it.
 */
export function createPlayground(options: PlaygroundOptions = {}) {
  const bundleDir = options.bundleDir ?? path.join(packageRoot(), PLAYGROUND_BUNDLE_DIR);

  async function manifest(): Promise<PlaygroundManifest | null> {
    try {
      return JSON.parse(await readFile(path.join(bundleDir, MANIFEST_FILE), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return null;
      }
      throw error;
    }
  }

  return {
    async page(response: ServerResponse): Promise<void> {
      const files = await manifest();
      if (!files) {
        sendMissingBundle(response);

        return;
      }
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        // The page names the current asset hashes, so it must be revalidated.
        'cache-control': 'no-cache',
        ...SECURITY_HEADERS,
      });
      response.end(pageHtml(files));
    },

    /** Serves `name` when the manifest lists it (so no path from the URL reaches the disk). */
    async asset(response: ServerResponse, name: string): Promise<void> {
      const files = await manifest();
      if (!files) {
        sendMissingBundle(response);

        return;
      }
      if (name !== files.script && name !== files.style) {
        // The policy too: README promises it on every playground response, and this one
        // echoes the URL.
        response.writeHead(404, {
          'content-type': 'text/plain; charset=utf-8',
          ...SECURITY_HEADERS,
        });
        response.end(`Not found: ${PLAYGROUND_ASSETS_PATH}${name}`);

        return;
      }
      const body = await readFile(path.join(bundleDir, name));
      response.writeHead(200, {
        'content-type': CONTENT_TYPES[path.extname(name)],
        // Names carry a content hash: a changed file gets a new name.
        'cache-control': 'public, max-age=31536000, immutable',
        ...SECURITY_HEADERS,
      });
      response.end(body);
    },
  };
}

export type Playground = ReturnType<typeof createPlayground>;

function sendMissingBundle(response: ServerResponse): void {
  response.writeHead(503, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
  });
  response.end(
    'The playground is not built: run `npm run build` (it bundles the browser code into ' +
      `${PLAYGROUND_BUNDLE_DIR}), then reload.\n`,
  );
}

// Asset URLs are relative to the page at `/graphql` (`graphql/playground/…` from there), so the
// page also works behind a proxy that mounts Pulse under a path prefix.
function pageHtml(files: PlaygroundManifest): string {
  const base = PLAYGROUND_ASSETS_PATH.slice(1);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pulse GraphQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}${files.style}">
<script defer src="${base}${files.script}"></script>
</head>
<body>
<div id="playground"><noscript>The Pulse playground needs JavaScript.</noscript></div>
</body>
</html>
`;
}
