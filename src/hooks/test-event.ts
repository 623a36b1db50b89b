import { randomUUID } from 'node:crypto';
import { sendForward, type ForwardAttempt } from '../forward/forwarder.js';
import { DEFAULT_URL_POLICY, type UrlPolicy } from '../forward/url-policy.js';
import type { Clock } from '../ports.js';
import { sampleDockerDie } from '../samples/docker-die.js';
import { sampleGitlabPipeline } from '../samples/gitlab-pipeline.js';
import { samplePush, TEST_DELIVERY_PREFIX } from '../samples/github-push.js';
import { samplePollItem } from '../samples/poll-item.js';
import type { Hook, Store } from '../store/store.js';

interface Sample {
  eventType: string;
  payload: (hook: Hook, at: string, by: string) => unknown;
  /** How replies name it: `a sample push`. */
  what: string;
}

/** The realistic sample each service's test sends (custom hooks also get a test forward). */
const SAMPLES: Record<Hook['service'], Sample> = {
  github: { eventType: 'push', payload: (hook, at) => samplePush(hook.filters?.repo, at), what: 'a sample push' },
  docker: { eventType: 'container.die', payload: (_hook, at) => sampleDockerDie(Date.parse(at)), what: 'a sample container crash' },
  ci: { eventType: 'Pipeline Hook', payload: (_hook, at) => sampleGitlabPipeline(Date.parse(at)), what: 'a sample failed GitLab pipeline' },
  poll: { eventType: 'item', payload: (_hook, at) => samplePollItem(at), what: 'a sample feed item' },
  custom: {
    eventType: 'hookbot test', what: 'a sample event',
    payload: (_hook, _at, by) => ({ event: 'hookbot test', message: `This is a test event sent by ${by}.`, severity: 'info', source: 'hookbot' }),
  },
};

export interface TestSent {
  /** The stored sample's event id (its delivery in the log). */
  eventId: number;
  what: string;
  /** A custom hook's signed test forward to its URL, and how the receiver answered. */
  forward?: ForwardAttempt & { url: string };
}

/**
 * Sends a realistic sample event through the whole pipeline: stored as if delivered (its delivery id marks it as a
 * test, so the event-type filter lets it through), then the pipeline is woken. A custom hook with a forward URL also
 * gets one signed test forward, sent now so its answer can be reported. `by` names who asked (in the custom sample).
 */
export async function sendTestEvent(
  deps: { store: Store; clock: Clock; kick: () => void; forwardPolicy?: UrlPolicy }, hook: Hook, by: string,
): Promise<TestSent> {
  const sample = SAMPLES[hook.service];
  const at = new Date(deps.clock.now()).toISOString();
  const payload = sample.payload(hook, at, by);
  const { id } = await deps.store.insertEvent({
    hookId: hook.id, deliveryId: `${TEST_DELIVERY_PREFIX}${randomUUID()}`, eventType: sample.eventType, payload: JSON.stringify(payload), receivedAt: at,
  });
  deps.kick();
  if (hook.service !== 'custom' || !hook.url || !hook.forwardSecret) return { eventId: id, what: sample.what };
  const body = JSON.stringify({ type: 'hookbot.test', timestamp: at, data: { hook: hook.id, ...(payload as object) } });
  const r = await sendForward({ url: hook.url, body, messageId: `msg_test_${randomUUID()}` }, hook.forwardSecret, deps.clock.now(),
    { policy: deps.forwardPolicy ?? DEFAULT_URL_POLICY, headers: hook.forwardHeaders });
  return { eventId: id, what: sample.what, forward: { ...r, url: hook.url } };
}
