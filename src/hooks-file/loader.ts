import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import { applyHooksFilePlan, planHooksFile, type PlanDeps } from './plan.js';
import { watchFile } from './watch.js';

/** The file hookbot reads when HOOKS_FILE is not set, if it exists. */
export const DEFAULT_HOOKS_FILE = 'hookbot.yaml';

/** The hooks file to read: HOOKS_FILE (`off`: none), else ./hookbot.yaml when it exists, else none. */
export function hooksFilePath(configured: string | undefined, cwd: string): string | undefined {
  if (configured?.toLowerCase() === 'off') return undefined;
  if (configured) return resolve(cwd, configured);
  const fallback = resolve(cwd, DEFAULT_HOOKS_FILE);
  return existsSync(fallback) ? fallback : undefined;
}

/** An invalid hooks file at start: one line per problem, `file:line: what is wrong`. */
export class HooksFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`the hooks file is invalid:\n${problems.join('\n')}`);
    this.name = 'HooksFileError';
  }
}

export interface HooksFileLoader {
  /** How problems and hook rows name the file (relative to the working directory when inside it). */
  name: string;
  /** Reads, checks and applies the file; the problems when it is invalid (then nothing changed). */
  load(): Promise<{ ok: boolean; problems: string[] }>;
  /** Applies the file again whenever it changes (debounced). */
  watch(): void;
  /** For /healthz: `ok: 3 hooks`, or `error: hookbot.yaml:12: …`. */
  status(): string;
  stop(): Promise<void>;
}

/** Loads a hooks file into the store through hook management (src/hooks/declare.ts), then keeps it applied. */
export function createHooksFileLoader(path: string, deps: PlanDeps & { log: Logger; cwd: string; debounceMs?: number; retryGuildMs?: number }): HooksFileLoader {
  const rel = relative(deps.cwd, path);
  const name = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  const log = deps.log.child({ hooksFile: name });
  let status = 'not loaded yet';
  let running: Promise<{ ok: boolean; problems: string[] }> | undefined;
  let again = false;
  let stopped = false;
  let watcher: { close(): void } | undefined;
  let retry: NodeJS.Timeout | undefined;

  async function loadOnce(): Promise<{ ok: boolean; problems: string[] }> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      return invalid([`${name}: cannot be read (${why}); the hooks it made are kept until it is back`]);
    }
    // Two processes on one database may apply the same edit at once: a conflict is planned again, once.
    for (let attempt = 0; ; attempt++) {
      const plan = await planHooksFile(deps, name, text);
      if (!plan.ok) return invalid(plan.problems);
      try {
        const applied = await applyHooksFilePlan(deps, plan, name);
        status = `ok: ${plan.declared} hook${plan.declared === 1 ? '' : 's'}`;
        const changes = applied.added.length + applied.changed.length + applied.removed.length;
        const summary = `${applied.added.length} added, ${applied.changed.length} changed, ${applied.removed.length} removed`;
        if (changes) log.info({ ...applied, hooks: plan.declared }, `hooks file applied: ${summary}`);
        if (changes && plan.warnings.length) log.warn({ warnings: plan.warnings }, plan.warnings.join('\n'));
        else log.debug({ hooks: plan.declared }, 'hooks file applied: nothing changed');
        await scheduleGuildRetry();
        return { ok: true, problems: [] };
      } catch (err) {
        if (attempt >= 1) return invalid([`${name}: could not be applied: ${(err as Error).message}`]);
      }
    }
  }

  function invalid(problems: string[]): { ok: false; problems: string[] } {
    status = `error: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`;
    log.error({ problems }, `hooks file not applied, nothing changed:\n${problems.join('\n')}`);
    return { ok: false, problems };
  }

  /** Discord could not say which server a new hook's channel is in: ask again later. */
  async function scheduleGuildRetry(): Promise<void> {
    if (!deps.channelGuild || stopped || retry) return;
    const unknown = (await deps.store.allHooks()).filter((h) => h.source === 'file' && !h.guildId);
    if (!unknown.length) return;
    log.warn({ hooks: unknown.map((h) => h.id) }, 'Discord did not say which server these hooks\' channels are in: they work, and are listed once it does (retrying)');
    retry = setTimeout(() => { retry = undefined; void load(); }, deps.retryGuildMs ?? 60_000);
    retry.unref();
  }

  /** One load at a time; a change during a load loads again after it. */
  function load(): Promise<{ ok: boolean; problems: string[] }> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let r = await loadOnce();
      while (again && !stopped) {
        again = false;
        r = await loadOnce();
      }
      return r;
    })().finally(() => { running = undefined; });
    return running;
  }

  return {
    name,
    load,
    watch() {
      watcher ??= watchFile(path, () => { if (!stopped) void load(); }, {
        debounceMs: deps.debounceMs, onError: (err) => log.warn({ err: err.message }, 'cannot watch the hooks file: changes apply at the next start'),
      });
    },
    status: () => status,
    async stop() {
      stopped = true;
      watcher?.close();
      clearTimeout(retry);
      await running?.catch(() => undefined);
    },
  };
}

/**
 * At start: the hooks file (if any) applied before anything is served, then watched. An invalid file throws
 * HooksFileError (hookbot exits with its problems); HOOKS_FILE naming a missing file is one of them.
 */
export async function startHooksFile(
  configured: string | undefined, deps: PlanDeps & { log: Logger; cwd?: string; debounceMs?: number },
): Promise<HooksFileLoader | undefined> {
  const cwd = deps.cwd ?? process.cwd();
  const path = hooksFilePath(configured, cwd);
  if (!path) return undefined;
  const loader = createHooksFileLoader(path, { ...deps, cwd });
  const r = await loader.load();
  if (!r.ok) {
    await loader.stop();
    throw new HooksFileError(r.problems);
  }
  loader.watch();
  return loader;
}
