import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/poll/html-text.js';
import { PollError } from '../../src/poll/poll-error.js';
import { decodeBody, readItems } from '../../src/poll/read-items.js';
import { atom, jsonFeed, rss } from './feed-server.js';

const URL = 'https://example.test/feed';
const read = (body: string, itemsPath: string | null = null, idField: string | null = null) => readItems(body, { url: URL, itemsPath, idField });
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PollError);
    return (err as PollError).message;
  }
  throw new Error('expected a PollError');
};

describe('reading feeds and JSON documents', () => {
  it('reads RSS 2.0: guid as id, link, HTML description as text, dc:creator, pubDate as ISO', () => {
    const r = read(rss([{ id: 'g-2', title: 'Two & more', date: '2026-03-02T10:00:00Z', description: '<p>Hello &amp; <b>world</b></p><p>Second</p>' }]));
    expect(r).toMatchObject({ format: 'rss', title: 'Release notes', link: 'https://example.test/', skipped: 0 });
    expect(r.items[0].entry).toEqual({
      id: 'g-2', title: 'Two & more', link: 'https://example.test/g-2', summary: 'Hello & world\nSecond', author: 'Ann', published: '2026-03-02T10:00:00.000Z',
    });
    expect(r.items[0].raw).toMatchObject({ guid: { value: 'g-2' }, title: 'Two & more' });
  });

  it('reads Atom 1.0: id, the alternate link resolved against the feed URL, html summary as text', () => {
    const r = read(atom([{ id: 'a1', title: 'First', updated: '2026-02-01T00:00:00Z', summary: '&lt;i&gt;Big&lt;/i&gt; news' }]));
    expect(r.format).toBe('atom');
    expect(r.items[0].entry).toEqual({
      id: 'urn:a1', title: 'First', link: 'https://example.test/posts/a1', summary: 'Big news', author: 'Bob', published: '2026-02-01T00:00:00.000Z',
    });
  });

  it('reads JSON Feed 1.1: id, url, content_text, authors', () => {
    const r = read(jsonFeed([{ id: 'j1', title: 'Jay', date: '2026-01-05T00:00:00Z' }]));
    expect(r).toMatchObject({ format: 'json-feed', title: 'JSON log' });
    expect(r.items[0].entry).toEqual({ id: 'j1', title: 'Jay', link: 'https://example.test/j/j1', summary: 'text of Jay', author: 'Cy', published: '2026-01-05T00:00:00.000Z' });
  });

  it('reads any JSON document: items at a dot path, identified by a field given, or by id / guid / link', () => {
    const doc = JSON.stringify({ data: { releases: [
      { tag_name: 'v2.0.0', name: 'Two', html_url: 'https://example.test/r/2', body: 'notes', published_at: '2026-04-01T00:00:00Z', author: { login: 'dee' } },
      { tag_name: 'v1.0.0', name: 'One' },
    ] } });
    const r = read(doc, 'data.releases', 'tag_name');
    expect(r.format).toBe('json');
    expect(r.items.map((i) => i.entry.id)).toEqual(['v2.0.0', 'v1.0.0']);
    expect(r.items[0].entry).toEqual({ id: 'v2.0.0', title: 'Two', link: 'https://example.test/r/2', summary: 'notes', author: 'dee', published: '2026-04-01T00:00:00.000Z' });
    expect(r.items[0].raw).toMatchObject({ tag_name: 'v2.0.0' });
    // a top-level array, ids by the default fields; an item without one is left out and counted
    const list = read(JSON.stringify([{ id: 7, title: 'seven' }, { guid: 'g' }, { nothing: true }]));
    expect(list.items.map((i) => i.entry.id)).toEqual(['7', 'g']);
    expect(list.skipped).toBe(1);
  });

  it('says what to do when the answer is not what the options say', () => {
    expect(refusal(() => read('<html><body>a page</body></html>'))).toMatch(/not an RSS, Atom, RDF or JSON feed/);
    expect(refusal(() => read(JSON.stringify({ data: { releases: [{ id: 1 }] } })))).toMatch(/arrays in it: `data.releases`/);
    expect(refusal(() => read(JSON.stringify({ data: [] }), 'data.items'))).toMatch(/no array at `data.items`/);
    expect(refusal(() => read(JSON.stringify([{ name: 'x' }])))).toMatch(/say which field identifies an item with --id/);
    expect(refusal(() => read('{"broken": ', 'items'))).toMatch(/not valid JSON/);
    expect(refusal(() => read(rss([]), 'items'))).toMatch(/--items and --id are for JSON documents/);
  });

  it('keeps only http(s) links, so a hostile feed cannot put another scheme in an embed', () => {
    const hostile = rss([{ id: 'x', title: 't' }]).replace('<link>https://example.test/x</link>', '<link>javascript:alert(1)</link>');
    expect(read(hostile).items[0].entry.link).toBeNull();
  });

  it('decodes the answer in the charset it declares', () => {
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Caf\xe9</title><item><guid>1</guid><title>Cr\xe8me</title></item></channel></rss>', 'latin1');
    const r = read(decodeBody(latin1, 'application/rss+xml'));
    expect(r.title).toBe('Café');
    expect(r.items[0].entry.title).toBe('Crème');
  });

  it('turns HTML into plain text without running or keeping markup', () => {
    expect(htmlToText('<script>alert(1)</script><ul><li>a</li><li>b &lt;c&gt;</li></ul>')).toBe('• a\n• b <c>');
  });
});
