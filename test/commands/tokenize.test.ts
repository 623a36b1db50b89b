import { describe, expect, it } from 'vitest';
import { tokenize } from '../../commands/tokenize.js';

describe('tokenize', () => {
  it('splits on whitespace', () => {
    expect(tokenize('  github on   --events push,pr ')).toEqual({ ok: true, tokens: ['github', 'on', '--events', 'push,pr'] });
  });

  it.each([
    ['format github "📦 {{author}} pushed"', '📦 {{author}} pushed'],
    ["format github '📦 {{author}} pushed'", '📦 {{author}} pushed'],
    ['format github “📦 {{author}} pushed”', '📦 {{author}} pushed'],
    ['format github ‘📦 {{author}} pushed’', '📦 {{author}} pushed'],
    ['format github “📦 {{author}} pushed“', '📦 {{author}} pushed'],
  ])('keeps quoted words together: %s', (input, expected) => {
    const r = tokenize(input);
    expect(r.ok && r.tokens[2]).toBe(expected);
  });

  it('keeps an apostrophe inside double quotes', () => {
    const r = tokenize(`alert-if "pr.status == 'approved'"`);
    expect(r.ok && r.tokens[1]).toBe("pr.status == 'approved'");
  });

  it('keeps an empty quoted argument', () => {
    expect(tokenize('format github ""')).toEqual({ ok: true, tokens: ['format', 'github', ''] });
  });

  it('reports an unclosed quote instead of guessing', () => {
    const r = tokenize('format github "oops');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/never closed/);
  });
});
