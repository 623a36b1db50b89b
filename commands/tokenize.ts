const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '‘': '’', '„': '“', '«': '»' };

type Tokens = { ok: true; tokens: string[] } | { ok: false; error: string };

/**
 * Splits a command line into arguments. `"…"`, `'…'` and typographic quotes group words; a quote that is
 * never closed is an error rather than a guess.
 */
export function tokenize(input: string): Tokens {
  const tokens: string[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (/\s/.test(c)) { i++; continue; }
    let token = '';
    let quoted = false;
    while (i < input.length && !/\s/.test(input[i])) {
      const q = input[i];
      const close = QUOTES[q];
      if (close) {
        const end = input.indexOf(close, i + 1);
        // A typographic opening quote may be closed by the same mark (phones do that).
        const alt = close !== q ? input.indexOf(q, i + 1) : -1;
        const stop = end === -1 ? alt : alt === -1 ? end : Math.min(end, alt);
        if (stop === -1) return { ok: false, error: `the quote ${q} at position ${i + 1} is never closed` };
        token += input.slice(i + 1, stop);
        quoted = true;
        i = stop + 1;
      } else {
        token += q;
        i++;
      }
    }
    if (token || quoted) tokens.push(token);
  }
  return { ok: true, tokens };
}
