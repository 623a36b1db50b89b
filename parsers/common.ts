/** What every parser shares: the error a payload that cannot be read raises, and text trimming. */

/** A payload that cannot be read as the event it claims to be (stored, then marked `error:` — never retried). */
export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

/** Trims long text to `max` characters on a line or word boundary, with an ellipsis. */
export function trimText(text: string, max: number): string {
  const t = text.replace(/\r\n/g, '\n').trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max - 1);
  const at = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(' '));
  return `${(at > max * 0.6 ? cut.slice(0, at) : cut).trimEnd()}…`;
}
