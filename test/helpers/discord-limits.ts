import { expect } from 'vitest';
import type { DiscordMessage } from '../../src/types.js';

/** Asserts a message would be accepted by Discord (lengths, counts, non-empty, valid URLs). */
export function expectWithinDiscordLimits(msg: DiscordMessage): void {
  const embeds = msg.embeds ?? [];
  expect(Boolean(msg.content?.trim()) || embeds.length > 0, 'message is empty').toBe(true);
  expect((msg.content ?? '').length).toBeLessThanOrEqual(2000);
  expect(embeds.length).toBeLessThanOrEqual(10);
  let total = 0;
  for (const e of embeds) {
    expect(Boolean(e.title || e.description || e.fields?.length), 'embed is empty').toBe(true);
    expect((e.title ?? '').length).toBeLessThanOrEqual(256);
    expect((e.description ?? '').length).toBeLessThanOrEqual(4096);
    expect((e.fields ?? []).length).toBeLessThanOrEqual(25);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeGreaterThan(0);
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeGreaterThan(0);
      expect(f.value.length).toBeLessThanOrEqual(1024);
    }
    if (e.url) expect(e.url).toMatch(/^https?:\/\//);
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.author?.name.length ?? 0)
      + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  }
  expect(total).toBeLessThanOrEqual(6000);
}
