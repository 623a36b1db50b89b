import express from 'express';
import { decodeCursor, getDelivery, listDeliveries } from '../hooks/deliveries.js';
import { replayDelivery } from '../hooks/replay.js';
import type { ApiDeps } from './api-deps.js';
import { readQuery, sendError, sendProblem } from './respond.js';
import { deliveriesQuerySchema } from './schemas.js';

/** `/api/v1/deliveries…`: the delivery log (stored and refused deliveries), one delivery, and replay. */
export function deliveriesRoutes(deps: ApiDeps): express.Router {
  const r = express.Router();

  r.get('/', async (req, res) => {
    const q = readQuery(res, deliveriesQuerySchema, req.query);
    if (!q) return;
    if (q.cursor && !decodeCursor(q.cursor)) return sendError(res, 400, 'cursor is not one this API gave out: start again without it');
    res.json(await listDeliveries(deps.store, { ...q, limit: q.limit ?? 50 }));
  });

  r.get('/:id', async (req, res) => {
    const d = await getDelivery(deps.store, req.params.id);
    if (!d) return sendError(res, 404, `there is no delivery ${req.params.id}: ids look like evt_12 or rej_3 (GET /api/v1/deliveries lists them)`);
    res.json(d);
  });

  r.post('/:id/replay', async (req, res) => {
    const id = req.params.id;
    if (/^rej_\d+$/.test(id)) return sendError(res, 422, `${id} was refused when it arrived, so its payload was never kept: have the sender deliver it again`);
    const m = /^evt_(\d{1,15})$/.exec(id);
    if (!m) return sendError(res, 404, `there is no delivery ${id}: ids look like evt_12 (GET /api/v1/deliveries lists them)`);
    const done = await replayDelivery(deps, Number(m[1]));
    if (!done.ok) return sendProblem(res, done.problem);
    deps.log.info({ hookId: done.value.hookId, replayOf: id, eventId: done.value.eventId }, 'delivery replayed through the API');
    res.status(202).json({ status: 'queued', delivery: `evt_${done.value.eventId}`, replay_of: id });
  });

  return r;
}
