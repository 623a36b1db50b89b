import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseGithub } from '../../parsers/github.js';
import { formatEvent } from '../../formatters/format-event.js';
import { expectWithinDiscordLimits } from '../helpers/discord-limits.js';

const require = createRequire(import.meta.url);
const examples: { name: string; examples: Record<string, unknown>[] }[] = require('@octokit/webhooks-examples');
const all = examples.flatMap((e) => e.examples.map((payload, i) => ({ event: e.name, i, payload })));

describe('every @octokit/webhooks-examples payload', () => {
  it('covers the whole collection (300+ payloads)', () => {
    expect(all.length).toBeGreaterThan(300);
  });

  it.each(all.map((x) => [`${x.event} #${x.i}`, x] as const))('%s parses and formats within Discord limits', (_name, x) => {
    const event = parseGithub(x.event, x.payload, '2026-01-01T00:00:00.000Z');
    expect(event.source).toBe('github');
    expect(event.title.trim().length).toBeGreaterThan(0);
    expect(event.title).not.toMatch(/undefined|\[object Object\]/);
    const msg = formatEvent(event, null, x.payload);
    expectWithinDiscordLimits(msg);
    expect(JSON.stringify(msg)).not.toMatch(/undefined|\[object Object\]|NaN/);
    // With a template that reads both normalized fields and the payload.
    const templated = formatEvent(event, '{{title}} by {{actor}} — {{payload.repository.full_name}}', x.payload);
    expectWithinDiscordLimits(templated);
  });
});
