import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a path answers: a body with its type, and optionally a status, validators and other headers. */
export interface Answer {
  status?: number;
  body?: string;
  type?: string;
  etag?: string;
  lastModified?: string;
  headers?: Record<string, string>;
}

/**
 * A feed server on 127.0.0.1 (node:http) whose answers the test sets per path. It honours conditional requests as a
 * real server does: `If-None-Match` equal to the answer's ETag, or `If-Modified-Since` not before its Last-Modified,
 * gets `304` without a body. Every request is recorded with its headers and the test clock's time.
 */
export class FeedServer {
  readonly requests: { path: string; headers: IncomingHttpHeaders; at: number }[] = [];
  private answers = new Map<string, Answer>();
  private server?: Server;
  base = '';

  constructor(private readonly now: () => number = Date.now) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.push({ path, headers: req.headers, at: this.now() });
      const a = this.answers.get(path);
      if (!a) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const headers: Record<string, string> = { ...(a.type ? { 'content-type': a.type } : {}), ...a.headers };
      if (a.etag) headers.etag = a.etag;
      if (a.lastModified) headers['last-modified'] = a.lastModified;
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const unchanged = (a.etag && inm === a.etag) || (!a.etag && a.lastModified && ims && Date.parse(ims) >= Date.parse(a.lastModified));
      if ((a.status ?? 200) === 200 && unchanged) {
        res.writeHead(304, headers).end();
        return;
      }
      res.writeHead(a.status ?? 200, headers).end(a.body ?? '');
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Sets what `path` answers from now on; returns its full URL. */
  set(path: string, answer: Answer): string {
    this.answers.set(path, answer);
    return this.url(path);
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  /** The requests made for `path`. */
  to(path: string) {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** An RSS 2.0 document with the items given (newest first, as feeds list them). */
export function rss(items: { id: string; title: string; date?: string; description?: string }[], title = 'Release notes'): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${esc(title)}</title><link>https://example.test/</link><description>d</description>
${items.map((i) => `<item><title>${esc(i.title)}</title><link>https://example.test/${i.id}</link><guid isPermaLink="false">${i.id}</guid>${i.date ? `<pubDate>${new Date(i.date).toUTCString()}</pubDate>` : ''}${i.description ? `<description>${esc(i.description)}</description>` : ''}<dc:creator>Ann</dc:creator></item>`).join('\n')}
</channel></rss>`;
}

/** An Atom 1.0 document with the entries given. */
export function atom(entries: { id: string; title: string; updated: string; summary?: string }[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom log</title><link href="https://example.test/"/><id>urn:feed</id><updated>2026-01-01T00:00:00Z</updated>
${entries.map((e) => `<entry><title>${e.title}</title><link rel="alternate" href="/posts/${e.id}"/><id>urn:${e.id}</id><updated>${e.updated}</updated>${e.summary ? `<summary type="html">${e.summary}</summary>` : ''}<author><name>Bob</name></author></entry>`).join('\n')}
</feed>`;
}

/** A JSON Feed 1.1 document with the items given. */
export function jsonFeed(items: { id: string; title: string; date?: string }[]): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1', title: 'JSON log', home_page_url: 'https://example.test/',
    items: items.map((i) => ({ id: i.id, url: `https://example.test/j/${i.id}`, title: i.title, content_text: `text of ${i.title}`, date_published: i.date, authors: [{ name: 'Cy' }] })),
  });
}
