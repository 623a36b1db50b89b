import { decodeHTML } from 'entities';

/**
 * Feed text that may be HTML (an RSS description, an Atom `type="html"` summary, JSON Feed's `content_html`) as plain
 * text for an embed: block ends and `<br>` become line breaks, other tags go, entities are decoded (the `entities`
 * package, the one feedsmith uses), whitespace is folded. Only for showing: the result is never treated as markup.
 */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|h[1-6]|blockquote|pre|tr)\s*>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '• ')
    .replace(/<[^>]*>/g, ' ');
  return decodeHTML(text)
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Text that looks like markup (a tag or an entity) is read as HTML; plain text is left as it is. */
export function readableText(text: string, html?: boolean): string {
  return html || /<[a-z!/][^>]*>|&(#\d+|#x[0-9a-f]+|[a-z]+);/i.test(text) ? htmlToText(text) : text.trim();
}
