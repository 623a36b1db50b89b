/** Every user-facing error wording, in one place. `p` is the command prefix (`!hook`). */
export const MSG = {
  noPermission: (p: string) =>
    `⛔ You need the **Manage Webhooks** (or Administrator) permission in this channel to change hooks. `
    + `Ask someone who has it, or use \`${p} list\` to see what is set up.`,
  unknownHook: (ref: string, p: string) =>
    `❓ No hook \`${ref}\` here. Use a hook id from \`${p} list\` (like \`hook_001\`) or, in the hook's channel, its service name (\`github\`).`,
  parse: (why: string, usage: string) => `⚠️ ${why}\nUsage: \`${usage}\``,
  notYet: (what: string) => `🚧 \`${what}\` is not available in this version of hookbot yet.`,
  noGuild: 'hookbot commands work in a server channel, not in DMs.',
} as const;

/** One line per command: usage and an example. Kept in the order of the contract. */
export const USAGE = {
  help: '!hook help',
  github: '!hook github on [--events push,pr,issues,release,workflow|all] [--repo owner/name]',
  githubOff: '!hook github off',
  list: '!hook list',
  delete: '!hook delete <id>',
  off: '!hook <ref> off',
  test: '!hook test <id> [--last]',
  format: '!hook format <ref>[-<event>] "<template>"  |  !hook format <ref>[-<event>] reset',
  custom: '!hook custom [<url>] [--verify github|gitlab|stripe|slack|circleci|standard|hmac|token|none] [--events a,b] [--rate 60]',
  secret: '!hook <ref> secret <value>',
  docker: '!hook docker on [--containers web,db] [--events build,start,stop,die,oom,health]  |  !hook docker off',
  replay: '!hook <id> replay',
  ci: '!hook ci on  |  !hook ci off',
  alertIf: '!hook <ref> alert-if "<expr>" [--ping @role]  |  alert-if clear  |  alert-if remove <n>',
  aggregate: '!hook <ref> aggregate 5m [--except failed|none]  |  !hook <ref> aggregate off',
  filter: '!hook <ref> filter key=value [key!=value …]  |  !hook <ref> filter clear',
} as const;

/** A usage line with the configured prefix. */
export function usage(key: keyof typeof USAGE, prefix: string): string {
  return USAGE[key].replaceAll('!hook', prefix);
}
