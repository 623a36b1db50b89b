import { html, joinHtml, type SafeHtml } from './html.js';
import { httpUrl, when } from './layout.js';

/**
 * Discord's markdown, as much of it as hookbot's messages use, drawn as HTML: `**bold**`, `*italic*`, `~~strike~~`,
 * `` `code` `` and code blocks, `[text](https://…)`, bare links, `\` escapes, `<t:…>` times, mentions, and lines
 * starting with `> `, `# ` or `-# `. Every piece of text goes through `html` (escaped): the message's text can
 * only ever be text, and links only http(s).
 */

const PAIRS: [string, (inner: SafeHtml) => SafeHtml][] = [
  ['**', (i) => html`<strong>${i}</strong>`],
  ['~~', (i) => html`<s>${i}</s>`],
  ['*', (i) => html`<em>${i}</em>`],
];

/** Inline markdown of one line; `depth` bounds nesting. */
function inline(text: string, depth = 0): SafeHtml {
  const out: (SafeHtml | string)[] = [];
  let plain = '';
  const flush = () => {
    if (plain) out.push(plain);
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    if (rest[0] === '\\' && rest.length > 1 && /[^\w\s]/.test(rest[1])) {
      plain += rest[1];
      i += 2;
      continue;
    }
    if (rest[0] === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        out.push(html`<code>${text.slice(i + 1, end)}</code>`);
        i = end + 1;
        continue;
      }
    }
    const link = /^\[([^\]\n]{1,300})\]\((https?:\/\/[^\s()]{1,2000})\)/.exec(rest);
    if (link && httpUrl(link[2])) {
      flush();
      out.push(html`<a href="${httpUrl(link[2])}" rel="noopener noreferrer nofollow" target="_blank">${depth < 4 ? inline(link[1], depth + 1) : link[1]}</a>`);
      i += link[0].length;
      continue;
    }
    const bare = /^https?:\/\/[^\s<>]+[^\s<>.,:;"')\]]/.exec(rest);
    if (bare && httpUrl(bare[0])) {
      flush();
      out.push(html`<a href="${httpUrl(bare[0])}" rel="noopener noreferrer nofollow" target="_blank">${bare[0]}</a>`);
      i += bare[0].length;
      continue;
    }
    const angle = /^<(https?:\/\/[^\s>]+)>/.exec(rest);
    if (angle && httpUrl(angle[1])) {
      flush();
      out.push(html`<a href="${httpUrl(angle[1])}" rel="noopener noreferrer nofollow" target="_blank">${angle[1]}</a>`);
      i += angle[0].length;
      continue;
    }
    const stamp = /^<t:(-?\d{1,13})(?::[tTdDfFR])?>/.exec(rest);
    if (stamp) {
      flush();
      out.push(html`<time class="mention">${when(new Date(Number(stamp[1]) * 1000).toISOString())}</time>`);
      i += stamp[0].length;
      continue;
    }
    const mention = /^<(@&|@!?|#)(\d{1,20})>/.exec(rest);
    if (mention) {
      flush();
      const label = mention[1] === '#' ? `#${mention[2]}` : mention[1] === '@&' ? `@role ${mention[2]}` : `@user ${mention[2]}`;
      out.push(html`<span class="mention">${label}</span>`);
      i += mention[0].length;
      continue;
    }
    let matched = false;
    if (depth < 4) {
      for (const [mark, wrap] of PAIRS) {
        if (!rest.startsWith(mark)) continue;
        const end = text.indexOf(mark, i + mark.length);
        if (end > i + mark.length) {
          flush();
          out.push(wrap(inline(text.slice(i + mark.length, end), depth + 1)));
          i = end + mark.length;
          matched = true;
        }
        break;
      }
    }
    if (matched) continue;
    plain += rest[0];
    i += 1;
  }
  flush();
  return joinHtml(out);
}

/** One line with its line-start syntax (quote, heading, subtext). */
function line(text: string): SafeHtml {
  const quote = /^>\s(.*)$/.exec(text);
  if (quote) return html`<blockquote>${inline(quote[1])}</blockquote>`;
  const sub = /^-#\s(.*)$/.exec(text);
  if (sub) return html`<span class="subtext">${inline(sub[1])}</span>`;
  const heading = /^#{1,3}\s(.*)$/.exec(text);
  if (heading) return html`<span class="h">${inline(heading[1])}</span>`;
  return inline(text);
}

/** A message text (content, an embed's description or a field's value) as HTML. */
export function markdown(text: string | null | undefined): SafeHtml {
  if (!text) return html``;
  const parts: SafeHtml[] = [];
  const blocks = text.split(/```/);
  blocks.forEach((block, n) => {
    // Odd pieces are code blocks (their first line may name the language); an unclosed fence stays as text.
    if (n % 2 === 1 && n < blocks.length - 1) {
      parts.push(html`<pre><code>${block.replace(/^[\w+-]*\n/, '')}</code></pre>`);
      return;
    }
    const piece = n % 2 === 1 ? `\`\`\`${block}` : block;
    const lines = piece.split('\n').map(line);
    parts.push(joinHtml(lines, html`<br>`));
  });
  return joinHtml(parts);
}
