import { describe, expect, it } from 'vitest';
import { formatEvent } from '../../formatters/format-event.js';
import { parseDocker } from '../../parsers/docker.js';
import { classify, exitMeaning, type DockerEvent, type DockerPayload } from '../../parsers/docker-events.js';
import { createCoalescer } from '../../src/docker/coalesce.js';
import { demuxLogs, frame } from '../../src/docker/demux.js';
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
