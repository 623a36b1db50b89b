import { Validator } from '@seriousme/openapi-schema-validator';
import { afterEach, describe, expect, it } from 'vitest';
import { hookCreateSchema, hookPatchSchema } from '../../src/hooks/schema.js';
import { ADMIN_TOKEN, startApi } from './helpers.js';

describe('HTTP API: switch, authentication, OpenAPI document', () => {
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  it('answers 404 on every route, saying how to turn it on, while ADMIN_TOKEN is not set', async () => {
    api = await startApi({});
    for (const path of ['/hooks', '/openapi.json', '/deliveries']) {
      const r = await api.call('GET', path);
      expect(r.status).toBe(404);
      expect(r.body.error).toContain('ADMIN_TOKEN');
    }
    expect((await api.call('POST', '/hooks', { service: 'github', channel_id: '100000000000000002' })).status).toBe(404);
  });

  it('refuses a missing or wrong bearer token with 401, and serves openapi.json without one', async () => {
    api = await startApi();
    const none = await fetch(`${api.base}/api/v1/hooks`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await none.json()).error).toContain('Authorization: Bearer');
    const wrong = await api.call('GET', '/hooks', undefined, { authorization: `Bearer ${ADMIN_TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toContain('wrong admin token');
    const basic = await api.call('GET', '/hooks', undefined, { authorization: `Basic ${Buffer.from(`a:${ADMIN_TOKEN}`).toString('base64')}` });
    expect(basic.status).toBe(401);
    const doc = await fetch(`${api.base}/api/v1/openapi.json`);
    expect(doc.status).toBe(200);
    expect((await doc.json()).openapi).toBe('3.1.0');
  });

  it('publishes a valid OpenAPI 3.1 document generated from the request schemas', async () => {
    api = await startApi();
    const doc = (await api.call('GET', '/openapi.json', undefined, { authorization: '' })).body;
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The request bodies are the schemas that validate requests, not a copy.
    const create = doc.components.schemas.HookCreate;
    expect(Object.keys(create.properties).sort()).toEqual(Object.keys(hookCreateSchema.shape).sort());
    expect(create.required.sort()).toEqual(['channel_id', 'service']);
    expect(Object.keys(doc.components.schemas.HookPatch.properties).sort()).toEqual(Object.keys(hookPatchSchema.shape).sort());
    expect(create.properties.service.enum).toEqual(['github', 'ci', 'custom', 'docker', 'poll']);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/deliveries', '/deliveries/{id}', '/deliveries/{id}/replay', '/hooks', '/hooks/{id}', '/hooks/{id}/test', '/openapi.json',
    ]);
    expect(doc.paths['/deliveries'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['hook', 'outcome', 'limit', 'cursor']);
  });

  it('answers unknown routes and malformed bodies with a JSON error that says what to do', async () => {
    api = await startApi();
    const nowhere = await api.call('GET', '/hookz');
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error).toContain('openapi.json');
    const bad = await api.call('POST', '/hooks', '{"service": "github",');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('not valid JSON');
    const notJson = await api.call('POST', '/hooks', 'service=github', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toContain('Content-Type: application/json');
  });
});
