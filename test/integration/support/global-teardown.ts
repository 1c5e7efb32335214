import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.pulseTestMariaDb;
  if (server) {
    await server.stop();
    rmSync(server.dir, { recursive: true, force: true });
  }
}
