import type { NormalizedEvent } from '../src/types.js';
import { ParseError, parseGithub } from './github.js';

export { ParseError };

/** Picks the parser for a hook's service. */
export function parseDelivery(service: string, eventType: string, payload: unknown, receivedAt: string): NormalizedEvent {
  switch (service) {
    case 'github': return parseGithub(eventType, payload, receivedAt);
    default: throw new ParseError(`no parser for service ${service}`);
  }
}
