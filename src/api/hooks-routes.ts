import { createHash } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { decodeCursor, encodeCursor } from '../hooks/deliveries.js';
import { createHook, deleteHook, updateHook } from '../hooks/manage.js';
import { hookCreateSchema, hookPatchSchema } from '../hooks/schema.js';
import { sendTestEvent } from '../hooks/test-event.js';
import type { Hook } from '../store/store.js';
import type { ApiDeps } from './api-deps.js';
import { hookView } from './hook-view.js';
import { readQuery, sendError, sendProblem } from './respond.js';
import { hooksQuerySchema } from './schemas.js';

/** `Idempotency-Key`: what Stripe and the IETF draft allow, printable ASCII up to 255 characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The body as an object, or a 400 saying how to send one. */
function jsonBody(req: Request, res: Response): Record<string, unknown> | undefined {
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body)) return req.body as Record<string, unknown>;
  sendError(res, 400, 'send a JSON object as the body, with Content-Type: application/json');
  return undefined;
}

/** `/api/v1/hooks…`: list, create (idempotent with a key), read, change, delete, test. */
export function hooksRoutes(deps: ApiDeps): express.Router {
  const r = express.Router();
  const view = (h: Hook) => hookView(h, deps.publicUrl());

  /** The server of a hook's channel: `guild_id` when given (checked against Discord when Discord answers), else Discord's. */
  const resolveGuild = async (res: Response, channelId: string, given: unknown): Promise<string | undefined> => {
    const found = await deps.channelGuild(channelId);
    if (found.ok) {
      if (typeof given === 'string' && given !== found.guildId) {
        sendError(res, 422, `channel ${channelId} is in server ${found.guildId}, not ${given}: fix guild_id or leave it out`);
        return undefined;
      }
      return found.guildId;
    }
    if (found.reason === 'unreachable' && typeof given === 'string') return given;
    sendError(res, found.reason === 'unreachable' ? 503 : 422, found.message);
    return undefined;
  };

  r.get('/', async (req, res) => {
    const q = readQuery(res, hooksQuerySchema, req.query);
    if (!q) return;
    const after = q.cursor ? (decodeCursor(q.cursor) as { h?: string } | null)?.h : undefined;
    if (q.cursor && typeof after !== 'string') return sendError(res, 400, 'cursor is not one this API gave out: start again without it');
    const limit = q.limit ?? 50;
    const all = (q.guild ? await deps.store.listHooks(q.guild) : await deps.store.allHooks())
      .filter((h) => after === undefined || h.id > after).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const page = all.slice(0, limit);
    res.json({ data: page.map(view), next_cursor: all.length > limit ? encodeCursor({ h: page.at(-1)!.id }) : null });
  });

  r.post('/', async (req, res) => {
    const body = jsonBody(req, res);
    if (!body) return;
    const key = req.get('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) return sendError(res, 400, 'Idempotency-Key is 1 to 255 printable characters (a UUID is a good one)');
    const fingerprint = createHash('sha256').update(JSON.stringify(body)).digest('hex');
    if (key) {
      const claim = await deps.store.claimIdempotencyKey(key, fingerprint, new Date(deps.clock.now()).toISOString());
      if (!claim.claimed) {
        if (claim.fingerprint !== fingerprint) return sendError(res, 422, 'this Idempotency-Key was used with another body: use a new key for a new hook');
        if (!claim.hookId) return sendError(res, 409, 'a request with this Idempotency-Key is still being answered: retry in a moment');
        const made = await deps.store.getHook(claim.hookId);
        if (!made) return sendError(res, 409, `the hook this Idempotency-Key created (${claim.hookId}) was deleted since: use a new key`);
        res.setHeader('Idempotent-Replayed', 'true');
        // The same answer as the first time (a client whose first request timed out never saw its secrets).
        return res.status(201).json({ ...view(made), ...(made.secret ? { secret: made.secret } : {}), ...(made.forwardSecret ? { forward_secret: made.forwardSecret } : {}) });
      }
    }
    const release = () => (key ? deps.store.releaseIdempotencyKey(key) : Promise.resolve());
    const shape = hookCreateSchema.safeParse(body);
    let guildId = '';
    if (shape.success) {
      const found = await resolveGuild(res, shape.data.channel_id, shape.data.guild_id);
      if (!found) return release();
      guildId = found;
    }
    const created = await createHook(deps, shape.success ? { ...body, guild_id: guildId } : body, { source: 'api', guildId, userId: 'api' });
    if (!created.ok) {
      await release();
      return sendProblem(res, created.problem);
    }
    if (key) await deps.store.completeIdempotencyKey(key, created.value.hook.id);
    const { hook, secret, forwardSecret } = created.value;
    deps.log.info({ hookId: hook.id, service: hook.service, channelId: hook.channelId }, 'hook created through the API');
    res.status(201).location(`/api/v1/hooks/${hook.id}`)
      .json({ ...view(hook), ...(secret ? { secret } : {}), ...(forwardSecret ? { forward_secret: forwardSecret } : {}) });
  });

  r.get('/:id', async (req, res) => {
    const hook = await deps.store.getHook(req.params.id);
    if (!hook) return sendError(res, 404, `there is no hook ${req.params.id}; GET /api/v1/hooks lists the hooks`);
    res.json(view(hook));
  });

  r.patch('/:id', async (req, res) => {
    const body = jsonBody(req, res);
    if (!body) return;
    const hook = await deps.store.getHook(req.params.id);
    if (!hook) return sendError(res, 404, `there is no hook ${req.params.id}; GET /api/v1/hooks lists the hooks`);
    if (hook.source === 'file') return sendProblem(res, { kind: 'file_hook', file: hook.sourceFile ?? '', message: `${hook.id} is declared in ${hook.sourceFile ?? 'the hooks file'}: change it there (hookbot applies the file when it changes)` });
    if (body.service !== undefined && body.service !== hook.service) return sendError(res, 422, `service cannot change (${hook.id} is a ${hook.service} hook): create a new hook instead`);
    const { service: _service, ...patch } = body;
    const shape = hookPatchSchema.safeParse(patch);
    if (shape.success && shape.data.channel_id && shape.data.channel_id !== hook.channelId) {
      const guildId = await resolveGuild(res, shape.data.channel_id, shape.data.guild_id);
      if (!guildId) return;
      patch.guild_id = guildId;
    } else if (shape.success && shape.data.guild_id && shape.data.guild_id !== hook.guildId) {
      return sendError(res, 422, 'guild_id follows channel_id: give the new channel_id to move the hook');
    }
    const updated = await updateHook(deps, hook, patch, 'api');
    if (!updated.ok) return sendProblem(res, updated.problem);
    const { secret, forwardSecret } = updated.value;
    res.json({ ...view(updated.value.hook), ...(secret ? { secret } : {}), ...(forwardSecret ? { forward_secret: forwardSecret } : {}) });
  });

  r.delete('/:id', async (req, res) => {
    const gone = await deleteHook(deps, req.params.id, 'api');
    if (!gone.ok) return sendProblem(res, gone.problem);
    deps.log.info({ hookId: gone.value.id }, 'hook deleted through the API');
    res.status(204).end();
  });

  r.post('/:id/test', async (req, res) => {
    const hook = await deps.store.getHook(req.params.id);
    if (!hook) return sendError(res, 404, `there is no hook ${req.params.id}; GET /api/v1/hooks lists the hooks`);
    if (!hook.enabled) return sendError(res, 409, `${hook.id} is off: turn it on (PATCH {"enabled": true}) before testing it`);
    const sent = await sendTestEvent(deps, hook, 'POST /api/v1/hooks/:id/test');
    const f = sent.forward;
    res.status(202).json({
      status: 'queued', delivery: `evt_${sent.eventId}`, what: sent.what,
      ...(f ? { forward: { url: f.url, ok: f.ok, ...(f.status !== undefined ? { status: f.status } : {}), ...(f.error ? { error: f.error } : {}), ms: Math.round(f.ms) } } : {}),
    });
  });

  return r;
}
