import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { DEFAULT_URL_POLICY } from '../forward/url-policy.js';
import { systemClock } from '../ports.js';
import type { Store } from '../store/repository.js';
import { openStore } from '../store/open-store.js';
import { DEFAULT_HOOKS_FILE } from './loader.js';
import { planHooksFile } from './plan.js';

/** An empty store: what a database that does not exist yet plans against. */
const nothingStored = { getHook: async () => undefined, allHooks: async () => [], getPollSource: async () => undefined } as unknown as Store;

const SIGN: Record<string, string> = { add: '+', change: '~', replace: '±', remove: '-', same: '=' };

/**
 * `npm run hooks:check -- hookbot.yaml`: validates a hooks file and prints what applying it would do to the hooks in
 * the database (DATABASE_URL, or DATABASE_PATH), without applying it. 0 when valid, 1 when not (problems on stderr).
 */
export async function checkHooksFile(
  args: string[], env: Record<string, string | undefined>, out: { log: (line: string) => void; error: (line: string) => void },
): Promise<number> {
  const file = args[0] ?? env.HOOKS_FILE ?? DEFAULT_HOOKS_FILE;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    out.error(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message})`);
    return 1;
  }
  const dbPath = env.DATABASE_PATH || './data/hookbot.db';
  const where = env.DATABASE_URL ? 'the PostgreSQL database (DATABASE_URL)' : dbPath;
  const opened = env.DATABASE_URL || existsSync(dbPath) ? await openStore({ databaseUrl: env.DATABASE_URL || undefined, databasePath: dbPath }) : undefined;
  try {
    const plan = await planHooksFile({
      store: opened?.store ?? nothingStored, clock: systemClock, newSecret: () => randomBytes(32).toString('base64url'), env: (n) => env[n],
      forwardPolicy: {
        privateAddresses: env.FORWARD_PRIVATE_ADDRESSES === 'allow' || env.FORWARD_PRIVATE_ADDRESSES === 'deny' ? env.FORWARD_PRIVATE_ADDRESSES : DEFAULT_URL_POLICY.privateAddresses,
        allowLinkLocal: env.FORWARD_ALLOW_LINK_LOCAL === 'true',
      },
    }, file, text);
    if (!plan.ok) {
      for (const line of plan.problems) out.error(line);
      out.error(`${file}: ${plan.problems.length} problem${plan.problems.length === 1 ? '' : 's'}; nothing would be applied`);
      return 1;
    }
    out.log(`${file}: valid, ${plan.declared} hook${plan.declared === 1 ? '' : 's'}. Applying it to ${opened ? where : `${where} (not created yet)`} would:`);
    for (const p of plan.planned) {
      const what = p.action === 'add' ? `add (${p.service})` : p.action === 'replace' ? `make again as ${p.service} (its URL changes)`
        : p.action === 'change' ? `change ${p.changes.join(', ')}` : p.action === 'remove' ? `remove (no longer in the file)` : 'keep (unchanged)';
      out.log(`  ${SIGN[p.action]} ${p.id}: ${what}`);
    }
    if (!plan.planned.length) out.log('  (nothing: no hooks in the file or the database)');
    for (const w of plan.warnings) out.log(`warning: ${w}`);
    return 0;
  } finally {
    await opened?.close();
  }
}
