import { RequestMethod, type REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { DeliveryError } from '../lib/errors.js';
import type { Notifier } from '../ports.js';
import type { DiscordMessage } from '../types.js';
import { createRestThreadApi } from './thread-rest.js';

/**
 * Translates any failure of a Discord request into a DeliveryError.
 * 401/403/404 and 400 will fail the same way again (and Discord bans clients that make 10,000 invalid
 * requests in 10 minutes: https://discord.com/developers/docs/topics/rate-limits#invalid-request-limit),
 * so they are not retryable; 5xx, timeouts and network errors are.
 */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  // By name, not instanceof: @discordjs/rest ships CommonJS and ESM builds, and a REST client made through
  // discord.js (CommonJS) throws the other build's classes. DiscordAPIError names itself `DiscordAPIError[<code>]`.
  const api = err as { name?: string; status?: number; code?: unknown; message?: string };
  if (api?.name?.startsWith('DiscordAPIError') && typeof api.status === 'number') {
    const retryable = api.status >= 500 || api.status === 429;
    return new DeliveryError(api.message ?? 'Discord error', retryable, api.status, typeof api.code === 'number' ? api.code : undefined);
  }
  if (api?.name === 'HTTPError' && typeof api.status === 'number') {
    return new DeliveryError(`${api.status} ${api.message}`, api.status >= 500 || api.status === 429, api.status);
  }
  const e = err as Error;
  return new DeliveryError(e?.name === 'AbortError' ? 'request timed out' : e?.message ?? String(err), true);
}

/** Posts through discord.js's REST client, which queues per route and waits out 429s by their headers. */
export function createRestNotifier(rest: REST): Notifier {
  return {
    async post(channelId, body, nonce) {
      try {
        // queueRequest (not post) to read the rate-limit headers: the outbox paces each channel by them.
        const res = await rest.queueRequest({
          fullRoute: Routes.channelMessages(channelId), method: RequestMethod.Post,
          body: { ...body, nonce, enforce_nonce: true },
        });
        const msg = await res.json() as { id: string };
        const remaining = Number(res.headers.get('x-ratelimit-remaining'));
        const resetAfter = Number(res.headers.get('x-ratelimit-reset-after'));
        return {
          messageId: msg.id,
          ...(res.headers.get('x-ratelimit-remaining') !== null && Number.isFinite(remaining) && Number.isFinite(resetAfter)
            ? { rateLimit: { remaining, resetAfterMs: Math.ceil(resetAfter * 1000) } } : {}),
        };
      } catch (err) {
        throw toDeliveryError(err);
      }
    },
    async edit(channelId, messageId, body) {
      try {
        const { flags: _flags, ...edit } = body; // only SUPPRESS_EMBEDS may change on an edit
        await rest.patch(Routes.channelMessage(channelId, messageId), { body: edit });
      } catch (err) {
        throw toDeliveryError(err);
      }
    },
    async dm(userId, body: DiscordMessage) {
      try {
        const channel = await rest.post(Routes.userChannels(), { body: { recipient_id: userId } }) as { id: string };
        await rest.post(Routes.channelMessages(channel.id), { body });
      } catch (err) {
        throw toDeliveryError(err);
      }
    },
    threads: createRestThreadApi(rest, toDeliveryError),
  };
}
