import { toHTML } from '@odiffey/discord-markdown';
import { describe, expect, it } from 'vitest';
import { renderEvent } from '../../formatters/format-event.js';
import { LINE_MAX, LINE_TEXT_MAX } from '../../formatters/line.js';
import { packMessages, type Packable } from '../../formatters/pack.js';
import { parseDelivery } from '../../parsers/index.js';
import { sampleDockerDie } from '../../src/samples/docker-die.js';
import { samplePush } from '../../src/samples/github-push.js';
import { sampleGitlabPipeline } from '../../src/samples/gitlab-pipeline.js';
import type { DiscordMessage, HookService } from '../../src/types.js';
import { expectWithinDiscordLimits } from '../helpers/discord-limits.js';
import { example } from '../helpers/examples.js';

const AT = '2026-01-01T00:00:00.000Z';
const HOSTILE = '@everyone <@&123456789012345678> **bold** ||s|| `c` [click](https://evil.example/x) https://evil.example/y\n# heading';

const rendered = (service: HookService, type: string, payload: unknown, template?: string): Packable =>
  renderEvent(parseDelivery(service, type, payload, AT), template, payload);

/** A busy channel's queue of real events, some of them hostile, each through the parser and renderer. */
function backlog(n: number): Packable[] {
  const pr = example('pull_request', (x) => x.action === 'opened');
  pr.pull_request.title = HOSTILE.repeat(50);
  const push = samplePush('acme/api');
  push.commits[1].message = HOSTILE;
  const kinds = [
    () => rendered('github', 'push', samplePush('acme/api')),
    () => rendered('github', 'pull_request', pr),
    () => rendered('github', 'push', push),
    () => rendered('ci', 'Pipeline Hook', sampleGitlabPipeline(Date.parse(AT))),
    () => rendered('docker', '', sampleDockerDie(Date.parse(AT))),
    () => rendered('custom', 'event', { title: HOSTILE, message: HOSTILE }, '🔔 {{title}}\n{{message}}'),
    () => rendered('github', 'issue_comment', example('issue_comment')),
  ];
  return Array.from({ length: n }, (_, i) => kinds[i % kinds.length]());
}

/** Packs a queue as the outbox does (200 rows at a time, oldest first) until it is empty. */
function drain(queue: Packable[]): { body: DiscordMessage; count: number }[] {
  const out: { body: DiscordMessage; count: number }[] = [];
  for (let rest = queue; rest.length > 0;) {
    const packed = packMessages(rest.slice(0, 200));
    out.push(packed);
    rest = rest.slice(packed.count);
  }
  return out;
}

const linesOf = (m: DiscordMessage) => (m.embeds ?? []).flatMap((e) => String(e.description ?? '').split('\n'));

describe('packing a backlog into one-line events', () => {
  it('keeps every event, in order, one line each, within Discord\'s limits, with no mention allowed', () => {
    const queue = backlog(500);
    const messages = drain(queue);
    expect(messages.reduce((n, m) => n + m.count, 0)).toBe(500);
    let seen = 0;
    for (const { body, count } of messages) {
      expectWithinDiscordLimits(body);
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.embeds![0].title).toBe(`📦 ${count} events (sent together while the channel was busy)`);
      const lines = linesOf(body);
      expect(lines).toHaveLength(count);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(LINE_MAX);
      // the same text as each event's own line, in queue order (links left off in a burst)
      lines.forEach((line, i) => expect(queue[seen + i].line).toContain(line.replace(/…$/, '')));
      seen += count;
      const html = body.embeds!.map((e) => toHTML(String(e.description), { embed: true })).join('\n');
      expect(html).not.toMatch(/d-mention|<strong|<code|d-spoiler|<h1|evil\.example\/x"/);
    }
  });

  it('links every line when the whole backlog fits in one message, and leaves links off in a burst to fit more', () => {
    const few = backlog(14);
    const one = packMessages(few);
    expect(one.count).toBe(14);
    expect(linesOf(one.body)).toEqual(few.map((p) => p.line));
    // every line but Docker's (no page) and the template's (its text as written) is a link
    expect(toHTML(String(one.body.embeds![0].description), { embed: true }).match(/<a href/g)).toHaveLength(10);

    const pushes = Array.from({ length: 200 }, (_, i) => rendered('github', 'push', samplePush(`acme/repo-${i}`)));
    const burst = packMessages(pushes);
    const lines = linesOf(burst.body);
    expect(lines[0]).toBe('\\[acme/repo-0:main\\] monalisa: Fix token refresh race (#41) (+1 more commit)');
    expect(burst.count).toBeGreaterThan(6000 / pushes[0].line.length); // more than linked lines could carry
    expect(toHTML(lines.join('\n'), { embed: true })).not.toContain('<a href');
  });

  it('a burst of 1,000 pushes needs at most 25 messages (Discord allows ~5 per 5 s per channel)', () => {
    const pushes = Array.from({ length: 1000 }, (_, i) => rendered('github', 'push', samplePush(`acme/repo-${i}`)));
    expect(drain(pushes).length).toBeLessThanOrEqual(25);
  });

  it('makes lines stored by older versions or templates safe: one line, within bounds, links not cut in half', () => {
    const body: DiscordMessage = { embeds: [{ title: 'an event', description: 'd'.repeat(3000) }] }; // two fill a message
    const legacy: Packable[] = [
      { body, line: `first\r\nsecond\u2028third` },
      { body, line: `[\\[acme/api\\] ${'x'.repeat(400)}](https://github.com/acme/api)` },
      { body, line: `**${'y'.repeat(5000)}**` },
      { body, line: '' },
    ];
    const many = [...legacy, ...Array.from({ length: 60 }, () => legacy[0])];
    const packed = packMessages(many);
    expectWithinDiscordLimits(packed.body);
    const lines = linesOf(packed.body);
    const count = packed.count;
    expect(lines).toHaveLength(count);
    expect(lines.slice(0, 4)).toEqual(['first second third', `\\[acme/api\\] ${'x'.repeat(LINE_TEXT_MAX - 14)}…`, `**${'y'.repeat(LINE_MAX - 3)}…`, '(event)']);
  });
});
