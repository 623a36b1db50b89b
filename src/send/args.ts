import { parseArgs } from 'node:util';
import { CI_EVENT_NAMES, detectCiPlatform } from '../../parsers/ci-platform.js';
import { DEFAULT_SAMPLE, SAMPLES } from './samples.js';
import { EVENT_HEADER, SEND_SCHEMES, type SendScheme } from './sign.js';

/** What is wrong with the command line (exit code 2, with the usage). */
export class ArgError extends Error {}

/** One send, fully worked out from the command line and the environment. */
export interface SendPlan {
  url: URL;
  /** `github` / `ci` / `custom` and the hook id when the URL is a hookbot hook URL (`/webhook/<service>/<id>`). */
  service?: string;
  hookId?: string;
  scheme: SendScheme;
  /** Why this scheme: `--scheme`, or what it was inferred from. */
  schemeFrom: string;
  secret: string;
  event?: string;
  body: Buffer;
  /** `sample github-push` or `file ./push.json`. */
  payloadFrom: string;
  headers: [string, string][];
  deliveryId?: string;
  tokenHeader?: 'authorization' | 'x-hook-token';
  /** The HTTP API base (`…/api/v1` is appended) and its token; no token → no outcome polling. */
  apiBase?: string;
  adminToken?: string;
  json: boolean;
  waitMs: number;
}

export const USAGE = `usage: hookbot send <hook-url> [options]        (or: npm run send -- <hook-url> [options])

Signs a payload exactly as the provider would and POSTs it to a hook URL.
  --scheme S         ${SEND_SCHEMES.join('|')}
                     (default: from the URL: /webhook/github/… → github; /webhook/ci/… → by the sample, event or
                     payload; /webhook/custom/… → the sample's provider, else hmac, the default of !hook custom)
  --secret S         the hook's secret (visible in your shell history and process list: prefer --secret-env)
  --secret-env NAME  read the secret from the environment variable NAME
  --event E          the event header (X-GitHub-Event, X-Gitlab-Event, circleci-event-type; X-Event-Type for
                     hmac/token/none); default: the sample's, or read from the payload where the provider's shape says it
  --payload FILE     send this file's bytes unchanged
  --sample NAME      send a built-in sample (default: the scheme's provider's; custom-alert for hmac/token/none):
${Object.entries(SAMPLES).map(([name, s]) => `                       ${name.padEnd(28)}${s.what}`).join('\n')}
  --header K:V       an extra request header (repeatable; replaces a generated one with the same name)
  --delivery ID      the delivery id header value (send the same id twice to see the duplicate answer)
  --token-header H   token scheme: authorization (Bearer, default) or x-hook-token
  --api BASE         hookbot's base URL for the HTTP API (default: the part of the hook URL before /webhook/);
                     with ADMIN_TOKEN in the environment, the delivery's outcome and Discord message links are shown
  --wait SECONDS     how long to wait for the outcome (default 15, 0 = do not ask the API)
  --json             print one JSON object instead of text
exit codes: 0 the hook answered 2xx · 1 another answer, or no answer · 2 bad arguments`;

/** GitLab names its event header after the payload's `object_kind` (https://docs.gitlab.com/user/project/integrations/webhook_events/). */
const GITLAB_EVENT: Record<string, string> = {
  push: 'Push Hook', tag_push: 'Tag Push Hook', issue: 'Issue Hook', note: 'Note Hook', merge_request: 'Merge Request Hook',
  wiki_page: 'Wiki Page Hook', pipeline: 'Pipeline Hook', build: 'Job Hook', deployment: 'Deployment Hook',
  release: 'Release Hook', feature_flag: 'Feature Flag Hook', emoji: 'Emoji Hook',
};
const EVENT_EXAMPLES: Partial<Record<SendScheme, string>> = {
  github: 'push, pull_request, workflow_run', gitlab: '"Pipeline Hook", "Push Hook"', circleci: 'workflow-completed, job-completed',
};
/** GitHub Actions events a ci hook takes, recognised by the payload key named after them. */
const GITHUB_CI_KEYS = ['workflow_run', 'workflow_job', 'check_suite', 'check_run'];

type Body = Record<string, unknown>;
const asBody = (v: unknown): Body => (v && typeof v === 'object' && !Array.isArray(v) ? v as Body : {});

/** The event a provider would send with this body, where its shape says it. */
function eventFromBody(scheme: SendScheme, body: Body): string | undefined {
  if (scheme === 'gitlab' && typeof body.object_kind === 'string') return GITLAB_EVENT[body.object_kind];
  if (scheme === 'circleci' && typeof body.type === 'string') return body.type;
  if (scheme === 'github') return GITHUB_CI_KEYS.find((k) => body[k] && typeof body[k] === 'object');
  return undefined;
}

const CI_SCHEMES: readonly SendScheme[] = ['gitlab', 'github', 'circleci', 'token'];

/** A `ci` hook takes GitLab, GitHub, CircleCI and Jenkins (token): which one this send is, and why. */
function ciScheme(sampleScheme: SendScheme | undefined, event: string | undefined, body: Body | undefined): [SendScheme, string] {
  if (sampleScheme) return [sampleScheme, 'the sample on a ci hook'];
  if (event) {
    for (const p of ['gitlab', 'github', 'circleci'] as const) if (CI_EVENT_NAMES[p](event)) return [p, `the event ${event} on a ci hook`];
  }
  if (!body) return ['gitlab', 'a ci hook: GitLab\'s pipeline sample by default'];
  if (GITHUB_CI_KEYS.some((k) => body[k] && typeof body[k] === 'object')) return ['github', 'the payload on a ci hook'];
  const { platform } = detectCiPlatform({ headers: () => undefined }, body);
  return [platform === 'jenkins' ? 'token' : platform, platform === 'jenkins' ? 'a ci hook: no GitLab or CircleCI payload, so Jenkins\' token' : 'the payload on a ci hook'];
}

function parseHeader(h: string): [string, string] {
  const i = h.indexOf(':');
  const name = i > 0 ? h.slice(0, i).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ArgError(`--header ${JSON.stringify(h)}: want Name:value`);
  return [name, h.slice(i + 1).trim()];
}

export interface ArgDeps {
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => Buffer;
  nowMs: number;
}

/**
 * Works out one send from the command line (`argv` after `send`) and the environment.
 * @returns `{help: true}` for `--help`, else the plan
 * @throws ArgError saying what is wrong
 */
export function parseSendArgs(argv: string[], deps: ArgDeps): SendPlan | { help: true } {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: {
        scheme: { type: 'string' }, secret: { type: 'string' }, 'secret-env': { type: 'string' }, event: { type: 'string' },
        payload: { type: 'string' }, sample: { type: 'string' }, header: { type: 'string', multiple: true },
        delivery: { type: 'string' }, 'token-header': { type: 'string' }, api: { type: 'string' }, wait: { type: 'string' },
        json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new ArgError((err as Error).message);
  }
  const { values: o, positionals } = parsed;
  if (o.help) return { help: true };
  if (positionals.length !== 1) throw new ArgError(positionals.length === 0 ? 'give the hook URL' : `one hook URL, got ${positionals.length} arguments: ${positionals.join(' ')}`);

  let url: URL;
  try {
    url = new URL(positionals[0]);
  } catch {
    throw new ArgError(`not a URL: ${positionals[0]}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ArgError(`the hook URL must be http or https: ${url.href}`);
  const m = /^(.*)\/webhook\/([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
  const service = m?.[2];
  const hookId = m ? decodeURIComponent(m[3]) : undefined;

  if (o.scheme !== undefined && !(SEND_SCHEMES as readonly string[]).includes(o.scheme)) {
    throw new ArgError(`unknown --scheme ${o.scheme}; valid: ${SEND_SCHEMES.join(', ')}`);
  }
  if (o.payload !== undefined && o.sample !== undefined) throw new ArgError('give --payload or --sample, not both');
  if (o.sample !== undefined && !SAMPLES[o.sample]) throw new ArgError(`unknown --sample ${o.sample}; built in: ${Object.keys(SAMPLES).join(', ')}`);
  if (o.secret !== undefined && o['secret-env'] !== undefined) throw new ArgError('give --secret or --secret-env, not both');

  let fileBody: Buffer | undefined;
  let fileJson: Body = {};
  if (o.payload !== undefined) {
    try {
      fileBody = deps.readFile(o.payload);
    } catch (err) {
      throw new ArgError(`cannot read --payload ${o.payload}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    try {
      fileJson = asBody(JSON.parse(fileBody.toString('utf8')));
    } catch {
      fileJson = {}; // sent unchanged all the same: reproducing a malformed delivery is a use of this tool
    }
  }

  const sample = o.sample !== undefined ? SAMPLES[o.sample] : undefined;
  let scheme: SendScheme;
  let schemeFrom: string;
  if (o.scheme !== undefined) [scheme, schemeFrom] = [o.scheme as SendScheme, '--scheme'];
  else if (service === 'github') [scheme, schemeFrom] = ['github', 'the URL'];
  else if (service === 'ci') {
    if (sample && !CI_SCHEMES.includes(sample.scheme)) {
      throw new ArgError(`--sample ${o.sample} is not a CI payload: a ci hook takes gitlab-pipeline, circleci-workflow-completed or a --payload (give --scheme to send it all the same)`);
    }
    [scheme, schemeFrom] = ciScheme(sample?.scheme, o.event, fileBody ? fileJson : undefined);
  } else if (sample) [scheme, schemeFrom] = [sample.scheme, `the sample ${o.sample}`];
  else if (service === 'custom') [scheme, schemeFrom] = ['hmac', 'the custom hook URL (the default of !hook custom)'];
  else throw new ArgError(`cannot tell the scheme from ${url.href} (not /webhook/<service>/<id>): give --scheme`);

  let body: Buffer;
  let payloadFrom: string;
  let sampleEvent: string | undefined;
  if (fileBody) [body, payloadFrom] = [fileBody, `file ${o.payload}`];
  else {
    const name = o.sample ?? DEFAULT_SAMPLE[scheme];
    const s = SAMPLES[name];
    body = Buffer.from(JSON.stringify(s.build(deps.nowMs), null, s.pretty ? 2 : undefined));
    [payloadFrom, sampleEvent] = [`sample ${name}`, s.event];
    fileJson = asBody(JSON.parse(body.toString('utf8')));
  }

  if (o.event !== undefined && !EVENT_HEADER[scheme]) {
    throw new ArgError(`--event: the ${scheme} scheme sends no event header (the event is the payload's own \`type\`); leave --event out`);
  }
  const event = o.event ?? (EVENT_HEADER[scheme] ? sampleEvent ?? eventFromBody(scheme, fileJson) : undefined);
  if (!event && ['github', 'gitlab', 'circleci'].includes(scheme)) {
    throw new ArgError(`give --event: ${scheme} names the event in ${EVENT_HEADER[scheme]} and the payload does not say it (e.g. ${EVENT_EXAMPLES[scheme]})`);
  }

  let secret = o.secret ?? '';
  if (o['secret-env'] !== undefined) {
    secret = deps.env[o['secret-env']] ?? '';
    if (!secret) throw new ArgError(`the environment variable ${o['secret-env']} (--secret-env) is not set or empty`);
  }
  if (!secret && scheme !== 'none') throw new ArgError(`the ${scheme} scheme needs the hook's secret: --secret-env NAME or --secret S`);
  if (scheme === 'standard' && !secret.startsWith('whsec_')) {
    throw new ArgError('a Standard Webhooks secret starts with whsec_ (base64 after it): check --secret');
  }

  const tokenHeader = o['token-header']?.toLowerCase();
  if (tokenHeader !== undefined && tokenHeader !== 'authorization' && tokenHeader !== 'x-hook-token') {
    throw new ArgError(`--token-header ${o['token-header']}: want authorization or x-hook-token`);
  }
  const wait = o.wait === undefined ? 15 : Number(o.wait);
  if (!Number.isFinite(wait) || wait < 0 || wait > 300) throw new ArgError(`--wait ${o.wait}: want seconds from 0 to 300`);

  let apiBase: string | undefined;
  if (o.api !== undefined) {
    try {
      const a = new URL(o.api);
      if (a.protocol !== 'http:' && a.protocol !== 'https:') throw new Error();
      apiBase = a.href.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    } catch {
      throw new ArgError(`--api ${o.api}: want hookbot's base URL, e.g. http://localhost:8080`);
    }
  } else if (m) apiBase = `${url.origin}${m[1]}`;

  return {
    url, service, hookId, scheme, schemeFrom, secret, event, body, payloadFrom,
    headers: (o.header ?? []).map(parseHeader), deliveryId: o.delivery, tokenHeader: tokenHeader as SendPlan['tokenHeader'],
    apiBase, adminToken: deps.env.ADMIN_TOKEN || undefined, json: Boolean(o.json), waitMs: wait * 1000,
  };
}
