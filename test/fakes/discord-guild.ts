/** The fake Discord's world: the server, its members and roles, what they send, and the message limits Discord enforces. */

export const IDS = {
  guild: '100000000000000001',
  channel: '100000000000000002',
  otherChannel: '100000000000000003',
  bot: '100000000000000010',
  admin: '100000000000000011', // has the Managers role (Manage Webhooks)
  member: '100000000000000012', // plain member
  closedDms: '100000000000000013', // Managers role, DMs closed
  managersRole: '100000000000000020',
  application: '100000000000000030',
};

const MANAGE_WEBHOOKS = 1n << 29n;
const BASE_PERMS = (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n); // view, send, embed links, read history

/** Why Discord would refuse this message body (its documented limits), or null. */
export function limitsProblem(body: Record<string, any>): string | null {
  if (body.content !== undefined && (typeof body.content !== 'string' || body.content.length > 2000)) return 'content over 2000';
  const embeds = body.embeds ?? [];
  if (!body.content && embeds.length === 0) return 'Cannot send an empty message';
  if (embeds.length > 10) return 'more than 10 embeds';
  let total = 0;
  for (const e of embeds) {
    if (e.title && e.title.length > 256) return 'title over 256';
    if (e.description && e.description.length > 4096) return 'description over 4096';
    if ((e.fields ?? []).length > 25) return 'more than 25 fields';
    for (const f of e.fields ?? []) {
      if (!f.name || f.name.length > 256) return 'bad field name';
      if (!f.value || f.value.length > 1024) return 'bad field value';
    }
    if (e.footer && (!e.footer.text || e.footer.text.length > 2048)) return 'bad footer';
    if (e.author && (!e.author.name || e.author.name.length > 256)) return 'bad author';
    if (e.url && !/^https?:\/\//.test(e.url)) return 'bad url';
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text?.length ?? 0)
      + (e.author?.name?.length ?? 0) + (e.fields ?? []).reduce((n: number, f: any) => n + f.name.length + f.value.length, 0);
  }
  if (total > 6000) return 'embeds over 6000 characters';
  if (body.nonce !== undefined && String(body.nonce).length > 25) return 'nonce over 25 characters';
  return null;
}

/** The test server as Discord sends it in GUILD_CREATE and `GET /guilds/{id}`. */
export function fakeGuild() {
  const role = (id: string, name: string, permissions: bigint, position: number) => ({
    id, name, color: 0, hoist: false, position, permissions: String(permissions), managed: false, mentionable: false, flags: 0, icon: null, unicode_emoji: null,
  });
  const member = (id: string, roles: string[]) => ({
    user: { id, username: `user${id.slice(-2)}`, discriminator: '0', avatar: null, global_name: null },
    roles, joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0,
  });
  const channel = (id: string, name: string, position: number) => ({
    id, type: 0, name, position, permission_overwrites: [], parent_id: null, topic: null, nsfw: false,
    rate_limit_per_user: 0, last_message_id: null, guild_id: IDS.guild,
  });
  return {
    id: IDS.guild, name: 'Test Server', icon: null, splash: null, discovery_splash: null, owner_id: '100000000000000099',
    afk_channel_id: null, afk_timeout: 300, verification_level: 0, default_message_notifications: 0, explicit_content_filter: 0,
    roles: [role(IDS.guild, '@everyone', BASE_PERMS, 0), role(IDS.managersRole, 'Managers', BASE_PERMS | MANAGE_WEBHOOKS, 1)],
    emojis: [], stickers: [], features: [], mfa_level: 0, application_id: null, system_channel_id: null, system_channel_flags: 0,
    rules_channel_id: null, vanity_url_code: null, description: null, banner: null, premium_tier: 0, preferred_locale: 'en-US',
    public_updates_channel_id: null, nsfw_level: 0, premium_progress_bar_enabled: false,
    joined_at: '2024-01-01T00:00:00.000Z', large: false, unavailable: false, member_count: 4,
    members: [member(IDS.bot, []), member(IDS.admin, [IDS.managersRole]), member(IDS.member, []), member(IDS.closedDms, [IDS.managersRole])],
    channels: [channel(IDS.channel, 'general', 0), channel(IDS.otherChannel, 'ops', 1)],
    threads: [], presences: [], voice_states: [], stage_instances: [], guild_scheduled_events: [],
  };
}


const isManager = (userId: string) => userId === IDS.admin || userId === IDS.closedDms;

/** MESSAGE_CREATE's payload for a user (or a bot) typing `content` in a channel. */
export function messageCreate(id: string, userId: string, content: string, channelId: string, bot: boolean) {
  return {
    id, channel_id: channelId, guild_id: IDS.guild,
    author: { id: userId, username: `user${userId.slice(-2)}`, discriminator: '0', avatar: null, global_name: null, ...(bot ? { bot: true } : {}) },
    member: { roles: isManager(userId) ? [IDS.managersRole] : [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 },
    content, timestamp: new Date().toISOString(), edited_timestamp: null, tts: false, mention_everyone: false,
    mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false, type: 0, flags: 0, components: [],
  };
}

/** INTERACTION_CREATE's payload for `/hook <sub>` (kind 2) or its autocomplete (kind 4), with the member's permissions. */
export function interactionCreate(id: string, userId: string, sub: string, options: Record<string, string>, kind: 2 | 4, focused?: string) {
  const manager = isManager(userId);
  return {
    id, application_id: IDS.application, type: kind, token: `tok-${id}`, version: 1,
    guild_id: IDS.guild, channel_id: IDS.channel,
    channel: { id: IDS.channel, type: 0, guild_id: IDS.guild, name: 'general', permissions: String(BASE_PERMS | MANAGE_WEBHOOKS) },
    member: {
      user: { id: userId, username: `user${userId.slice(-2)}`, discriminator: '0', avatar: null, global_name: null },
      roles: manager ? [IDS.managersRole] : [], permissions: String(manager ? BASE_PERMS | MANAGE_WEBHOOKS : BASE_PERMS),
      joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0,
    },
    app_permissions: String(BASE_PERMS), locale: 'en-US', guild_locale: 'en-US', entitlements: [],
    authorizing_integration_owners: { 0: IDS.guild }, context: 0,
    data: {
      id: '100000000000000040', name: 'hook', type: 1,
      options: [{
        type: 1, name: sub,
        options: Object.entries(options).map(([name, value]) => ({ type: 3, name, value, ...(name === focused ? { focused: true } : {}) })),
      }],
    },
  };
}

/** A form (modal) submitted, as Discord sends it: INTERACTION_CREATE type 5, each text input inside a label. */
export function modalSubmit(id: string, userId: string, customId: string, values: Record<string, string>) {
  const components = Object.entries(values).map(([name, value], i) => ({ type: 18, id: 2 * i + 1, component: { type: 4, id: 2 * i + 2, custom_id: name, value } }));
  return { ...interactionCreate(id, userId, '', {}, 2), type: 5, data: { custom_id: customId, components } };
}
