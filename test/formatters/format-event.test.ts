import { describe, expect, it } from 'vitest';
import { formatEvent } from '../../formatters/format-event.js';
import { fitToDiscordLimits, truncate } from '../../formatters/limits.js';
import { checkTemplate, TemplateError } from '../../formatters/template.js';
import { parseGithub } from '../../parsers/github.js';
import { samplePush } from '../../src/samples/github-push.js';
import { expectWithinDiscordLimits } from '../helpers/discord-limits.js';
import { example } from '../helpers/examples.js';

const AT = '2026-01-01T00:00:00.000Z';

describe('Discord limits', () => {
  it('truncates every part of a hostile, oversized embed with an ellipsis', () => {
    const huge = 'x'.repeat(10_000);
    const msg = fitToDiscordLimits({
      content: huge,
      embeds: Array.from({ length: 12 }, () => ({
        title: huge, description: huge, url: 'javascript:alert(1)', footer: { text: huge },
        author: { name: huge, url: 'not a url' },
        fields: Array.from({ length: 40 }, () => ({ name: huge, value: huge })),
      })),
    });
    expectWithinDiscordLimits(msg);
    expect(msg.content!.endsWith('…')).toBe(true);
    expect(msg.embeds![0].title!.length).toBe(256);
    expect(msg.embeds![0].url).toBeUndefined();
    expect(msg.embeds![0].author!.url).toBeUndefined();
  });

  it('never produces an empty message or an empty field', () => {
    const msg = fitToDiscordLimits({ embeds: [{ fields: [{ name: ' ', value: '' }] }] });
    expectWithinDiscordLimits(msg);
    expect(fitToDiscordLimits({ content: '   ' }).content).toBe('(empty event)');
  });

  it('does not split a surrogate pair when truncating', () => {
    const t = truncate('a' + '😀'.repeat(10), 4);
    expect(t).toBe('a😀…');
  });

  it('keeps a 1000-commit push inside the limits', () => {
    const p = samplePush('acme/api');
    p.commits = Array.from({ length: 1000 }, (_, i) => ({ ...p.commits[0], id: `${i}`.padStart(40, '0'), message: 'm'.repeat(3000) }));
    expectWithinDiscordLimits(formatEvent(parseGithub('push', p, AT)));
  });
});

describe('templates', () => {
  const push = samplePush('acme/api');
  const event = parseGithub('push', push, AT);

  it('sees normalized fields and the raw payload, without HTML escaping', () => {
    const msg = formatEvent(event, '📦 {{author}} pushed {{commit_count}} to {{branch}} & {{payload.repository.full_name}}: {{latest_commit_message}}', push);
    expect(msg.content).toBe('📦 monalisa pushed 2 to main & acme/api: Fix token refresh race (#41)');
    expect(msg.embeds).toBeUndefined();
    expect(msg.allowed_mentions).toEqual({ parse: [] });
  });

  it('renders the custom-hook seed example exactly', () => {
    const custom = { ...event, fields: { event: 'Server Alert', message: 'CPU usage at 95%' } } as typeof event;
    expect(formatEvent(custom, '🔔 {{event}}: {{message}}', {}).content).toBe('🔔 Server Alert: CPU usage at 95%');
  });

  it('falls back to the default embed when the template renders to nothing', () => {
    const msg = formatEvent(event, '{{no_such_field}}', push);
    expect(msg.embeds?.[0].title).toBe('[acme/api:main] 2 new commits');
  });

  it('refuses a template that does not parse, with mustache\'s message', () => {
    expect(() => checkTemplate('{{#items}} unclosed')).toThrow(TemplateError);
    expect(() => checkTemplate('{{#items}} unclosed')).toThrow(/Unclosed section/);
    expect(() => checkTemplate('{{title}}')).not.toThrow();
  });

  it('cuts a template output over 2000 characters', () => {
    const pr = example('pull_request');
    const msg = formatEvent(parseGithub('pull_request', pr, AT), '{{#payload.pull_request}}{{body}}{{/payload.pull_request}}'.repeat(1) + 'y'.repeat(3000), pr);
    expectWithinDiscordLimits(msg);
  });
});

describe('default embeds', () => {
  it('colours by outcome', () => {
    const p = example('workflow_run', (x) => x.action === 'completed');
    p.workflow_run.conclusion = 'failure';
    expect(formatEvent(parseGithub('workflow_run', p, AT)).embeds![0].color).toBe(0xcf222e);
    p.workflow_run.conclusion = 'success';
    expect(formatEvent(parseGithub('workflow_run', p, AT)).embeds![0].color).toBe(0x2da44e);
  });
});
