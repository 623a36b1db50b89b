import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The boundaries ARCHITECTURE.md describes, checked on every test run: what each part may import, who reads
 * the environment, file size, and no import cycles between folders.
 */
const ROOT = normalize(join(import.meta.dirname, '..'));
const PARTS = ['src', 'parsers', 'formatters', 'commands', 'test', 'bench'];

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) return files(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

interface Import { from: string; spec: string; target: string | null; typeOnly: boolean }

/** Every import/export-from of a file; `target` is the repo-relative file for relative specifiers. */
function importsOf(file: string): Import[] {
  const src = readFileSync(join(ROOT, file), 'utf8');
  const out: Import[] = [];
  const re = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
  for (const m of src.matchAll(re)) {
    const spec = m[3];
    const names = /\{([^}]*)\}/.exec(m[0])?.[1].split(',').map((x) => x.trim()).filter(Boolean) ?? [];
    const typeOnly = Boolean(m[2]) || (names.length > 0 && !/^\s*(import|export)\s+[\w*]/.test(m[0].replace(/^\s*(import|export)\s+type\b/, ''))
      && names.every((n) => n.startsWith('type ')));
    const target = spec.startsWith('.') ? normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts') : null;
    out.push({ from: file, spec, target, typeOnly });
  }
  return out;
}

const all = PARTS.flatMap(files);
const product = all.filter((f) => !f.startsWith('test/') && !f.startsWith('bench/'));
const part = (f: string) => f.split('/')[0];

describe('architecture', () => {
  it('parsers/ and formatters/ import nothing from src/ but types from src/types.ts', () => {
    const bad = product.filter((f) => ['parsers', 'formatters'].includes(part(f))).flatMap(importsOf)
      .filter((i) => i.target?.startsWith('src/') && !(i.target === 'src/types.ts' && i.typeOnly))
      .map((i) => `${i.from} imports ${i.spec}`);
    expect(bad).toEqual([]);
  });

  it('parsers/ and formatters/ use no I/O library', () => {
    const io = /^(node:(fs|net|http|https|dns|child_process)|express|dockerode|better-sqlite3|pg|discord\.js|drizzle-orm)/;
    const bad = product.filter((f) => ['parsers', 'formatters'].includes(part(f))).flatMap(importsOf)
      .filter((i) => io.test(i.spec)).map((i) => `${i.from} imports ${i.spec}`);
    expect(bad).toEqual([]);
  });

  it('commands/ import no express, dockerode or better-sqlite3 (not even through src/)', () => {
    const forbidden = /^(express|dockerode|better-sqlite3|pg)$/;
    const bad: string[] = [];
    for (const f of product.filter((x) => part(x) === 'commands')) {
      // Follow runtime imports transitively: a command must not pull these in through a helper either.
      const seen = new Set<string>();
      const stack = [f];
      while (stack.length) {
        const cur = stack.pop()!;
        if (seen.has(cur)) continue;
        seen.add(cur);
        for (const i of importsOf(cur)) {
          if (i.typeOnly) continue;
          if (forbidden.test(i.spec)) bad.push(`${f} → ${cur} imports ${i.spec}`);
          if (i.target && all.includes(i.target)) stack.push(i.target);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('only src/main.ts and src/config.ts read process.env', () => {
    const bad = product.filter((f) => !['src/main.ts', 'src/config.ts'].includes(f))
      .filter((f) => /process\.env/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
  });

  it('no file is over 400 lines', () => {
    const long = all.map((f) => ({ f, n: readFileSync(join(ROOT, f), 'utf8').split('\n').length }))
      .filter(({ n }) => n > 400).map(({ f, n }) => `${f}: ${n} lines`);
    expect(long).toEqual([]);
  });

  it('no import cycles between folders (runtime imports)', () => {
    // A folder is one node; the files directly in src/ (the composition root and small leaf modules) are a node each.
    const node = (f: string) => (dirname(f) === 'src' ? f : dirname(f));
    const edges = new Map<string, Set<string>>();
    for (const i of product.flatMap(importsOf)) {
      if (i.typeOnly || !i.target || !product.includes(i.target)) continue;
      const a = node(i.from);
      const b = node(i.target);
      if (a === b) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a)!.add(b);
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (n: string, path: string[]) => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'open') {
        cycles.push([...path.slice(path.indexOf(n)), n].join(' → '));
        return;
      }
      state.set(n, 'open');
      for (const m of edges.get(n) ?? []) visit(m, [...path, n]);
      state.set(n, 'done');
    };
    for (const n of edges.keys()) visit(n, []);
    expect(cycles).toEqual([]);
  });

  it('every relative import resolves to a file', () => {
    const missing = all.flatMap(importsOf).filter((i) => i.target && !all.includes(i.target) && !i.target.endsWith('.json'))
      .map((i) => `${i.from} imports ${i.spec}`);
    expect(missing).toEqual([]);
  });
});
