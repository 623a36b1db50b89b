import type { DockerNormalizedEvent, EventStatus, NormalizedEvent } from '../src/types.js';
import { formatDuration } from '../formatters/duration.js';
import { ParseError } from './common.js';
import { classify, exitMeaning, type DockerEvent, type DockerPayload } from './docker-events.js';

function uptime(startedAt?: string, finishedAt?: string): string | null {
  const a = Date.parse(startedAt ?? '');
  const b = Date.parse(finishedAt ?? '');
  if (!Number.isFinite(a) || !Number.isFinite(b) || b < a || a <= 0) return null;
  return formatDuration((b - a) / 1000);
}

/** The last lines that fit in `max` characters (whole lines; one long line is cut from its start). */
function tail(lines: string[], max: number): string {
  const kept: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i].replace(/```/g, "'''");
    if (used + line.length + 1 > max) {
      if (kept.length === 0) kept.unshift(`…${line.slice(-(max - 1))}`);
      break;
    }
    kept.unshift(line);
    used += line.length + 1;
  }
  return kept.join('\n');
}

const attr = (e: DockerEvent, k: string) => e.Actor?.Attributes?.[k];

/**
 * How often the container restarted: the Engine's own count (`RestartCount`, restarts by its restart policy) when
 * it was inspected, else the starts seen in the recent window before this one. A first start is 0, not 1.
 */
function restartCount(p: DockerPayload): number | null {
  if (typeof p.container?.restartCount === 'number') return p.container.restartCount;
  return p.restarts ? Math.max(0, p.restarts.count - 1) : null;
}

/**
 * The image an image event is about. A `tag` event's `name` is the NEW reference (`docker tag app:1 app:2` →
 * `app:2`); a `pull` event's Actor.ID is the reference pulled (`nginx:1.27`; its `name` is only `nginx`); other
 * actions name the image id, so its first tag (as inspected) says more.
 */
function imageRef(e: DockerEvent, tags: string[]): string {
  if (e.Action === 'tag' && attr(e, 'name')) return attr(e, 'name')!;
  if (e.Action === 'pull' && e.Actor?.ID && !e.Actor.ID.startsWith('sha256:')) return e.Actor.ID;
  const ref = tags[0] ?? attr(e, 'name') ?? e.id ?? e.Actor?.ID ?? 'image';
  return /^sha256:[0-9a-f]{64}$/.test(ref) ? ref.slice(0, 19) : ref; // an id alone: short, as `docker images` shows it
}

/** A Docker event (as the watcher stores it) into a normalized event. Pure. */
export function parseDocker(payload: unknown, receivedAt: string): NormalizedEvent {
  const p = payload as DockerPayload;
  const e = p?.event;
  if (!e || typeof e !== 'object' || !e.Type || !e.Action) throw new ParseError('not a Docker event');
  const category = classify(e);
  if (!category) throw new ParseError(`Docker ${e.Type} ${e.Action} is not reported`);
  const occurredAt = Number.isFinite(e.timeNano) ? new Date(Math.floor(e.timeNano / 1e6)).toISOString() : receivedAt;
  const name = p.container?.name ?? attr(e, 'name') ?? (e.Actor?.ID ?? '').slice(0, 12);
  const image = p.container?.image ?? attr(e, 'image') ?? e.from ?? '';
  const project = attr(e, 'com.docker.compose.project') ?? null;
  const service = attr(e, 'com.docker.compose.service') ?? null;
  const base = {
    source: 'docker' as const, action: e.Action, repo: project ?? undefined, occurredAt,
    fields: {
      container: name, container_id: (e.Actor?.ID ?? '').slice(0, 12), image, compose_project: project, compose_service: service,
      exit_code: null as number | null, exit_meaning: null as string | null, uptime: null as string | null,
      oom: false, health: null as string | null, restart_count: restartCount(p),
      suppressed: p.suppressed ?? 0, logs: (p.logs ?? []).join('\n'), reconciled: Boolean(p.reconciled),
      host: typeof p.host === 'string' ? p.host : null,
    },
  };
  const where = service ? ` (${project}/${service})` : '';
  const logsBlock = p.logs?.length ? `\n**Last log lines**\n\`\`\`\n${tail(p.logs, 1500)}\n\`\`\`` : '';
  const folded = p.suppressed ? `\n_${p.suppressed} similar event${p.suppressed === 1 ? '' : 's'} folded into this message._` : '';
  const note = p.reconciled ? '\n_Seen after reconnecting to Docker (the event itself was missed while the daemon was away)._' : '';
  let kind: DockerNormalizedEvent['kind'];
  let title: string;
  let status: EventStatus;
  let summary = '';
  if (category === 'start') {
    const loop = p.restarts && p.restarts.count >= 3;
    kind = 'docker.container.start';
    title = loop ? `🔁 ${name} restarted ${p.restarts!.count}× in ${p.restarts!.windowMin} min${where}` : `▶️ ${name} started${where}`;
    status = loop ? 'warning' : 'success';
  } else if (category === 'stop') {
    kind = 'docker.container.stop';
    title = `⏹️ ${name} stopped${where}`;
    status = 'neutral';
  } else if (category === 'die') {
    const code = Number(attr(e, 'exitCode') ?? p.container?.state?.ExitCode ?? NaN);
    const exit = Number.isFinite(code) ? code : null;
    const oom = Boolean(p.container?.state?.OOMKilled);
    base.fields.exit_code = exit;
    base.fields.oom = oom;
    base.fields.exit_meaning = exitMeaning(exit, oom);
    base.fields.uptime = uptime(p.container?.state?.StartedAt, p.container?.state?.FinishedAt);
    kind = 'docker.container.die';
    if (exit === 0 && !oom) {
      title = `⏹️ ${name} exited cleanly (exit 0)${where}`;
      status = 'neutral';
    } else {
      title = oom ? `🧨 ${name} was OOM-killed (exit ${exit ?? '?'})${where}` : `💥 ${name} crashed — exit ${exit ?? '?'} (${base.fields.exit_meaning})${where}`;
      status = 'failure';
    }
    if (base.fields.uptime) summary = `Up for ${base.fields.uptime} before it exited.`;
  } else if (category === 'oom') {
    kind = 'docker.container.oom';
    base.fields.oom = true;
    title = `🧨 ${name} ran out of memory (OOM)${where}`;
    status = 'failure';
  } else if (category === 'health') {
    const health = e.Action.split(':')[1]?.trim() ?? p.container?.state?.Health?.Status ?? 'unknown';
    base.fields.health = health;
    kind = 'docker.container.health';
    const probe = p.container?.state?.Health?.Log?.at(-1)?.Output?.trim();
    if (health === 'unhealthy') {
      title = `❤️‍🩹 ${name} is unhealthy${where}`;
      status = 'failure';
      if (probe) summary = `Failing probe output:\n\`\`\`\n${probe.slice(0, 800)}\n\`\`\``;
    } else {
      title = health === 'healthy' ? `💚 ${name} is healthy${where}` : `🩺 ${name} health: ${health}${where}`;
      status = health === 'healthy' ? 'success' : 'info';
    }
  } else {
    const tag = imageRef(e, p.image?.tags ?? []);
    const others = (p.image?.tags ?? []).filter((t) => t !== tag);
    const size = p.image?.sizeBytes ? `${(p.image.sizeBytes / 1e6).toFixed(1)} MB` : null;
    const layers = p.image?.layers ?? null;
    Object.assign(base.fields, { image: tag, size_mb: p.image?.sizeBytes ? Number((p.image.sizeBytes / 1e6).toFixed(1)) : null, layers });
    kind = 'docker.image';
    const removed = e.Action === 'delete' || e.Action === 'untag';
    title = removed ? `🗑️ Image ${e.Action === 'delete' ? 'deleted' : 'untagged'}: ${tag}`
      : e.Action === 'pull' ? `⬇️ Pulled ${tag}` : `📦 Build complete: ${tag}`;
    status = removed ? 'neutral' : 'success';
    summary = [size && `Size: ${size}`, layers !== null && `Layers: ${layers}`].filter(Boolean).join(' · ');
    if (others.length && !removed) summary += `${summary ? '\n' : ''}Also tagged: ${others.slice(0, 5).join(', ')}${others.length > 5 ? ` +${others.length - 5} more` : ''}`;
  }
  return {
    ...base, kind, event: category, title, status,
    summary: `${summary}${logsBlock}${folded}${note}`.trim() || undefined,
  };
}
