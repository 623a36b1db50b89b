import { evaluate, parse } from '@marcbachmann/cel-js';

/**
 * alert-if expressions are CEL (Common Expression Language: no loops, no function definitions, no prototype
 * access — https://cel.dev), evaluated by @marcbachmann/cel-js, an interpreter (no eval). Users may write
 * `and`, `or`, `not` as in the contract's examples; they become `&&`, `||`, `!` outside string literals.
 */
export function toCel(expr: string): string {
  let out = '';
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (c === '"' || c === "'") {
      const end = expr.indexOf(c, i + 1);
      const stop = end === -1 ? expr.length : end + 1;
      out += expr.slice(i, stop);
      i = stop;
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(expr.slice(i))?.[0];
    if (word) {
      const prev = out.at(-1) ?? ' ';
      out += prev === '.' ? word : word === 'and' ? '&&' : word === 'or' ? '||' : word === 'not' ? '!' : word;
      i += word.length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Why an expression cannot be a rule for this kind of hook (syntax, unknown variable or field), or null. */
export function checkRule(expr: string, sample: Record<string, unknown>): string | null {
  const cel = toCel(expr);
  if (cel.length > 500) return 'the expression is longer than 500 characters';
  try {
    parse(cel);
  } catch (err) {
    return `syntax error: ${(err as Error).message.split('\n')[0]}`;
  }
  try {
    const v = evaluate(cel, sample);
    if (typeof v !== 'boolean') return `the expression gives ${typeof v}, not true/false`;
  } catch (err) {
    return (err as Error).message.split('\n')[0];
  }
  return null;
}

/** Evaluates a rule; anything that is not `true` (including an evaluation error) is false. */
export function ruleHolds(expr: string, context: Record<string, unknown>): boolean {
  try {
    return evaluate(toCel(expr), context) === true;
  } catch {
    return false;
  }
}
