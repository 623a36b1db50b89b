import { z } from 'zod';
import { hookCreateSchema, hookPatchSchema } from '../hooks/schema.js';
import {
  deliveriesQuerySchema, deliveryDetailSchema, deliveryListSchema, deliverySchema, errorSchema, hookListSchema, hookSchema,
  hookWithSecretsSchema, hooksQuerySchema, replaySchema, testSentSchema,
} from './schemas.js';

/**
 * The OpenAPI 3.1 description of `/api/v1`, generated from the zod schemas that validate the requests (and describe
 * the answers): there is no hand-kept copy to drift. JSON Schema 2020-12 is OpenAPI 3.1's schema dialect.
 */

type Json = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** Component schemas of one registry, without the per-document keys a component may not carry. */
function components(entries: [z.ZodType, string][], io: 'input' | 'output'): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of entries) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: 'any' });
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => {
    const { $schema: _s, $id: _i, ...rest } = s as Json;
    return [id, rest];
  }));
}

/** Query parameters from a query schema's properties. */
function queryParameters(schema: z.ZodObject): Json[] {
  return Object.entries(schema.shape).map(([name, prop]) => {
    const { $schema: _s, description, ...json } = z.toJSONSchema(prop as z.ZodType, { io: 'output', unrepresentable: 'any' }) as Json;
    return { name, in: 'query', required: false, schema: json, ...(description ? { description } : {}) };
  });
}

const idParam = (what: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: what });
const json = (schema: Json, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request (bad JSON, query or Idempotency-Key).',
  401: 'Missing or wrong `Authorization: Bearer <ADMIN_TOKEN>`.',
  404: 'No such hook or delivery (or the API is off: ADMIN_TOKEN is not set).',
  409: 'A hook declared in the hooks file (change the file), a hook that is off, or an Idempotency-Key in use.',
  422: 'Settings that are well-formed but not valid for this hook; `issues` names each field.',
  503: 'Discord could not be asked which server the channel is in (give guild_id, or retry).',
};

let cached: Json | undefined;

/** The document served at `GET /api/v1/openapi.json`. */
export function openApiDocument(): Json {
  cached ??= build();
  return cached;
}

function build(): Json {
  const schemas = {
    ...components([[hookCreateSchema, 'HookCreate'], [hookPatchSchema, 'HookPatch']], 'input'),
    ...components([
      [hookSchema, 'Hook'], [hookWithSecretsSchema, 'HookWithSecrets'], [hookListSchema, 'HookList'], [deliverySchema, 'Delivery'],
      [deliveryDetailSchema, 'DeliveryDetail'], [deliveryListSchema, 'DeliveryList'], [testSentSchema, 'TestSent'],
      [replaySchema, 'Replay'], [errorSchema, 'Error'],
    ], 'output'),
  };
  const hookId = idParam('A hook id, e.g. hook_001 (or a file hook\'s name).');
  const deliveryId = idParam('A delivery id: evt_<n> (stored) or rej_<n> (refused).');
  return {
    openapi: '3.1.0',
    info: {
      title: 'hookbot HTTP API',
      version: '1',
      description: 'Create and change hooks, read the delivery log, replay and test. Enabled by ADMIN_TOKEN; send it as '
        + '`Authorization: Bearer <ADMIN_TOKEN>`. Errors are `{"error": "<what is wrong and how to fix it>"}`.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ adminToken: [] }],
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN environment variable.' } },
      schemas,
      responses: Object.fromEntries(Object.entries(ERROR_TEXT).map(([c, d]) => [`E${c}`, json(ref('Error'), d)])),
    },
    paths: {
      '/openapi.json': {
        get: { operationId: 'openapi', summary: 'This document', security: [], responses: { 200: { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } } },
      },
      '/hooks': {
        get: {
          operationId: 'listHooks', summary: 'List hooks (never their secrets)', parameters: queryParameters(hooksQuerySchema),
          responses: { 200: json(ref('HookList'), 'One page of hooks, by id.'), ...errors(400, 401, 404) },
        },
        post: {
          operationId: 'createHook', summary: 'Create a hook; its secret is in this answer only',
          description: 'API hooks need a server: it is looked up from channel_id through Discord (GET /channels/{id}), or taken from guild_id when Discord cannot be reached. '
            + 'Register a subscriber with {"service": "custom", "channel_id": …, "forward": {"url": …, "events": ["*"]}}.',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'The same key (and body) again answers with the same hook, secrets included, instead of creating another.' }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('HookCreate') } } },
          responses: { 201: json(ref('HookWithSecrets'), 'Created (or, with a known Idempotency-Key, created before).'), ...errors(400, 401, 404, 409, 422, 503) },
        },
      },
      '/hooks/{id}': {
        parameters: [hookId],
        get: { operationId: 'getHook', summary: 'One hook', responses: { 200: json(ref('Hook'), 'The hook.'), ...errors(401, 404) } },
        patch: {
          operationId: 'updateHook', summary: 'Change a hook: each field given replaces that setting',
          requestBody: { required: true, content: { 'application/json': { schema: ref('HookPatch') } } },
          responses: { 200: json(ref('HookWithSecrets'), 'The changed hook (with a secret only when the change made one).'), ...errors(400, 401, 404, 409, 422, 503) },
        },
        delete: { operationId: 'deleteHook', summary: 'Delete a hook; its URL then answers 404', responses: { 204: { description: 'Deleted.' }, ...errors(401, 404, 409) } },
      },
      '/hooks/{id}/test': {
        parameters: [hookId],
        post: { operationId: 'testHook', summary: 'Send a realistic sample event through the whole pipeline', responses: { 202: json(ref('TestSent'), 'Queued.'), ...errors(401, 404, 409) } },
      },
      '/deliveries': {
        get: {
          operationId: 'listDeliveries', summary: 'The delivery log, newest first, with outcomes and the Discord messages made',
          description: 'A page looking for a rare outcome may hold fewer than limit deliveries and still have a next_cursor.',
          parameters: queryParameters(deliveriesQuerySchema),
          responses: { 200: json(ref('DeliveryList'), 'One page of deliveries.'), ...errors(400, 401, 404) },
        },
      },
      '/deliveries/{id}': {
        parameters: [deliveryId],
        get: { operationId: 'getDelivery', summary: 'One delivery with its payload and headers', responses: { 200: json(ref('DeliveryDetail'), 'The delivery.'), ...errors(401, 404) } },
      },
      '/deliveries/{id}/replay': {
        parameters: [deliveryId],
        post: {
          operationId: 'replayDelivery', summary: 'Run a stored delivery through its hook\'s current rules again and post it again',
          responses: { 202: json(ref('Replay'), 'Queued.'), ...errors(401, 404, 409, 422) },
        },
      },
    },
  };
}
