type Options = { ok: true; positional: string[]; flags: Record<string, string> } | { ok: false; error: string };

/** Splits `--name value` / `--name=value` flags from positional arguments; only `allowed` flags are accepted. */
export function parseOptions(args: string[], allowed: string[]): Options {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('--')) { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = (eq === -1 ? a.slice(2) : a.slice(2, eq)).toLowerCase();
    if (!allowed.includes(name)) {
      return { ok: false, error: `unknown option --${name}${allowed.length ? ` (valid: ${allowed.map((x) => `--${x}`).join(', ')})` : ''}` };
    }
    const value = eq === -1 ? args[++i] : a.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('--')) return { ok: false, error: `--${name} needs a value` };
    flags[name] = value;
  }
  return { ok: true, positional, flags };
}
