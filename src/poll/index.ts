/**
 * Sources that cannot push (src/poll/): feeds and JSON documents polled politely (`!hook poll`), and the registries
 * of running containers' images (`!hook docker updates`). `startPoller` runs where processing's owner runs.
 */
export { startPoller, type Poller, type PollerDeps, type Probe } from './poller.js';
export { dockerLister } from './docker-lister.js';
export { pollStatus, type PollStatus } from './status.js';
