import {
  ApplicationCommandOptionType, LabelBuilder, MessageFlags, ModalBuilder, PermissionFlagsBits, Routes, TextInputBuilder, TextInputStyle,
  type ModalSubmitInteraction,
  type APIEmbed, type MessageMentionOptions, type MessageMentionTypes, type AutocompleteInteraction, type ChatInputCommandInteraction, type Client, type Interaction, type REST,
} from 'discord.js';
import type { Logger } from 'pino';
import { runCommand, type CommandResult } from '../../commands/index.js';
import type { Store } from '../store/store.js';
import type { DiscordMessage } from '../types.js';
import type { ContextFactory } from './chat-commands.js';
import { fitToDiscordLimits } from '../../formatters/limits.js';
import { NOTICE } from '../../formatters/notices.js';
import { SCHEMES } from '../http/verify.js';

const S = ApplicationCommandOptionType.Subcommand;
const STR = ApplicationCommandOptionType.String;
const hookOption = (name: string, description: string) => ({ type: STR, name, description, required: true, autocomplete: true });

/** The `/hook` command as registered with Discord: one subcommand per `!hook` verb, same options. */
export function buildSlashCommands() {
  return [{
    name: 'hook',
    description: 'Manage hookbot webhooks in this server',
    type: 1,
    default_member_permissions: String(PermissionFlagsBits.ManageWebhooks),
    contexts: [0], // guilds only
    options: [
      { type: S, name: 'help', description: 'The command list with one example each' },
      {
        type: S, name: 'github', description: 'GitHub events in this channel', options: [
          { type: STR, name: 'state', description: 'on or off', required: true, choices: [{ name: 'on', value: 'on' }, { name: 'off', value: 'off' }] },
          { type: STR, name: 'events', description: 'push,pr,issues,release,workflow or all' },
          { type: STR, name: 'repo', description: 'only this repository (owner/name)' },
        ],
      },
      {
        type: S, name: 'ci', description: 'CI pipelines (GitLab CI, GitHub Actions, CircleCI, Jenkins) in this channel', options: [
          { type: STR, name: 'state', description: 'on or off', required: true, choices: [{ name: 'on', value: 'on' }, { name: 'off', value: 'off' }] },
        ],
      },
      { type: S, name: 'list', description: 'Hooks of this server: status, events, last delivery' },
      { type: S, name: 'delete', description: 'Remove a hook (its URL then answers 404)', options: [hookOption('id', 'the hook to delete')] },
      { type: S, name: 'off', description: 'Pause a hook (its URL answers 404 until turned on again)', options: [hookOption('hook', 'the hook to pause')] },
      { type: S, name: 'test', description: 'A realistic sample event through the whole pipeline', options: [hookOption('id', 'the hook to test')] },
      {
        type: S, name: 'custom', description: 'An endpoint for any JSON; optionally forward this channel\'s events', options: [
          { type: STR, name: 'url', description: 'forward this channel\'s events to this URL (signed)' },
          { type: STR, name: 'verify', description: 'signature scheme (default hmac)', choices: SCHEMES.map((v) => ({ name: v, value: v })) },
          { type: STR, name: 'events', description: 'forward only these events (comma-separated)' },
          { type: STR, name: 'rate', description: 'deliveries per minute before 429 (default 60)' },
        ],
      },
      { type: S, name: 'secret', description: 'Set a provider-issued secret (Stripe, Slack, Standard Webhooks)', options: [
        hookOption('hook', 'the hook'), { type: STR, name: 'value', description: 'the secret — or leave out and type it in a private form' },
      ] },
      { type: S, name: 'filter', description: 'Show, set (key=value …) or clear a hook\'s filters', options: [
        hookOption('hook', 'the hook'), { type: STR, name: 'terms', description: 'e.g. branch=main status!=failure — or clear; empty shows them' },
      ] },
      { type: S, name: 'docker', description: 'Container and image events from the Docker socket; image updates from registries', options: [
        { type: STR, name: 'state', description: 'on, off, or updates (newer image digests in registries)', required: true, choices: [
          { name: 'on', value: 'on' }, { name: 'off', value: 'off' }, { name: 'updates', value: 'updates' }, { name: 'updates off', value: 'updates off' },
        ] },
        { type: STR, name: 'every', description: 'updates: how often to check (30s … 24h, default 6h)' },
        { type: STR, name: 'containers', description: 'only these containers / compose services (comma-separated)' },
        { type: STR, name: 'events', description: 'build,start,stop,die,oom,health (default all)' },
      ] },
      { type: S, name: 'aggregate', description: 'One digest per window instead of one message per event', options: [
        hookOption('hook', 'the hook'), { type: STR, name: 'window', description: '30s … 24h, or off; empty shows the setting' },
        { type: STR, name: 'except', description: 'failed (default: failures post at once) or none', choices: [{ name: 'failed', value: 'failed' }, { name: 'none', value: 'none' }] },
      ] },
      { type: S, name: 'alert-if', description: 'Alert when a rule becomes true (list, add, clear, remove <n>)', options: [
        hookOption('hook', 'the hook'), { type: STR, name: 'rule', description: "e.g. pr.status == 'approved' and pr.reviews >= 2 — or clear / remove 1" },
        { type: ApplicationCommandOptionType.Mentionable, name: 'ping', description: 'role or user to mention on this alert only' },
      ] },
      { type: S, name: 'threads', description: 'A thread per pull request, issue or pipeline run (on, off; empty shows it)', options: [
        hookOption('hook', 'the hook'),
        { type: STR, name: 'state', description: 'on or off', choices: [{ name: 'on', value: 'on' }, { name: 'off', value: 'off' }] },
      ] },
      { type: S, name: 'route', description: 'Route events to other channels by their fields (list, add, remove <n>, unrouted)', options: [
        hookOption('hook', 'the hook'),
        { type: STR, name: 'action', description: 'list (default), add, remove or unrouted', choices: ['list', 'add', 'remove', 'unrouted'].map((c) => ({ name: c, value: c })) },
        { type: STR, name: 'match', description: 'add: what the route matches, e.g. event=release repo=api', max_length: 500 },
        { type: ApplicationCommandOptionType.Channel, name: 'channel', description: 'add: where matching events go' },
        { type: STR, name: 'template', description: 'add: this route\'s own mustache template', max_length: 2000 },
        { type: STR, name: 'continue', description: 'add: also try later routes', choices: [{ name: 'yes', value: 'yes' }] },
        { type: STR, name: 'value', description: 'remove: the route number; unrouted: channel or drop' },
        { type: ApplicationCommandOptionType.Mentionable, name: 'ping', description: 'add: the role or user this route\'s messages mention' },
        { type: STR, name: 'aggregate', description: 'add: this route\'s own digest window, e.g. 5m (30s … 24h)' },
      ] },
      { type: S, name: 'poll', description: 'Watch an RSS, Atom or JSON feed, or a JSON URL (the same again resumes it)', options: [
        { type: STR, name: 'url', description: 'the feed or JSON URL', required: true, max_length: 2000 },
        { type: STR, name: 'every', description: 'how often: 30s … 24h (default 5m)' },
        { type: STR, name: 'items', description: 'JSON: dot path to the item array, e.g. data.releases' },
        { type: STR, name: 'id', description: 'JSON: the field that identifies an item (default id, guid or link)' },
      ] },
      { type: S, name: 'explain', description: 'Why the latest event was kept or dropped', options: [hookOption('hook', 'the hook')] },
      { type: S, name: 'replay', description: 'Re-send the forwards that failed', options: [hookOption('id', 'the hook')] },
      { type: S, name: 'dashboard', description: 'A one-time link to this server\'s delivery log (only you see it)' },
      {
        type: S, name: 'format', description: 'Your own mustache template, or reset', options: [
          hookOption('hook', 'hook id or service, optionally with -event (e.g. github-push)'),
          { type: STR, name: 'template', description: 'e.g. 📦 {{author}} pushed {{commit_count}} to {{branch}} — or reset', required: true, max_length: 2000 },
        ],
      },
    ],
  }];
}

/** Registers `/hook`: in one guild when given (instant), else globally. */
export async function registerSlashCommands(rest: REST, applicationId: string, guildId?: string): Promise<void> {
  const route = guildId ? Routes.applicationGuildCommands(applicationId, guildId) : Routes.applicationCommands(applicationId);
  await rest.put(route, { body: buildSlashCommands() });
}

/** The same arguments a `!hook` line would have, so both front ends run one implementation. */
export function interactionArgs(sub: string, get: (name: string) => string | null): string[] {
  const opt = (flag: string, name: string) => {
    const v = get(name);
    return v ? [`--${flag}`, v] : [];
  };
  switch (sub) {
    case 'github': return ['github', get('state') ?? '', ...opt('events', 'events'), ...opt('repo', 'repo')];
    case 'ci': return ['ci', get('state') ?? ''];
    case 'delete': return ['delete', get('id') ?? ''];
    case 'test': return ['test', get('id') ?? ''];
    case 'off': return [get('hook') ?? '', 'off'];
    case 'format': return ['format', get('hook') ?? '', get('template') ?? ''];
    case 'custom': return ['custom', ...(get('url') ? [get('url')!] : []), ...opt('verify', 'verify'), ...opt('events', 'events'), ...opt('rate', 'rate')];
    case 'secret': return [get('hook') ?? '', 'secret', get('value') ?? ''];
    case 'replay': return [get('id') ?? '', 'replay'];
    case 'explain': return [get('hook') ?? '', 'explain'];
    case 'threads': return [get('hook') ?? '', 'threads', ...(get('state') ? [get('state')!] : [])];
    case 'route': {
      const action = get('action') ?? 'list';
      if (action !== 'add') return [get('hook') ?? '', 'route', action, ...(get('value') ? [get('value')!] : [])];
      return [get('hook') ?? '', 'route', 'add', get('match') ?? '', get('channel') ?? '', ...opt('template', 'template'), ...(get('continue') === 'yes' ? ['--continue'] : []),
        ...opt('ping', 'ping'), ...opt('aggregate', 'aggregate')];
    }
    case 'alert-if': {
      const rule = (get('rule') ?? '').trim();
      const words = /^(clear|remove\s+\d+)$/i.test(rule) ? rule.split(/\s+/) : rule ? [rule] : [];
      return [get('hook') ?? '', 'alert-if', ...words, ...(get('ping') ? ['--ping', get('ping')!] : [])];
    }
    case 'aggregate': return [get('hook') ?? '', 'aggregate', ...(get('window') ? [get('window')!] : []), ...opt('except', 'except')];
    case 'filter': return [get('hook') ?? '', 'filter', ...(get('terms') ?? '').split(/\s+/).filter(Boolean)];
    case 'docker': return /^updates/.test(get('state') ?? '')
      ? ['docker', ...(get('state') ?? '').split(' '), ...opt('every', 'every')]
      : ['docker', get('state') ?? '', ...opt('containers', 'containers'), ...opt('events', 'events')];
    case 'poll': return ['poll', get('url') ?? '', ...opt('every', 'every'), ...opt('items', 'items'), ...opt('id', 'id')];
    default: return [sub];
  }
}

/** Sub-commands whose answer may carry a secret: their whole reply is ephemeral. */
const MAY_HAVE_SECRET = new Set(['github', 'ci', 'custom', 'secret', 'dashboard']);

async function autocomplete(i: AutocompleteInteraction, store: Store): Promise<void> {
  const typed = String(i.options.getFocused()).toLowerCase();
  const hooks = i.guildId ? await store.listHooks(i.guildId) : [];
  const choices = hooks
    .filter((h) => h.id.includes(typed) || h.service.includes(typed))
    .slice(0, 25)
    .map((h) => ({ name: `${h.id} · ${h.service}${h.enabled ? '' : ' (off)'}`, value: h.id }));
  await i.respond(choices);
}

const MENTION_TYPES: readonly string[] = ['everyone', 'roles', 'users'] satisfies MessageMentionTypes[];
const isMentionType = (p: string): p is MessageMentionTypes => MENTION_TYPES.includes(p);

/** A command's reply in the shape discord.js sends on an interaction (`allowed_mentions` → `allowedMentions`). */
function interactionReply(m: DiscordMessage): { content?: string; embeds?: APIEmbed[]; allowedMentions?: MessageMentionOptions } {
  const { content, embeds, allowed_mentions: mentions } = m;
  return { content, embeds, ...(mentions ? { allowedMentions: { ...mentions, parse: mentions.parse.filter(isMentionType) } } : {}) };
}

/** The private form `/hook secret <hook>` opens when no value is given: the secret is typed where only hookbot sees it. */
const SECRET_FORM = 'hook-secret:';

function secretForm(hookRef: string): ModalBuilder {
  return new ModalBuilder().setCustomId(`${SECRET_FORM}${hookRef}`.slice(0, 100)).setTitle(`Secret of ${hookRef}`.slice(0, 45))
    .addLabelComponents(new LabelBuilder().setLabel('The provider-issued secret').setDescription('Only hookbot sees it; it is never shown again.')
      .setTextInputComponent(new TextInputBuilder().setCustomId('value').setStyle(TextInputStyle.Short).setRequired(true).setMinLength(8).setMaxLength(500)));
}

/** The form's answer: the same `secret` command, answered privately. */
async function secretFormSubmitted(i: ModalSubmitInteraction, deps: { makeContext: ContextFactory }): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  if (!i.inGuild() || !i.channelId) {
    await i.editReply({ content: NOTICE.noGuild });
    return;
  }
  const canManage = i.memberPermissions?.has(PermissionFlagsBits.ManageWebhooks) ?? false;
  const ctx = deps.makeContext({ guildId: i.guildId, channelId: i.channelId, userId: i.user.id, canManage });
  const result = await runCommand([i.customId.slice(SECRET_FORM.length), 'secret', i.fields.getTextInputValue('value').trim()], ctx);
  await i.editReply(interactionReply(fitToDiscordLimits(result.reply)));
}

async function command(i: ChatInputCommandInteraction, deps: { makeContext: ContextFactory; log: Logger }): Promise<void> {
  const sub = i.options.getSubcommand();
  if (sub === 'secret' && !i.options.getString('value')) {
    // A form is the first answer (no deferral before it): nothing is typed into the channel, not even privately.
    await i.showModal(secretForm(i.options.getString('hook') ?? ''));
    return;
  }
  const secretive = MAY_HAVE_SECRET.has(sub);
  // Acknowledge within Discord's 3 seconds whatever the command does next.
  await i.deferReply(secretive ? { flags: MessageFlags.Ephemeral } : {});
  if (!i.inGuild()) {
    await i.editReply({ content: NOTICE.noGuild });
    return;
  }
  const canManage = i.memberPermissions?.has(PermissionFlagsBits.ManageWebhooks) ?? false;
  const ctx = deps.makeContext({ guildId: i.guildId, channelId: i.channelId, userId: i.user.id, canManage });
  // A mentionable option arrives as an id; the command grammar takes a mention (role or user).
  const getOption = (n: string) => {
    if (n === 'channel' && sub === 'route') {
      const c = i.options.get(n);
      return c?.value ? `<#${c.value}>` : null;
    }
    if (n !== 'ping') return i.options.getString(n);
    const o = i.options.get(n);
    if (!o?.value) return null;
    return o.role ? `<@&${o.value}>` : `<@${o.value}>`;
  };
  const raw: CommandResult = await runCommand(interactionArgs(sub, getOption), ctx);
  const result: CommandResult = { ...raw, reply: fitToDiscordLimits(raw.reply), ...(raw.secret ? { secret: fitToDiscordLimits(raw.secret) } : {}) };
  if (sub === 'secret') {
    await i.editReply(interactionReply(result.reply)); // ephemeral: the value never reaches the channel
    return;
  }
  if (sub === 'dashboard') {
    await i.editReply(interactionReply(result.secret ?? result.reply)); // ephemeral: the login link is the invoker's alone
    return;
  }
  if (secretive && result.secret) {
    // The invoker sees the setup and the secret, privately; the channel sees the setup without it.
    await i.editReply(interactionReply({ ...result.reply, content: [result.reply.content, result.secret.content].filter(Boolean).join('\n\n') }));
    await i.followUp(interactionReply(result.reply));
    return;
  }
  await i.editReply(interactionReply(result.reply));
}

/** Handles `/hook` interactions (and hook-id autocomplete). */
export function attachSlashCommands(client: Client, deps: { makeContext: ContextFactory; store: Store; log: Logger }): void {
  client.on('interactionCreate', async (i: Interaction) => {
    try {
      if (i.isAutocomplete() && i.commandName === 'hook') await autocomplete(i, deps.store);
      else if (i.isChatInputCommand() && i.commandName === 'hook') await command(i, deps);
      else if (i.isModalSubmit() && i.customId.startsWith(SECRET_FORM)) await secretFormSubmitted(i, deps);
    } catch (err) {
      deps.log.error({ err: (err as Error).message }, 'slash command failed');
      if (i.isRepliable() && (i.deferred || i.replied)) {
        await i.editReply({ content: NOTICE.commandCrashed }).catch(() => {});
      }
    }
  });
}
