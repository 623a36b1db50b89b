import { FakeDiscord } from '../fakes/discord.js';
import { startHookbot } from '../helpers/start-hookbot.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** The whole bot against the Discord stand-in, with the HTTP API on; `call` sends JSON with the admin token. */
export async function startApi(env: Record<string, string> = { ADMIN_TOKEN }) {
  const discord = await new FakeDiscord().start();
  const started = await startHookbot(discord, env);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${started.base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
  };
  const stop = async () => {
    await started.bot.stop();
    await discord.stop();
  };
  return { discord, ...started, call, stop };
}
