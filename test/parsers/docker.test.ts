import { describe, expect, it } from 'vitest';
import { formatEvent } from '../../formatters/format-event.js';
import { parseDocker } from '../../parsers/docker.js';
import { classify, exitMeaning, type DockerEvent, type DockerPayload } from '../../parsers/docker-events.js';
import { createCoalescer } from '../../src/docker/coalesce.js';
import { demuxLogs, frame, orderByTimestamp } from '../../src/docker/demux.js';
import { sampleDockerDie } from '../../src/samples/docker-die.js';
import { expectWithinDiscordLimits } from '../helpers/discord-limits.js';

const AT = '2026-01-01T00:00:00.000Z';
const ID = 'c'.repeat(64);

/** An event in dockerd's exact shape (`docker events --format '{{json .}}'`). */
function ev(Type: string, Action: string, attrs: Record<string, string> = {}): DockerEvent {
  return {
    status: Action, id: ID, from: 'nginx:1.27', Type, Action,
    Actor: { ID, Attributes: { image: 'nginx:1.27', name: 'edge-proxy', 'com.docker.compose.project': 'edge', 'com.docker.compose.service': 'proxy', ...attrs } },
    scope: 'local', time: 1767225600, timeNano: 1767225600123456789,
  };
}

describe('Docker events', () => {
  it('classifies what is reported and drops exec_* probe noise', () => {
    expect(classify(ev('container', 'exec_start: /bin/sh -c curl -f http://localhost/ || exit 1'))).toBeNull();
    expect(classify(ev('container', 'exec_die'))).toBeNull();
    expect(classify(ev('container', 'health_status: unhealthy'))).toBe('health');
    expect(classify(ev('container', 'die'))).toBe('die');
    expect(classify(ev('container', 'attach'))).toBeNull();
    expect(classify(ev('image', 'pull'))).toBe('build');
    expect(classify(ev('network', 'connect'))).toBeNull();
    // `docker restart` streams start then restart: the start is the one reported.
    expect(classify(ev('container', 'start'))).toBe('start');
    expect(classify(ev('container', 'restart'))).toBeNull();
  });

  it.each([[0, 'clean exit'], [1, 'application error'], [137, 'killed (SIGKILL — often OOM or docker kill)'], [139, 'segmentation fault (SIGSEGV)'], [143, 'terminated (SIGTERM)'], [135, 'killed by signal 7']])(
    'names exit code %i', (code, meaning) => expect(exitMeaning(code)).toBe(meaning),
  );

  it('reads a segfault with uptime and logs', () => {
    const p: DockerPayload = {
      event: ev('container', 'die', { exitCode: '139' }),
      container: { name: 'edge-proxy', image: 'nginx:1.27', state: { ExitCode: 139, StartedAt: '2026-01-01T00:00:00Z', FinishedAt: '2026-01-01T00:03:24Z' } },
      logs: ['worker process 31 exited on signal 11'],
    };
    const e = parseDocker(p, AT);
    expect(e.title).toBe('💥 edge-proxy crashed — exit 139 (segmentation fault (SIGSEGV)) (edge/proxy)');
    expect(e.status).toBe('failure');
    expect(e.summary).toContain('Up for 3m 24s');
    expect(e.fields).toMatchObject({ compose_project: 'edge', compose_service: 'proxy', exit_code: 139 });
    expect(e.occurredAt).toBe('2026-01-01T00:00:00.123Z');
  });

  it('reads an OOM kill and trims long logs to fit, keeping the last lines', () => {
    const p = sampleDockerDie(Date.parse(AT));
    p.logs = Array.from({ length: 500 }, (_, i) => `line ${i} ${'x'.repeat(100)}`);
    const e = parseDocker(p, AT);
    expect(e.title).toContain('OOM-killed');
    expect(e.summary).toContain('line 499');
    expect(e.summary).not.toContain('line 0 ');
    expectWithinDiscordLimits(formatEvent(e));
    expect(formatEvent(e).embeds![0].description!.endsWith('```')).toBe(true);
  });

  it('reads health changes, with the failing probe output', () => {
    const p: DockerPayload = {
      event: ev('container', 'health_status: unhealthy'),
      container: { name: 'edge-proxy', image: 'nginx:1.27', state: { Health: { Status: 'unhealthy', Log: [{ Output: 'curl: (7) Failed to connect', ExitCode: 7 }] } } },
    };
    const bad = parseDocker(p, AT);
    expect(bad.title).toBe('❤️‍🩹 edge-proxy is unhealthy (edge/proxy)');
    expect(bad.summary).toContain('curl: (7) Failed to connect');
    const good = parseDocker({ event: ev('container', 'health_status: healthy') }, AT);
    expect(good.title).toBe('💚 edge-proxy is healthy (edge/proxy)');
    expect(good.status).toBe('success');
  });

  it('reads a restart loop', () => {
    const e = parseDocker({ event: ev('container', 'start'), restarts: { count: 3, windowMin: 5 } }, AT);
    expect(e.title).toBe('🔁 edge-proxy restarted 3× in 5 min (edge/proxy)');
    expect(e.fields).toMatchObject({ restart_count: 2 });
  });

  it('reads a first start as no restart, and takes the restart count from the Engine when it has one', () => {
    const first = parseDocker({ event: ev('container', 'start'), restarts: { count: 1, windowMin: 5 } }, AT);
    expect(first.title).toBe('▶️ edge-proxy started (edge/proxy)');
    expect(first.fields).toMatchObject({ restart_count: 0 });
    expect(JSON.stringify(formatEvent(first).embeds![0].fields)).not.toContain('Restarts');
    expect(formatEvent(first).embeds![0].footer!.text).toBe('docker · start');
    const policy = parseDocker({
      event: ev('container', 'start'), restarts: { count: 1, windowMin: 5 },
      container: { name: 'edge-proxy', image: 'nginx:1.27', restartCount: 4 },
    }, AT);
    expect(formatEvent(policy).embeds![0].fields).toContainEqual({ name: 'Restarts', value: '4', inline: true });
  });

  it('names a Docker action once in the footer', () => {
    const footer = (e: DockerEvent) => formatEvent(parseDocker({ event: e }, AT)).embeds![0].footer!.text;
    expect(footer(ev('container', 'die', { exitCode: '1' }))).toBe('docker · die');
    expect(footer(ev('container', 'oom'))).toBe('docker · oom');
    expect(footer(ev('container', 'health_status: unhealthy'))).toBe('docker · health_status: unhealthy');
  });

  it('names the new tag of a tag event, the reference of a pull, and an image id short', () => {
    const id = `sha256:${'e'.repeat(64)}`;
    const image = (Action: string, name: string, tags: string[], actor = id): DockerPayload => ({
      event: { status: Action, id: actor, Type: 'image', Action, Actor: { ID: actor, Attributes: { name } }, scope: 'local', time: 1767225600, timeNano: 1767225600e9 },
      image: { tags, sizeBytes: 5_000_000, layers: 1 },
    });
    // `docker tag app:1 app:2`, as dockerd 20.10 streams it: Actor.ID is the image id, name is the new reference.
    const tagged = parseDocker(image('tag', 'app:2', ['app:1', 'app:2']), AT);
    expect(tagged.title).toBe('📦 Build complete: app:2');
    expect(tagged.fields).toMatchObject({ image: 'app:2' });
    expect(tagged.summary).toContain('Also tagged: app:1');
    expect(formatEvent(tagged).embeds![0].footer!.text).toBe('docker · tag');
    // A pull: Actor.ID is the reference, name only the repository (moby daemon/images/image_pull.go).
    expect(parseDocker(image('pull', 'nginx', ['nginx:1.27', 'nginx:latest'], 'nginx:1.27'), AT).title).toBe('⬇️ Pulled nginx:1.27');
    // A deleted image names only its id.
    expect(parseDocker({ event: image('delete', id, []).event }, AT).title).toBe(`🗑️ Image deleted: sha256:${'e'.repeat(12)}`);
  });
});

describe('log demultiplexing', () => {
  it('splits stdout and stderr frames, and raw TTY output', () => {
    const buf = Buffer.concat([frame('stdout', 'hello\nworld\n'), frame('stderr', 'boom\n')]);
    expect(demuxLogs(buf)).toEqual([
      { stream: 'stdout', line: 'hello' }, { stream: 'stdout', line: 'world' }, { stream: 'stderr', line: 'boom' },
    ]);
    expect(demuxLogs(Buffer.from('a\r\nb\n'), true)).toEqual([{ stream: 'stdout', line: 'a' }, { stream: 'stdout', line: 'b' }]);
  });

  it('orders lines by the times the Engine stamped (timestamps=1) and removes them', () => {
    // As dockerd 20.10 stored a burst: stdout first, though the stamps interleave (trailing zeros trimmed, RFC 3339 nano).
    const buf = Buffer.concat([
      frame('stdout', '2026-11-30T15:43:27.31604Z GET /a\n'),
      frame('stdout', '2026-11-30T15:43:27.316050183Z GET /b\n'),
      frame('stderr', '2026-11-30T15:43:27.316045Z warn: slow\n'),
      frame('stderr', '2026-11-30T16:43:28.1+01:00 boom 2026-01-01T00:00:00Z\n'),
    ]);
    expect(orderByTimestamp(demuxLogs(buf))).toEqual([
      { stream: 'stdout', line: 'GET /a' }, { stream: 'stderr', line: 'warn: slow' },
      { stream: 'stdout', line: 'GET /b' }, { stream: 'stderr', line: 'boom 2026-01-01T00:00:00Z' },
    ]);
    // Equal times keep the Engine's order; without times (an Engine that ignored the option) nothing changes.
    const same = [{ line: '2026-11-30T15:43:27Z b' }, { line: '2026-11-30T15:43:27Z a' }];
    expect(orderByTimestamp(same).map((l) => l.line)).toEqual(['b', 'a']);
    const plain = [{ line: 'b' }, { line: '2026-11-30T15:43:27Z a' }];
    expect(orderByTimestamp(plain)).toEqual(plain);
  });
});

describe('coalescer', () => {
  it('posts once per key and window, and counts what it folds', () => {
    let t = 0;
    const c = createCoalescer({ now: () => t, windowMs: 1000 });
    expect(c.offer('web:start')).toEqual({ post: true, suppressed: 0 });
    expect(c.offer('web:start')).toEqual({ post: false });
    expect(c.offer('db:start')).toEqual({ post: true, suppressed: 0 });
    t = 1500;
    expect(c.offer('web:start')).toEqual({ post: true, suppressed: 1 });
    expect(c.countStart('web').count).toBe(1);
    expect(c.countStart('web').count).toBe(2);
  });
});
