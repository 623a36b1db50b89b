import { randomUUID } from 'node:crypto';
import { sampleCircleciWorkflowCompleted } from '../samples/circleci-workflow-completed.js';
import { sampleCustomAlert } from '../samples/custom-alert.js';
import { sampleDockerDie } from '../samples/docker-die.js';
import { samplePush } from '../samples/github-push.js';
import { sampleGitlabPipeline } from '../samples/gitlab-pipeline.js';
import { sampleSlackAppMention } from '../samples/slack-app-mention.js';
import { sampleStandardEvent } from '../samples/standard-event.js';
import { sampleStripePaymentSucceeded } from '../samples/stripe-payment-succeeded.js';
import type { SendScheme } from './sign.js';

export interface SendSample {
  /** The scheme its provider signs with. */
  scheme: SendScheme;
  /** The event header value its provider sends with it, when it sends one. */
  event?: string;
  /** What it is, for `--help`. */
  what: string;
  /** Sent pretty-printed (2 spaces), as Stripe sends its events; others send compact JSON. */
  pretty?: boolean;
  /** The payload; fresh ids each time, so every send is a new delivery (not a duplicate of the last one). */
  build: (nowMs: number) => unknown;
}

const freshId = () => randomUUID().replace(/-/g, '').slice(0, 24);

/** The built-in payloads `--sample NAME` sends, by name. */
export const SAMPLES: Readonly<Record<string, SendSample>> = {
  'github-push': {
    scheme: 'github', event: 'push', what: 'GitHub push of two commits to octo-org/hello-world',
    build: (nowMs) => samplePush('octo-org/hello-world', new Date(nowMs).toISOString().replace(/\.\d+Z$/, 'Z')),
  },
  'gitlab-pipeline': {
    scheme: 'gitlab', event: 'Pipeline Hook', what: 'GitLab pipeline that failed in its test stage',
    build: (nowMs) => sampleGitlabPipeline(nowMs),
  },
  'circleci-workflow-completed': {
    scheme: 'circleci', event: 'workflow-completed', what: 'CircleCI workflow-completed (failed)',
    build: (nowMs) => sampleCircleciWorkflowCompleted(nowMs, randomUUID()),
  },
  'stripe-payment-succeeded': {
    scheme: 'stripe', pretty: true, what: 'Stripe payment_intent.succeeded event (49.99 USD)',
    build: (nowMs) => sampleStripePaymentSucceeded(nowMs, freshId()),
  },
  'slack-app-mention': {
    scheme: 'slack', what: 'Slack Events API event_callback with an app_mention',
    build: (nowMs) => sampleSlackAppMention(nowMs, freshId()),
  },
  'standard-event': {
    scheme: 'standard', what: 'Standard Webhooks event {type: invoice.paid, timestamp, data}',
    build: (nowMs) => sampleStandardEvent(nowMs),
  },
  'custom-alert': {
    scheme: 'hmac', what: 'generic JSON alert {title, message, severity, status, service, url}',
    build: (nowMs) => sampleCustomAlert(nowMs),
  },
  'docker-die': {
    scheme: 'hmac', what: 'a container crash (exit 137, OOM) in the shape the Docker watcher stores',
    build: (nowMs) => sampleDockerDie(nowMs),
  },
};

/** The sample a scheme sends when neither `--payload` nor `--sample` is given. */
export const DEFAULT_SAMPLE: Readonly<Record<SendScheme, string>> = {
  github: 'github-push', gitlab: 'gitlab-pipeline', circleci: 'circleci-workflow-completed',
  stripe: 'stripe-payment-succeeded', slack: 'slack-app-mention', standard: 'standard-event',
  hmac: 'custom-alert', token: 'custom-alert', none: 'custom-alert',
};
