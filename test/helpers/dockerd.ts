/**
 * A real Docker Engine for the real-engine tests (`test/e2e/docker-real.test.ts`).
 *
 * - `HOOKBOT_TEST_DOCKER_HOST=unix:///…` (as `DOCKER_HOST`) uses an engine that is already running; it is left
 *   running, only the test containers are removed at the end.
 * - Otherwise, when this process is root and `dockerd` is installed (Debian: `apt-get install docker.io
 *   busybox-static`), a private daemon is started for the test run: its own data root, exec root, pidfile,
 *   config file and socket under a fresh temp dir, `--iptables=false --bridge=none --storage-driver=vfs`, so it
 *   never touches a system daemon; it is stopped and its dir removed when the suite ends.
 * - Otherwise the suite is skipped with the reason (`skip`). In CI (CI=true) as root a missing `dockerd` or busybox is
 *   an error: `.ci/run` installs them.
 *
 * The test image is built once per engine: `docker import` of a root filesystem holding a static busybox and
 * its applet symlinks (no registry is needed). Test containers have no network (`NetworkMode: none`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { dockerOptions } from '../../src/docker/docker-options.js';

const run = promisify(execFile);

/** The image the tests run: busybox's `sh`, `echo`, `sleep`… under `/bin`. */
export const TEST_IMAGE = 'hookbot-test-busybox:1';
/** Every container the tests create carries this label, so that the end of the run can remove them. */
const LABEL = 'hookbot.test';
const APPLETS = ['sh', 'echo', 'sleep', 'cat', 'true', 'false', 'ls', 'yes', 'head', 'kill', 'touch', 'test'];

export interface TestEngine {
  dockerHost: string;
  docker: Docker;
  /** Whether the engine can enforce memory limits (cgroup memory controller); `docker info`'s MemoryLimit. */
  memoryLimit: boolean;
  /** Creates and starts a container of the test image (no network, labelled for clean-up). */
  run(name: string, cmd: string[], opts?: { memoryBytes?: number; health?: { cmd: string; intervalMs: number; retries: number } }): Promise<Docker.Container>;
  /**
   * Makes the engine emit an event hookbot never reports (a container `create`), and returns a time (ns) that
   * the event's `timeNano` is not before: once the watcher has handled up to it, it has seen everything earlier.
   */
  mark(): Promise<number>;
  /** Removes the test containers; stops the daemon (and removes its dir) when this helper started it. */
  stop(): Promise<void>;
}

const which = (name: string): string | undefined =>
  [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/local/bin']
    .filter(Boolean).map((d) => join(d, name)).find((p) => existsSync(p));

/** True when `path` is an ELF executable without a program interpreter (statically linked). */
function isStatic(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) return false; // ELF64, little endian
    const phoff = Number(head.readBigUInt64LE(0x20));
    const size = head.readUInt16LE(0x36);
    const count = head.readUInt16LE(0x38);
    const ph = Buffer.alloc(size * count);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < count; i++) if (ph.readUInt32LE(i * size) === 3) return false; // PT_INTERP
    return true;
  } finally {
    closeSync(fd);
  }
}

/** Starts (or reuses) an engine for this test run, or says why none can run here. */
export async function startTestEngine(): Promise<{ engine: TestEngine } | { skip: string }> {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => existsSync(p) && isStatic(p));
  const external = process.env.HOOKBOT_TEST_DOCKER_HOST;
  if (external) {
    if (!busybox) throw new Error('HOOKBOT_TEST_DOCKER_HOST is set but no static busybox is installed (apt-get install busybox-static)');
    return { engine: await prepare(external, busybox, async () => {}) };
  }
  const dockerd = which('dockerd');
  const missing = !dockerd ? 'no dockerd binary' : !busybox ? 'no static busybox to build the test image from' : undefined;
  if (missing) {
    const reason = `${missing} (apt-get install docker.io busybox-static, or set HOOKBOT_TEST_DOCKER_HOST)`;
    if (process.env.CI === 'true' && process.getuid?.() === 0) throw new Error(`${reason}: CI must run the real-engine Docker tests (.ci/run installs them)`);
    return { skip: reason };
  }
  if (process.getuid?.() !== 0) return { skip: 'dockerd needs root to run (or set HOOKBOT_TEST_DOCKER_HOST to a running engine)' };
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-dockerd-'));
  const started = await startDaemon(dockerd!, dir);
  if ('skip' in started) {
    rmSync(dir, { recursive: true, force: true });
    return started;
  }
  const stopDaemon = async () => {
    await stopProcess(started.child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    return { engine: await prepare(started.dockerHost, busybox!, stopDaemon) };
  } catch (err) {
    await stopDaemon();
    throw err;
  }
}

/** dockerd on a private socket; resolves when it answers `/_ping` (up to 60 s), or says why it did not start. */
async function startDaemon(dockerd: string, dir: string): Promise<{ dockerHost: string; child: ChildProcess } | { skip: string }> {
  const socket = join(dir, 'docker.sock');
  writeFileSync(join(dir, 'daemon.json'), '{}');
  const logPath = join(dir, 'dockerd.log');
  const log = openSync(logPath, 'a');
  const child = spawn(dockerd, [
    '--iptables=false', '--ip-masq=false', '--bridge=none', '--storage-driver=vfs', '--shutdown-timeout=2',
    `--config-file=${join(dir, 'daemon.json')}`, `--data-root=${join(dir, 'data')}`, `--exec-root=${join(dir, 'exec')}`,
    `--pidfile=${join(dir, 'dockerd.pid')}`, `-H=unix://${socket}`,
  ], { stdio: ['ignore', log, log] });
  closeSync(log);
  // A test process that ends without its afterAll must not leave the daemon behind.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  child.once('exit', () => process.off('exit', onExit));
  let exited = false;
  child.once('exit', () => { exited = true; });
  const docker = new Docker({ socketPath: socket });
  const tail = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').slice(-5).join('\n') : '');
  for (let i = 0; i < 600; i++) { // up to 60 s
    if (exited) return { skip: `dockerd could not start here:\n${tail()}` };
    if (existsSync(socket) && await docker.ping().then(() => true, () => false)) return { dockerHost: `unix://${socket}`, child };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopProcess(child);
  return { skip: `dockerd did not answer within 60 s:\n${tail()}` };
}

/** SIGTERM (dockerd stops its containers and containerd), then SIGKILL if it is still running after 30 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => { timer = setTimeout(() => r('late'), 30_000); });
  if (await Promise.race([exited, late]) === 'late') {
    child.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}

/** Builds the test image (once per engine) and returns the engine's test API. */
async function prepare(dockerHost: string, busybox: string, stopDaemon: () => Promise<void>): Promise<TestEngine> {
  const docker = new Docker(dockerOptions(dockerHost));
  await docker.ping();
  const info = await docker.info();
  if (!(await docker.getImage(TEST_IMAGE).inspect().then(() => true, () => false))) await importImage(docker, busybox);
  const mine = async () => (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [LABEL] }) }))
    .map((c) => docker.getContainer(c.Id));
  for (const c of await mine()) await c.remove({ force: true }); // left by an earlier run on a reused engine

  return {
    dockerHost,
    docker,
    memoryLimit: Boolean(info.MemoryLimit),
    async run(name, cmd, opts = {}) {
      const c = await docker.createContainer({
        name, Image: TEST_IMAGE, Cmd: cmd, Labels: { [LABEL]: '1' },
        HostConfig: { NetworkMode: 'none', ...(opts.memoryBytes ? { Memory: opts.memoryBytes, MemorySwap: opts.memoryBytes } : {}) },
        ...(opts.health ? {
          Healthcheck: {
            Test: ['CMD-SHELL', opts.health.cmd], Interval: opts.health.intervalMs * 1e6, Timeout: 5e9,
            Retries: opts.health.retries, StartPeriod: 0,
          },
        } : {}),
      });
      await c.start();
      return c;
    },
    async mark() {
      const at = Date.now() * 1e6;
      await docker.createContainer({ Image: TEST_IMAGE, Cmd: ['true'], Labels: { [LABEL]: '1' }, HostConfig: { NetworkMode: 'none' } });
      return at;
    },
    async stop() {
      for (const c of await mine().catch(() => [])) await c.remove({ force: true }).catch(() => {});
      // Tags the tests added to the test image (the image itself stays, for the next run on a reused engine).
      const repo = TEST_IMAGE.split(':')[0];
      const images = await docker.listImages({ filters: JSON.stringify({ reference: [repo] }) }).catch(() => []);
      for (const tag of images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== TEST_IMAGE)) {
        await docker.getImage(tag).remove().catch(() => {});
      }
      await stopDaemon();
    },
  };
}

/** `docker import` of a root filesystem with `/bin/busybox` and its applets as symlinks. */
async function importImage(docker: Docker, busybox: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hookbot-rootfs-'));
  try {
    const root = join(dir, 'rootfs');
    mkdirSync(join(root, 'bin'), { recursive: true });
    mkdirSync(join(root, 'tmp'));
    copyFileSync(busybox, join(root, 'bin', 'busybox'));
    chmodSync(join(root, 'bin', 'busybox'), 0o755);
    for (const a of APPLETS) symlinkSync('busybox', join(root, 'bin', a));
    await run('tar', ['-C', root, '-cf', join(dir, 'rootfs.tar'), '.']);
    const [repo, tag] = TEST_IMAGE.split(':');
    const stream = await docker.importImage(createReadStream(join(dir, 'rootfs.tar')), { repo, tag });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
