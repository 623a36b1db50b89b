import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const all: { name: string; examples: any[] }[] = require('@octokit/webhooks-examples');

/** The first real GitHub example payload of `event` matching `pick` (deep-copied so tests may modify it). */
export function example(event: string, pick: (p: any) => boolean = () => true): any {
  const found = all.find((e) => e.name === event)?.examples.find(pick);
  if (!found) throw new Error(`no ${event} example matches`);
  return structuredClone(found);
}
