import { html, type HtmlValue, type SafeHtml } from './html.js';

/** Who is looking: one server's hooks, or every server's (ADMIN_TOKEN). */
export interface Viewer {
  guildId: string | null;
  /** The CSRF token of the session, for POST forms. */
  csrf: string;
}

/** A hidden field carrying the session's CSRF token: every POST form has one. */
export const csrfField = (v: Viewer): SafeHtml => html`<input type="hidden" name="csrf" value="${v.csrf}">`;

/** A whole page: the shell, the header with the scope and a logout button, then `body`. */
export function page(title: string, body: HtmlValue, viewer?: Viewer): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · hookbot</title>
<link rel="stylesheet" href="/ui/static/style.css">
<script src="/ui/static/live.js" defer></script>
</head>
<body>
<header class="top">
  <a href="/ui">hookbot · delivery log</a>
  ${viewer ? html`<span class="scope">${viewer.guildId ? `server ${viewer.guildId}` : 'all servers (admin)'}</span>
  <span class="live" title="new deliveries appear as they arrive">● live</span>
  <form method="post" action="/ui/logout">${csrfField(viewer)}<button type="submit">Log out</button></form>` : ''}
</header>
<main>
${body}
</main>
</body>
</html>
`;
}

/** `2026-01-01 12:00:05 UTC` from an ISO time (as given when it is not one). */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A `<time>` element for an ISO time. */
export const timeTag = (iso: string | null | undefined): SafeHtml => (iso ? html`<time datetime="${iso}">${when(iso)}</time>` : html`—`);

/** An http(s) URL fit for an `href`, or undefined (no `javascript:` or other schemes from a payload). */
export function httpUrl(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.length > 2000) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
