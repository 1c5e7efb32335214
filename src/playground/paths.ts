import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where the bundled playground lives, from the package root. */
export const PLAYGROUND_BUNDLE_DIR = path.join('dist', 'playground');

/** The bundle's list of files: which built file is the script and which the stylesheet. */
export const MANIFEST_FILE = 'manifest.json';

export interface PlaygroundManifest {
  script: string;
  style: string;
}

/**
 * The nearest folder at or above `from` that holds a package.json. Code runs from `src/` under
 * ts-jest and from `dist/src/` when built; both sit under the package root.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no package.json at or above ${from}`);
    }
  }
}
