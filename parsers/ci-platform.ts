import type { CiPlatform } from '../src/types.js';

/** Request headers: a record with lower-cased names, or a getter that takes a lower-cased name. */
export type CiHeaders = Readonly<Record<string, string | undefined>> | ((name: string) => string | undefined);

/** What the platform is read from: a live delivery's headers, or the event stored from it (its `eventType`). */
export type CiSource = { headers: CiHeaders } | { eventType: string };

export interface CiDetection {
  platform: CiPlatform;
  /**
   * The event name, as readDelivery stores it: the sender's event header, else CircleCI's body `type`, else
   * `jenkins` (the Notification plugin and pipeline steps name no event).
   */
  eventType: string;
}

/** The event header each platform sends, in the order they are looked at. */
const EVENT_HEADERS = [['gitlab', 'x-gitlab-event'], ['github', 'x-github-event'], ['circleci', 'circleci-event-type']] as const;

const GITLAB_EVENTS = new Set(['Pipeline Hook', 'Job Hook', 'Push Hook', 'Merge Request Hook', 'Tag Push Hook', 'Release Hook',
  'Build Hook', 'Deployment Hook', 'Note Hook', 'Issue Hook', 'System Hook']);
const GITHUB_EVENTS = new Set(['workflow_run', 'workflow_job', 'check_suite', 'check_run', 'ping']);
const CIRCLECI_EVENTS = new Set(['workflow-completed', 'job-completed']);

/** The event names (values of its event header) each platform sends to a ci hook. */
export const CI_EVENT_NAMES: Readonly<Record<Exclude<CiPlatform, 'jenkins'>, (name: string) => boolean>> = {
  gitlab: (n) => GITLAB_EVENTS.has(n) || /^[A-Z][a-z]+( [A-Z][a-z]+)* Hook$/.test(n),
  github: (n) => GITHUB_EVENTS.has(n),
  circleci: (n) => CIRCLECI_EVENTS.has(n),
};

type Body = Record<string, unknown>;
const asBody = (b: unknown): Body => (b && typeof b === 'object' && !Array.isArray(b) ? b as Body : {});

/** CircleCI names its event in the body too (`type`, next to `webhook`), for when the header is not there. */
const bodyEventType = (b: Body) => (typeof b.type === 'string' && b.webhook ? b.type : 'jenkins');

/** By the event name, then the body's shape (CircleCI's `webhook` + `pipeline.vcs`, GitLab's `object_kind`). */
function byNameAndBody(eventType: string, b: Body): CiPlatform {
  if (CI_EVENT_NAMES.gitlab(eventType)) return 'gitlab';
  if (CI_EVENT_NAMES.github(eventType)) return 'github';
  const pipeline = asBody(b.pipeline);
  if (CI_EVENT_NAMES.circleci(eventType) || (b.webhook && pipeline.vcs)) return 'circleci';
  if (typeof b.object_kind === 'string') return 'gitlab';
  return 'jenkins';
}

/**
 * Which CI platform a delivery comes from, and its event name. One rule for a live delivery (`{ headers }`: its
 * signature is checked by this platform's scheme, Jenkins = a token) and for the event stored from it
 * (`{ eventType }`: the parser for this platform runs):
 * 1. the sender's event header (X-Gitlab-Event, X-GitHub-Event, Circleci-Event-Type; or a Circleci-Signature).
 *    Its value is what is stored as `eventType`, so a stored event goes by the same names: the ones each platform
 *    sends to a ci hook (CI_EVENT_NAMES). Both give the same platform for every such event; an event that is no CI
 *    event (GitHub `push`) is checked as its sender's, but parsed by its body (and refused as not a CI payload);
 * 2. else the body: CircleCI's `webhook` and `pipeline.vcs`, GitLab's `object_kind` (skipped without a body:
 *    verification does not let the unverified body pick the scheme);
 * 3. else Jenkins.
 */
export function detectCiPlatform(source: CiSource, body?: unknown): CiDetection {
  const b = asBody(body);
  if ('eventType' in source) return { platform: byNameAndBody(source.eventType, b), eventType: source.eventType };
  const { headers } = source;
  const get = typeof headers === 'function' ? headers : (name: string) => headers[name];
  for (const [platform, name] of EVENT_HEADERS) {
    const eventType = get(name);
    if (eventType) return { platform, eventType };
  }
  const eventType = bodyEventType(b);
  if (get('circleci-signature')) return { platform: 'circleci', eventType };
  return { platform: byNameAndBody(eventType, b), eventType };
}
