import type { Logger } from 'pino';

/** Opens a public tunnel to the local port. Behind an interface so tests need no network. */
export interface Tunnel {
  open(port: number, opts: { authtoken: string; domain?: string }): Promise<{ url: string; close: () => Promise<void> }>;
}

/** The real tunnel: @ngrok/ngrok, loaded only when a token is configured. */
export const ngrokTunnel: Tunnel = {
  async open(port, { authtoken, domain }) {
    const ngrok = await import('@ngrok/ngrok');
    const listener = await ngrok.forward({ addr: port, authtoken, ...(domain ? { domain } : {}) });
    const url = listener.url();
    if (!url) throw new Error('ngrok returned no URL');
    return { url, close: () => listener.close() };
  },
};

/** The base URL for setup replies: PUBLIC_URL, else the tunnel, else the local listener. */
export async function resolvePublicUrl(opts: {
  publicUrl?: string; ngrokToken?: string; ngrokDomain?: string; port: number; tunnel: Tunnel; log: Logger;
}): Promise<{ url: string; tunnel: 'off' | 'up' | string; close: () => Promise<void> }> {
  const local = `http://localhost:${opts.port}`;
  if (opts.publicUrl) return { url: opts.publicUrl, tunnel: 'off', close: async () => {} };
  if (!opts.ngrokToken) return { url: local, tunnel: 'off', close: async () => {} };
  try {
    const t = await opts.tunnel.open(opts.port, { authtoken: opts.ngrokToken, domain: opts.ngrokDomain });
    return { url: t.url.replace(/\/+$/, ''), tunnel: 'up', close: t.close };
  } catch (err) {
    const why = (err as Error).message;
    opts.log.error({ err: why }, `ngrok tunnel failed (${why}); using ${local} — set PUBLIC_URL or check NGROK_AUTHTOKEN`);
    return { url: local, tunnel: `failed: ${why}`, close: async () => {} };
  }
}
