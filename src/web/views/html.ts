/**
 * HTML that is safe by construction: `html` is a tagged template whose every interpolated value is escaped, unless
 * it is itself the result of `html` (already escaped). Arrays are joined, `null`/`undefined`/`false` render nothing.
 * This is the only way the web pages make markup: a payload value can only ever become text.
 */

const brand = Symbol('hookbot.safe-html');

/** Markup made by `html`: its parts were escaped when it was built. */
export interface SafeHtml {
  readonly [brand]: true;
  toString(): string;
}

const safe = (s: string): SafeHtml => ({ [brand]: true, toString: () => s }) as SafeHtml;

export const isSafeHtml = (v: unknown): v is SafeHtml => typeof v === 'object' && v !== null && brand in v;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Text as HTML text or a quoted attribute value (the one escaping helper). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c]);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (isSafeHtml(v)) return v.toString();
  return escapeHtml(String(v));
}

/** `html\`<td>${text}</td>\``: the literal parts are markup, every value is escaped text. */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return safe(out);
}

/** Values (escaped as `html` does) joined by a separator given as markup. */
export function joinHtml(items: readonly HtmlValue[], separator: SafeHtml = html``): SafeHtml {
  return safe(items.map(render).join(separator.toString()));
}
