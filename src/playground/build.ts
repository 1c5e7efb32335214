import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { type ExampleOperation, readExamples } from './examples';
import {
  MANIFEST_FILE,
  packageRoot,
  PLAYGROUND_BUNDLE_DIR,
  type PlaygroundManifest,
} from './paths';

/**
 * Bundles the browser playground (GraphiQL, React, CodeMirror and the example tabs) into
 * `outDir` as one minified script and one stylesheet with content hashes in their names, plus
 * a manifest naming them. Nothing is loaded from a CDN: partners may sit behind firewalls.
 */
export async function buildPlayground(
  root: string = packageRoot(),
  outDir: string = path.join(root, PLAYGROUND_BUNDLE_DIR),
): Promise<PlaygroundManifest> {
  // Parsed here, so that a broken examples file fails the build rather than the page.
  const tabs = readExamples(root).map(({ query, variables }) => ({ query, variables }));
  // Built beside the target and swapped in whole, so a server never reads a manifest whose
  // files are not all written.
  const stagingDir = `${outDir}.staging-${process.pid}`;
  rmSync(stagingDir, { recursive: true, force: true });
  mkdirSync(stagingDir, { recursive: true });
  const result = await bundle(root, stagingDir, tabs).catch((error: unknown) => {
    rmSync(stagingDir, { recursive: true, force: true });
    throw error;
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => path.basename(file));
  const manifest: PlaygroundManifest = {
    script: single(outputs, '.js'),
    style: single(outputs, '.css'),
  };
  writeFileSync(path.join(stagingDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(stagingDir, outDir);

  return manifest;
}

function bundle(
  root: string,
  outDir: string,
  tabs: Array<Pick<ExampleOperation, 'query' | 'variables'>>,
) {
  return build({
    absWorkingDir: root,
    entryPoints: [path.join(root, 'src', 'playground', 'client', 'main.tsx')],
    outdir: outDir,
    entryNames: 'playground-[hash]',
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    metafile: true,
    logLevel: 'warning',
    define: {
      'process.env.NODE_ENV': '"production"',
      PULSE_EXAMPLE_TABS: JSON.stringify(tabs),
    },
  });
}

function single(files: string[], extension: string): string {
  const matching = files.filter((file) => file.endsWith(extension));
  if (matching.length !== 1) {
    throw new Error(`expected one ${extension} file in the playground bundle, got ${matching}`);
  }

  return matching[0];
}

if (require.main === module) {
  buildPlayground()
    .then((manifest) => {
      process.stdout.write(`playground bundled: ${manifest.script}, ${manifest.style}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? error}\n`);
      process.exit(1);
    });
}
