/**
 * A real Docker registry for the image-update tests: Debian's `docker-registry` package (the CNCF distribution
 * registry, `apt-get install docker-registry`), started as `docker-registry serve <config.yml>` on 127.0.0.1 with its
 * storage in a temp dir, and stopped (its dir removed) at the end. A Docker Engine talks plain HTTP to a registry on
 * 127.0.0.0/8 by default, so no insecure-registries setting is needed. Without the binary the suite is skipped with
 * the reason; in CI (CI=true) as root that is an error: `.ci/run` installs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINARY = ['/usr/bin/docker-registry', '/usr/local/bin/docker-registry'].find((p) => existsSync(p));

export interface LocalRegistry {
  /** `127.0.0.1:<port>`: the first part of the image references pushed to it. */
  host: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts a registry, or says why none can run here. */
export async function startLocalRegistry(): Promise<{ registry: LocalRegistry } | { skip: string }> {
  if (!BINARY) {
    const reason = 'no docker-registry binary (apt-get install docker-registry)';
    if (process.env.CI === 'true' && process.getuid?.() === 0) throw new Error(`${reason}: CI must run the image-update tests (.ci/run installs it)`);
    return { skip: reason };
  }
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-registry-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(config, [
    'version: 0.1',
    'log:', '  level: warn',
    'storage:', `  filesystem:`, `    rootdirectory: ${join(dir, 'data')}`, '  delete:', '    enabled: true',
    'http:', `  addr: 127.0.0.1:${port}`,
  ].join('\n'));
  const logPath = join(dir, 'registry.log');
  const log = openSync(logPath, 'a');
  const child: ChildProcess = spawn(BINARY, ['serve', config], { stdio: ['ignore', log, log] });
  closeSync(log);
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  let exited = false;
  child.once('exit', () => { exited = true; process.off('exit', onExit); });
  const stop = async () => {
    if (!exited) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const host = `127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) { // up to 20 s
    if (exited) break;
    if (await fetch(`http://${host}/v2/`).then((r) => r.ok, () => false)) return { registry: { host, stop } };
    await new Promise((r) => setTimeout(r, 100));
  }
  const tail = existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
  await stop();
  return { skip: `docker-registry did not start:\n${tail}` };
}
