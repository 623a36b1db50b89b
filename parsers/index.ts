import type { HookService, HookVerify, NormalizedEvent } from '../src/types.js';
import { parseGithub } from './github.js';
import { ParseError } from './common.js';
import { parseCustom } from './custom.js';
import { parseDocker } from './docker.js';
import { parseCi } from './ci.js';
import { parsePoll } from './poll.js';

export { ParseError };

/** Picks the parser for a hook's service. */
export function parseDelivery(service: HookService, eventType: string, payload: unknown, receivedAt: string, scheme?: HookVerify): NormalizedEvent {
  switch (service) {
    case 'github': return parseGithub(eventType, payload, receivedAt);
    case 'custom': return parseCustom(eventType, payload, receivedAt, scheme);
    case 'docker': return parseDocker(payload, receivedAt);
    case 'ci': return parseCi(eventType, payload, receivedAt);
    case 'poll': return parsePoll(eventType, payload, receivedAt);
    default: throw new ParseError(`no parser for service ${String(service satisfies never)}`);
  }
}
