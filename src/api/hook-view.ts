import { windowLabel } from '../../formatters/digest.js';
import { filterSettings } from '../hooks/settings.js';
import { routeView } from '../hooks/route-settings.js';
import type { Hook } from '../store/store.js';
import type { HookView } from './schemas.js';

/** `90000` → `90s`, `300000` → `5m`; milliseconds that are not whole seconds stay `ms`. */
const duration = (ms: number) => (ms % 1000 === 0 ? windowLabel(ms / 1000) : `${ms}ms`);

/** A hook as the API shows it, in the keys requests use; never its secrets. */
export function hookView(h: Hook, publicUrl: string): HookView {
  const r = h.forwardRetry;
  return {
    id: h.id, service: h.service, guild_id: h.guildId, channel_id: h.channelId,
    // Docker and poll hooks receive nothing over HTTP: they have no URL.
    url: h.service === 'docker' || h.service === 'poll' ? null : `${publicUrl}/webhook/${h.service}/${h.id}`,
    events: h.events, filters: filterSettings(h.filters), templates: h.templates,
    aggregate: h.aggregateSeconds > 0 ? { window: windowLabel(h.aggregateSeconds), except: h.aggregateExcept } : null,
    alert_if: h.alertRules, verify: h.verify,
    forward: h.url ? {
      url: h.url, events: h.forwardEvents ?? ['*'], headers: h.forwardHeaders ?? {}, state: h.forwardState ?? 'ok',
      retry: r ? { max_attempts: r.maxAttempts, initial_delay: duration(r.initialDelayMs), backoff_multiplier: r.backoffMultiplier, max_delay: duration(r.maxDelayMs) } : null,
    } : null,
    rate_limit: h.service === 'custom' && h.rateLimit > 0 ? { per_minute: h.rateLimit, ...(h.rateBurst ? { burst: h.rateBurst } : {}) } : null,
    ip_allowlist: h.ipAllowlist ?? null,
    quiet_hours: h.quietHours ?? null,
    routes: routeView(h.routes ?? []), unrouted: h.unrouted ?? 'channel', threads: h.threads ?? false,
    enabled: h.enabled,
    status: !h.enabled ? 'off' : h.status === 'failing' ? 'failing' : 'on',
    status_reason: h.statusReason,
    source: h.source, source_file: h.sourceFile, created_at: h.createdAt, last_delivery_at: h.lastDeliveryAt,
  };
}
