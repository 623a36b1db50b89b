import { describe, expect, it } from 'vitest';
import { ArgError, parseSendArgs, type SendPlan } from '../../src/send/args.js';
import { jenkinsNotification } from '../fixtures/ci-payloads.js';

const FILES: Record<string, string> = {
  'push.json': JSON.stringify({ ref: 'refs/heads/main', commits: [] }),
  'run.json': JSON.stringify({ action: 'completed', workflow_run: { id: 1 }, repository: { full_name: 'a/b' } }),
  'mr.json': JSON.stringify({ object_kind: 'merge_request', object_attributes: {} }),
  'jenkins.json': JSON.stringify(jenkinsNotification({ phase: 'COMPLETED', status: 'SUCCESS' })),
  'broken.json': '{"event": ',
};
const deps = (env: Record<string, string> = {}) => ({
  env, nowMs: Date.parse('2026-03-01T12:00:00Z'),
  readFile: (p: string) => {
    if (!(p in FILES)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return Buffer.from(FILES[p]);
  },
});
const plan = (argv: string[], env?: Record<string, string>) => parseSendArgs(argv, deps(env)) as SendPlan;
const refusal = (argv: string[], env?: Record<string, string>) => {
  try {
    parseSendArgs(argv, deps(env));
  } catch (err) {
    expect(err).toBeInstanceOf(ArgError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};
const H = 'http://127.0.0.1:8080/webhook';

describe('hookbot send: the command line', () => {
  it('a github hook URL is signed as github with the push sample; the API base and hook id come from the URL', () => {
    const p = plan([`${H}/github/hook_001`, '--secret', 's']);
    expect(p).toMatchObject({ scheme: 'github', event: 'push', payloadFrom: 'sample github-push', hookId: 'hook_001', apiBase: 'http://127.0.0.1:8080' });
    expect(JSON.parse(p.body.toString()).ref).toBe('refs/heads/main');
  });

  it('a hookbot behind a path prefix keeps the prefix in the API base; --api overrides it', () => {
    expect(plan(['https://example.com/bot/webhook/github/h1', '--secret', 's']).apiBase).toBe('https://example.com/bot');
    expect(plan([`${H}/github/h1`, '--secret', 's', '--api', 'http://10.0.0.5:9000/api/v1/']).apiBase).toBe('http://10.0.0.5:9000');
  });

  it('a ci hook URL: the scheme follows the sample, the event name, or the payload\'s shape', () => {
    expect(plan([`${H}/ci/hook_002`, '--secret', 's']).scheme).toBe('gitlab');
    expect(plan([`${H}/ci/hook_002`, '--secret', 's', '--sample', 'circleci-workflow-completed'])).toMatchObject({ scheme: 'circleci', event: 'workflow-completed' });
    expect(plan([`${H}/ci/hook_002`, '--secret', 's', '--payload', 'run.json'])).toMatchObject({ scheme: 'github', event: 'workflow_run' });
    expect(plan([`${H}/ci/hook_002`, '--secret', 's', '--payload', 'mr.json'])).toMatchObject({ scheme: 'gitlab', event: 'Merge Request Hook' });
    expect(plan([`${H}/ci/hook_002`, '--secret', 's', '--payload', 'jenkins.json']).scheme).toBe('token');
  });

  it('a custom hook URL: the sample\'s provider, else hmac; --scheme wins', () => {
    expect(plan([`${H}/custom/hook_003`, '--secret', 'whsec_x', '--sample', 'stripe-payment-succeeded']).scheme).toBe('stripe');
    expect(plan([`${H}/custom/hook_003`, '--secret', 's', '--payload', 'push.json']).scheme).toBe('hmac');
    expect(plan([`${H}/custom/hook_003`, '--secret', 's'])).toMatchObject({ scheme: 'hmac', payloadFrom: 'sample custom-alert' });
    expect(plan([`${H}/custom/hook_003`, '--secret', 's', '--scheme', 'token', '--payload', 'push.json', '--event', 'deploy'])).toMatchObject({ scheme: 'token', event: 'deploy' });
  });

  it('sends a payload file\'s bytes unchanged, even when they are not JSON', () => {
    const p = plan([`${H}/custom/hook_003`, '--secret', 's', '--payload', 'broken.json']);
    expect(p.body.toString()).toBe('{"event": ');
  });

  it('reads the secret from --secret-env and ADMIN_TOKEN from the environment', () => {
    const p = plan([`${H}/github/h`, '--secret-env', 'GH_SECRET'], { GH_SECRET: 'from-env', ADMIN_TOKEN: 'adm' });
    expect(p).toMatchObject({ secret: 'from-env', adminToken: 'adm' });
  });

  it('extra headers are parsed as Name:value, keeping colons in the value', () => {
    expect(plan([`${H}/github/h`, '--secret', 's', '--header', 'X-Request-Id: a:b', '--header', 'X-Team:pay']).headers)
      .toEqual([['X-Request-Id', 'a:b'], ['X-Team', 'pay']]);
  });

  it.each([
    [[], /give the hook URL/],
    [['not a url'], /not a URL/],
    [['ftp://x/webhook/github/h', '--secret', 's'], /http or https/],
    [[`${H}/github/h`, 'extra', '--secret', 's'], /one hook URL/],
    [[`${H}/github/h`], /needs the hook's secret/],
    [[`${H}/github/h`, '--secret-env', 'NOPE'], /NOPE .* not set/],
    [[`${H}/github/h`, '--secret', 'a', '--secret-env', 'B'], /not both/],
    [[`${H}/github/h`, '--secret', 's', '--scheme', 'rot13'], /unknown --scheme rot13; valid: github, gitlab/],
    [[`${H}/github/h`, '--secret', 's', '--sample', 'nope'], /unknown --sample nope; built in: github-push/],
    [[`${H}/github/h`, '--secret', 's', '--sample', 'github-push', '--payload', 'push.json'], /--payload or --sample, not both/],
    [[`${H}/github/h`, '--secret', 's', '--payload', 'missing.json'], /cannot read --payload missing.json: ENOENT/],
    [[`${H}/github/h`, '--secret', 's', '--payload', 'push.json'], /give --event: github names the event in X-GitHub-Event/],
    [[`${H}/custom/h`, '--secret', 'whsec_x', '--scheme', 'stripe', '--event', 'charge.failed'], /stripe scheme sends no event header/],
    [[`${H}/custom/h`, '--secret', 's', '--scheme', 'standard'], /starts with whsec_/],
    [[`${H}/github/h`, '--secret', 's', '--header', 'no-colon'], /want Name:value/],
    [[`${H}/github/h`, '--secret', 's', '--wait', 'soon'], /--wait soon/],
    [[`${H}/github/h`, '--secret', 's', '--token-header', 'cookie'], /authorization or x-hook-token/],
    [[`${H}/github/h`, '--secret', 's', '--verbose'], /Unknown option '--verbose'/],
    [['http://example.com/hooks/in', '--secret', 's'], /cannot tell the scheme .* give --scheme/],
    [[`${H}/ci/h`, '--secret', 's', '--sample', 'stripe-payment-succeeded'], /not a CI payload/],
  ])('refuses %j', (argv, why) => {
    expect(refusal(argv as string[])).toMatch(why);
  });
});
