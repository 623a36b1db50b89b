import { describe, expect, it } from 'vitest';
import { formatEvent } from '../../formatters/format-event.js';
import { parseCustom } from '../../parsers/custom.js';
import { ParseError } from '../../parsers/common.js';
import { expectWithinDiscordLimits } from '../helpers/discord-limits.js';

const AT = '2026-01-01T00:00:00.000Z';

describe('custom JSON', () => {
  it('renders the seed template exactly', () => {
    const payload = { event: 'Server Alert', message: 'CPU usage at 95%' };
    const msg = formatEvent(parseCustom('event', payload, AT), '🔔 {{event}}: {{message}}', payload);
    expect(msg.content).toBe('🔔 Server Alert: CPU usage at 95%');
  });

  it('reads any JSON path in a template', () => {
    const payload = { type: 'x', data: { object: { amount: 2000, tags: ['a', 'b'] } } };
    const msg = formatEvent(parseCustom('event', payload, AT), 'amount={{data.object.amount}} {{#data.object.tags}}[{{.}}]{{/data.object.tags}}', payload);
    expect(msg.content).toBe('amount=2000 [a][b]');
  });

  it('builds a default message from common fields, coloured by severity', () => {
    const payload = { title: 'Disk almost full', message: 'db-1 at 97%', severity: 'critical', host: 'db-1', used: 97, tags: ['prod'], meta: { a: 1, b: 2 } };
    const e = parseCustom('event', payload, AT);
    expect(e.title).toBe('🚨 Disk almost full');
    expect(e.summary).toBe('db-1 at 97%');
    expect(e.status).toBe('failure');
    const embed = formatEvent(e, null, payload).embeds![0];
    expect(embed.color).toBe(0xcf222e);
    const fields = Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({ severity: 'critical', host: 'db-1', used: '97', tags: '[1 item]', meta: '{a, b}' });
    expect(fields.message).toBeUndefined(); // already the description
  });

  it.each([
    [{ status: 'resolved', alertname: 'HighLatency' }, 'success'],
    [{ level: 'warning', event: 'Slow query' }, 'warning'],
    [{ event: 'deploy', status: 'failed' }, 'failure'],
    [{ hello: 'world' }, 'neutral'],
  ])('colours %j as %s', (payload, status) => {
    expect(parseCustom('event', payload, AT).status).toBe(status);
  });

  it('gives Stripe events a payment-aware default', () => {
    const payload = { id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', created: 1767225600, livemode: false,
      data: { object: { id: 'pi_1', object: 'payment_intent', amount: 2000, currency: 'usd', customer: 'cus_9' } } };
    const e = parseCustom('payment_intent.succeeded', payload, AT, 'stripe');
    expect(e.title).toBe('💳 payment_intent.succeeded — 20.00 USD');
    expect(e.status).toBe('success');
    expect(e.url).toBe('https://dashboard.stripe.com/test/events/evt_1');
    expect(parseCustom('x', { ...payload, data: { object: { amount: 500, currency: 'jpy' } } }, AT, 'stripe').title).toContain('500 JPY');
  });

  it('gives Slack events and slash commands a readable default', () => {
    expect(parseCustom('event_callback', { type: 'event_callback', event: { type: 'app_mention', user: 'U1', text: 'deploy please' } }, AT, 'slack').title)
      .toBe('💬 Slack app mention from <@U1>');
    expect(parseCustom('/deploy', { command: '/deploy', text: 'prod', user_name: 'ana', channel_name: 'ops' }, AT, 'slack').summary).toBe('by ana in #ops');
  });

  it('stays within Discord limits for hostile JSON', () => {
    const payload: Record<string, unknown> = { title: 'x'.repeat(5000), message: 'y'.repeat(10000) };
    for (let i = 0; i < 100; i++) payload[`k${i}`] = 'v'.repeat(2000);
    expectWithinDiscordLimits(formatEvent(parseCustom('event', payload, AT), null, payload));
  });

  it('refuses a JSON array', () => {
    expect(() => parseCustom('event', [1, 2], AT)).toThrow(ParseError);
  });
});
