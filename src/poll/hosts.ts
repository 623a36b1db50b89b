import type { Clock } from '../ports.js';

/** A request slot for a host: now (after `waitMs`), or not before `until` (too far off to wait for now). */
export type Slot = { ok: true; waitMs: number } | { ok: false; until: number };

/**
 * Per-host spacing: requests to one host are at least `spacingMs` apart however many hooks poll it, and a host that
 * answered 429/503 with Retry-After gets nothing until then. Slots are handed out in order of asking.
 */
export function createHostGate(deps: { clock: Clock; spacingMs: number }) {
  const next = new Map<string, number>();
  return {
    /** Takes the host's next slot if it is at most `maxWaitMs` away; the caller waits `waitMs` before its request. */
    reserve(host: string, maxWaitMs: number): Slot {
      const now = deps.clock.now();
      if (next.size > 1000) for (const [h, t] of next) if (t < now) next.delete(h);
      const at = Math.max(now, next.get(host) ?? 0);
      if (at - now > maxWaitMs) return { ok: false, until: at };
      next.set(host, at + deps.spacingMs);
      return { ok: true, waitMs: at - now };
    },
    /** The host asked to be left alone until `until` (epoch ms). */
    block(host: string, until: number) {
      next.set(host, Math.max(next.get(host) ?? 0, until));
    },
  };
}

export type HostGate = ReturnType<typeof createHostGate>;
