import Mustache from 'mustache';
import type { FieldValue, NormalizedEvent } from '../src/types.js';

/** A template that mustache cannot parse; the message is mustache's own. */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

/** Throws a TemplateError with mustache's message when the template does not parse. */
export function checkTemplate(template: string): void {
  try {
    Mustache.parse(template);
  } catch (err) {
    throw new TemplateError((err as Error).message);
  }
}

/**
 * The variables a template sees: the normalized event's fields at the top level
 * (`{{branch}}`, `{{commit_count}}`…) and the raw payload under `{{payload.…}}`.
 */
export function templateView(event: NormalizedEvent, payload: unknown): Record<string, unknown> {
  const top: Record<string, FieldValue | undefined> = {
    source: event.source,
    kind: event.kind,
    event: event.event,
    action: event.action,
    title: event.title,
    summary: event.summary,
    url: event.url,
    repo: event.repo,
    branch: event.branch,
    status: event.status,
    actor: event.actor?.name,
    actor_url: event.actor?.url,
    occurred_at: event.occurredAt,
  };
  // Custom JSON is addressed by its own paths (`{{data.object.amount}}`), so its top level is spread too; a polled
  // item as its source had it is `{{item.…}}` (`{{item.guid.value}}`, `{{item.tag_name}}`).
  const object = payload && typeof payload === 'object' && !Array.isArray(payload) ? payload as Record<string, unknown> : undefined;
  const own = event.source === 'custom' && object ? object : event.kind === 'poll.item' && object ? { item: object.item } : {};
  return { ...top, ...event.fields, ...own, payload };
}

/** Renders without HTML escaping: the output is Discord markdown, not HTML. */
export function renderTemplate(template: string, view: Record<string, unknown>): string {
  return Mustache.render(template, view, undefined, { escape: (v: unknown) => String(v) });
}
