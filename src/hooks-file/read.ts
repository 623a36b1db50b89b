import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';

/** One problem in the hooks file: where (`hooks[2].filters.branch`) and what is wrong. */
export interface FileIssue {
  path: (string | number)[];
  message: string;
}

/** A parsed hooks file: its value (integers beyond 2^53, such as Discord ids, as strings) and where each node is. */
export interface ParsedFile {
  value: unknown;
  /** The line (1-based) of the deepest node of `path` the file has. */
  lineOf(path: readonly (string | number)[]): number;
  /** Whether the file has a node at `path`. */
  has(path: readonly (string | number)[]): boolean;
}

/** Big integers as strings (an unquoted Discord id stays exact), others as numbers. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** Walks `path` through the document: the line of each step reached (a map key's own line; a list item's). */
function walk(doc: Document, lines: LineCounter, path: readonly (string | number)[]): { line: number; found: boolean } {
  let node: unknown = doc.contents;
  let line = 1;
  const at = (offset: number | undefined) => (offset === undefined ? line : lines.linePos(offset).line);
  if (node && typeof node === 'object' && 'range' in node) line = at((node as { range?: [number] }).range?.[0]);
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(step));
      if (!pair) return { line, found: false };
      line = at(isScalar(pair.key) ? pair.key.range?.[0] : undefined);
      node = pair.value;
    } else if (isSeq(node) && typeof step === 'number' && node.items[step]) {
      const item = node.items[step] as { range?: [number] };
      line = at(item.range?.[0]);
      node = item;
    } else {
      return { line, found: false };
    }
  }
  return { line, found: true };
}

/** Parses YAML keeping positions; syntax errors come back as issues with their lines. */
export function readHooksFile(text: string): { ok: true; file: ParsedFile } | { ok: false; issues: (FileIssue & { line: number })[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, intAsBigInt: true, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      ok: false,
      issues: doc.errors.map((e) => ({ path: [], line: lines.linePos(e.pos[0]).line, message: `YAML: ${e.message.split('\n')[0]}` })),
    };
  }
  return {
    ok: true,
    file: {
      value: plain(doc.toJS({ maxAliasCount: 100 })),
      lineOf: (path) => walk(doc, lines, path).line,
      has: (path) => walk(doc, lines, path).found,
    },
  };
}
