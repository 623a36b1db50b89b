import { SCHEMES } from '../src/http/verify.js';

/** Every user-facing error wording, in one place. `p` is the command prefix (`COMMAND_PREFIX`, `!hook` by default). */
export const MSG = {
  noPermission: (p: string) =>
    `⛔ You need the **Manage Webhooks** (or Administrator) permission in this channel to change hooks. `
    + `Ask someone who has it, or use \`${p} list\` to see what is set up.`,
  unknownHook: (ref: string, p: string) =>
    `❓ No hook \`${ref}\` here. Use a hook id from \`${p} list\` (like \`hook_001\`) or, in the hook's channel, its service name (\`github\`).`,
  parse: (why: string, usage: string) => `⚠️ ${why}\nUsage: \`${usage}\``,
  notYet: (what: string) => `🚧 \`${what}\` is not available in this version of hookbot yet.`,
} as const;

/** The usage line of each command that answers with one, with the prefix `p`. Kept in the order of the contract. */
const USAGE = {
  github: (p: string) => `${p} github on [--events push,pr,issues,release,workflow|all] [--repo owner/name]`,
  delete: (p: string) => `${p} delete <id>`,
  test: (p: string) => `${p} test <id> [--last]`,
  format: (p: string) => `${p} format <ref>[-<event>] "<template>"  |  ${p} format <ref>[-<event>] reset`,
  custom: (p: string) => `${p} custom [<url>] [--verify ${SCHEMES.join('|')}] [--events a,b] [--rate 60]`,
  secret: (p: string) => `${p} <ref> secret <value>`,
  docker: (p: string) => `${p} docker on [--containers web,db] [--events build,start,stop,die,oom,health]  |  ${p} docker off  |  ${p} docker updates [--every 6h]  |  ${p} docker updates off`,
  poll: (p: string) => `${p} poll <url> [--every 5m] [--items <path>] [--id <field>]`,
  ci: (p: string) => `${p} ci on  |  ${p} ci off`,
  alertIf: (p: string) => `${p} <ref> alert-if "<expr>" [--ping @role]  |  alert-if clear  |  alert-if remove <n>`,
  aggregate: (p: string) => `${p} <ref> aggregate 5m [--except failed|none]  |  ${p} <ref> aggregate off`,
  filter: (p: string) => `${p} <ref> filter key=value [key!=value …]  |  ${p} <ref> filter clear`,
  threads: (p: string) => `${p} <ref> threads on  |  ${p} <ref> threads off`,
} as const;

/** A command's usage line with the configured prefix. */
export function usage(key: keyof typeof USAGE, prefix: string): string {
  return USAGE[key](prefix);
}
