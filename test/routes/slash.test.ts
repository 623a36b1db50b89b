import { describe, expect, it } from 'vitest';
import { buildSlashCommands, interactionArgs } from '../../src/discord/slash-commands.js';

describe('/hook route', () => {
  it('is a subcommand with a channel picker, and runs the chat grammar', () => {
    const route = buildSlashCommands()[0].options.find((o) => o.name === 'route') as { options: { name: string }[] };
    expect(route.options.map((o) => o.name)).toEqual(['hook', 'action', 'match', 'channel', 'template', 'continue', 'value', 'ping', 'aggregate']);
    const opts = (o: Record<string, string>) => (n: string) => o[n] ?? null;
    expect(interactionArgs('route', opts({ hook: 'hook_001', action: 'add', match: 'event=release', channel: '<#100000000000000003>', template: '{{title}}', continue: 'yes' })))
      .toEqual(['hook_001', 'route', 'add', 'event=release', '<#100000000000000003>', '--template', '{{title}}', '--continue']);
    expect(interactionArgs('route', opts({ hook: 'hook_001', action: 'add', match: 'event=release', channel: '<#100000000000000003>', ping: '<@&100000000000000021>', aggregate: '5m' })))
      .toEqual(['hook_001', 'route', 'add', 'event=release', '<#100000000000000003>', '--ping', '<@&100000000000000021>', '--aggregate', '5m']);
    expect(interactionArgs('route', opts({ hook: 'hook_001', action: 'remove', value: '2' }))).toEqual(['hook_001', 'route', 'remove', '2']);
    expect(interactionArgs('route', opts({ hook: 'hook_001' }))).toEqual(['hook_001', 'route', 'list']);
  });
});
