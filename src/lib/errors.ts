/** A failed Discord post. `retryable` says whether trying again can help (5xx, timeouts) or not (403, 404). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Discord answered 401 / discord.js refused the token: retrying cannot help. */
export function isTokenError(err: unknown): boolean {
  const e = err as (Error & { code?: string | number; status?: number }) | undefined;
  return e?.code === 'TokenInvalid' || e?.status === 401 || /401|invalid token/i.test(e?.message ?? '');
}
