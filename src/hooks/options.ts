import type { NewHook } from '../store/store.js';
import type { HookService } from '../types.js';
import type { HookPatch } from './schema.js';
import type { Issue } from './settings.js';

/**
 * The seeds' per-hook options in their stored form: who may deliver (`ip_allowlist`), how fast (`rate_limit` with
 * `burst`), and when events wait (`quiet_hours`). The schemas (schema.ts) have checked each value's shape already.
 */
export function storedOptions(service: HookService, s: HookPatch, issues: Issue[]): Partial<NewHook> {
  const out: Partial<NewHook> = {};
  if (s.rate_limit !== undefined) {
    // GitHub and GitLab do not retry a delivery answered 429 (GitHub only redelivers by hand): a limit would lose events.
    if (service !== 'custom') issues.push({ path: ['rate_limit'], message: 'rate_limit applies to custom hooks only (GitHub and CI senders do not retry a 429, so events would be lost): use ip_allowlist to keep others out' });
    out.rateLimit = s.rate_limit.per_minute;
    out.rateBurst = s.rate_limit.burst ?? null;
  }
  if (s.ip_allowlist !== undefined) {
    if (service === 'docker' || service === 'poll') issues.push({ path: ['ip_allowlist'], message: `${service} hooks receive no deliveries: leave ip_allowlist out` });
    const list = [...new Set((s.ip_allowlist ?? []).map((e) => e.trim()))];
    out.ipAllowlist = list.length ? list : null;
  }
  if (s.quiet_hours !== undefined) {
    out.quietHours = s.quiet_hours ? { from: s.quiet_hours.from, to: s.quiet_hours.to, tz: s.quiet_hours.tz ?? 'UTC' } : null;
  }
  return out;
}
