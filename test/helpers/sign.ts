import { createHmac } from 'node:crypto';

/** Signs a body the way GitHub does: `sha256=` + HMAC-SHA256 hex of the raw bytes. */
export function githubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POSTs a GitHub-style delivery. */
export async function deliverGithub(url: string, secret: string, event: string, payload: unknown, opts: {
  delivery?: string; signature?: string | null; body?: string;
} = {}): Promise<Response> {
  const body = opts.body ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': opts.delivery ?? crypto.randomUUID(),
    'user-agent': 'GitHub-Hookshot/abc123',
  };
  const sig = opts.signature === undefined ? githubSignature(secret, body) : opts.signature;
  if (sig !== null) headers['x-hub-signature-256'] = sig;
  return fetch(url, { method: 'POST', headers, body });
}
