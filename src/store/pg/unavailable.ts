/** Node's socket errors and PostgreSQL's connection classes: 08 (connection exception), 57P01–57P03 (shutting down, starting). */
const CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|08[0-9A-Z]{3}|57P0[1-3]|53300)$/;
/** What node-postgres says when a connection could not be made or broke under a query. */
const MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended|connection (is )?closed/i;

/**
 * True when `err` (or an error it wraps, as drizzle's DrizzleQueryError does) means the database could not be reached:
 * nothing was stored, and the same request can succeed later (HTTP 503), unlike a bug or a bad query (500).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && CODES.test(e.code)) return true;
    if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  }
  return false;
}
