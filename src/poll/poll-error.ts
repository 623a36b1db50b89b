/** Why a poll failed; `retryAfterMs` when the source said when to come back (429/503 `Retry-After`). */
export type PollErrorKind = 'refused' | 'network' | 'timeout' | 'http' | 'too_large' | 'unreadable' | 'rate_limited' | 'docker';

/** A poll that did not work: what kind of failure, in words a channel can act on. */
export class PollError extends Error {
  constructor(
    readonly kind: PollErrorKind,
    message: string,
    readonly opts: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'PollError';
  }
}
