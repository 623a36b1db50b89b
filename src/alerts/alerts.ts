import type { Hook, NewOutboxRow, Store, StoredEvent } from '../store/store.js';
import type { DiscordMessage, NormalizedEvent } from '../types.js';
import { ruleHolds } from './expression.js';
import { prKey, prsOf, prVariables, reducePr, shaKey, type PrState } from './pr-state.js';

const PR_EVENTS = new Set(['pull_request', 'pull_request_review', 'check_run', 'check_suite', 'status']);

/** The variables of alert-if rules for one event (every root present, so typos are caught when a rule is set). */
export function alertContext(service: string, event?: NormalizedEvent, payload?: unknown, pr?: PrState): Record<string, unknown> {
  const f = (event?.fields ?? {}) as Record<string, unknown>;
  const num = (v: unknown, d = 0) => (typeof v === 'number' ? v : d);
  const base = {
    event: event?.event ?? '', action: event?.action ?? '', repo: event?.repo ?? '', branch: event?.branch ?? '',
    status: event?.status ?? '', actor: event?.actor?.name ?? '', title: event?.title ?? '',
  };
  if (service === 'github') {
    return {
      ...base, pr: prVariables(pr),
      push: { commits: num(f.commit_count), forced: f.forced === true, tag: f.ref_type === 'tag' },
      workflow: { name: String(f.workflow ?? ''), conclusion: String(f.conclusion ?? ''), duration: num(f.duration_seconds) },
      release: { tag: String(f.tag ?? ''), prerelease: f.prerelease === true },
    };
  }
  if (service === 'docker') {
    return {
      ...base, container: {
        name: String(f.container ?? ''), image: String(f.image ?? ''), restarts: num(f.restart_count), exit_code: num(f.exit_code, -1),
        oom: f.oom === true, health: String(f.health ?? ''), compose_service: String(f.compose_service ?? ''),
      },
    };
  }
  if (service === 'ci') {
    const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
    return {
      ...base, status: str(f.status ?? event?.status),
      ci: {
        platform: str(f.platform), project: str(f.project), level: event?.kind === 'ci.job' ? 'job' : event?.kind === 'ci.pipeline' ? 'pipeline' : 'other',
        status: str(f.status), stage: str(f.stage), job: str(f.job), failure_reason: str(f.failure_reason),
        duration: num(f.duration_seconds), triggered_by: str(f.triggered_by),
      },
      payload: payload && typeof payload === 'object' ? payload : {},
    };
  }
  return { ...base, payload: payload && typeof payload === 'object' ? payload : {} };
}

/** `<@&id>` → role, `<@id>`/`<@!id>` → user. */
export function parsePing(ping: string): { roles?: string[]; users?: string[] } | null {
  const role = /^<@&(\d{17,20})>$/.exec(ping);
  if (role) return { roles: [role[1]] };
  const user = /^<@!?(\d{17,20})>$/.exec(ping);
  if (user) return { users: [user[1]] };
  return null;
}

function alertMessage(rule: { expr: string; ping?: string }, event: NormalizedEvent, pr?: PrState): DiscordMessage {
  const who = rule.ping ? parsePing(rule.ping) : null;
  const mention = who ? `${rule.ping} ` : '';
  let line: string;
  if (pr) {
    const v = prVariables(pr);
    const checks = v.checks === 'passed' ? 'All passed ✓' : v.checks === 'none' ? 'none reported' : v.checks;
    const headline = v.status === 'approved' && v.checks === 'passed' ? 'Ready to Merge' : v.status.replace(/_/g, ' ');
    line = `⚡ **PR #${v.number} ${headline}** — ${v.title}\nApprovals: ${v.approvals}${v.approvals ? ' ✓' : ''} — Checks: ${checks}${v.url ? `\n${v.url}` : ''}`;
  } else {
    line = `⚡ **${event.title}**${event.url ? `\n${event.url}` : ''}`;
  }
  return {
    content: `${mention}${line}\nRule: \`${rule.expr}\``.slice(0, 2000),
    // Only the mention this rule asked for may ping; nothing else in the message can.
    allowed_mentions: { parse: [], ...(who ?? {}) },
  };
}

/** A stored delivery with its payload and event, parsed once by the pipeline. */
export interface ParsedEvent {
  stored: StoredEvent;
  payload: unknown;
  event: NormalizedEvent;
}

/**
 * Runs a hook's alert-if rules on one parsed event: keeps PR state current (from pull_request, reviews,
 * check runs/suites and commit statuses), and returns an alert for each rule that has just become true —
 * once per transition into true, per subject (a PR, a container, the hook).
 */
export async function runAlerts(deps: { store: Store }, hook: Hook, parsed: ParsedEvent): Promise<NewOutboxRow[]> {
  const { stored: ev, payload, event } = parsed;
  const tracksPr = hook.service === 'github' && PR_EVENTS.has(ev.eventType);
  // Without rules, only PR-related GitHub events need work (to keep PR state for rules added later).
  if (!tracksPr && !(hook.alertRules?.length)) return [];
  const { store } = deps;
  let pr: PrState | undefined;
  let subject = 'hook';
  if (hook.service === 'github') {
    const p = payload as Record<string, any>;
    const repo = p.repository?.full_name ?? '';
    const { numbers, sha } = prsOf(ev.eventType, p);
    let n: number | undefined = numbers[0];
    if (n === undefined && sha) n = Number(await store.getMeta(shaKey(repo, sha))) || undefined;
    if (n !== undefined && repo) {
      const prev = await store.getMeta(prKey(repo, n));
      pr = reducePr(prev ? JSON.parse(prev) : undefined, ev.eventType, p, n);
      await store.setMeta(prKey(repo, n), JSON.stringify(pr));
      if (pr.headSha) await store.setMeta(shaKey(repo, pr.headSha), String(n));
      subject = `pr#${n}`;
    }
  } else if (hook.service === 'docker') {
    subject = `container:${String((event.fields as Record<string, unknown>).container ?? '')}`;
  } else if (hook.service === 'ci' && 'ci' in event && event.ci) {
    subject = `run:${event.ci.runKey}`; // once per pipeline run
  } else if (hook.service === 'poll') {
    subject = `item:${ev.deliveryId}`; // each polled item (or image update) is its own subject
  }
  const rules = hook.alertRules ?? [];
  if (rules.length === 0) return [];
  const context = alertContext(hook.service, event, payload, pr);
  const out: NewOutboxRow[] = [];
  for (const rule of rules) {
    const key = `alert:${hook.id}:${rule.expr}:${subject}`;
    const holds = ruleHolds(rule.expr, context);
    const was = (await store.getMeta(key)) === '1';
    if (holds !== was) await store.setMeta(key, holds ? '1' : '0');
    if (holds && !was) out.push({ channelId: hook.channelId, hookId: hook.id, body: { ...alertMessage(rule, event, pr) } });
  }
  return out;
}
