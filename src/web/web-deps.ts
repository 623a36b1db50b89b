import type { Logger } from 'pino';
import type { Clock } from '../ports.js';
import type { Store } from '../store/store.js';

/** What the delivery log's pages need, given by the composition root. */
export interface WebDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** `ADMIN_TOKEN`: logs in to every server's hooks on the login form; undefined turns that form off. */
  adminToken: string | undefined;
  /** The public base URL (`PUBLIC_URL`, the tunnel, or localhost): https there makes cookies Secure. */
  publicUrl: () => string;
  /** Stored events are waiting (a replay): wake the pipeline. */
  kick: () => void;
  /** Login form tries per address (default 10 per 5 minutes). */
  loginLimit?: { tries: number; windowMs: number };
  /** How often the live view looks for new deliveries (default 2 s). */
  livePollMs?: number;
}
