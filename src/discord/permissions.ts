import { PermissionFlagsBits } from 'discord.js';

interface Overwrite { id: string; type: number; allow: string; deny: string }
export interface PermissionInputs {
  guild: { id: string; owner_id: string; roles: { id: string; permissions: string }[] };
  member: { user?: { id: string }; roles: string[] };
  userId: string;
  channel: { permission_overwrites?: Overwrite[] };
}

/**
 * A member's permissions in a channel, computed as Discord documents it:
 * https://discord.com/developers/docs/topics/permissions#permission-overwrites
 * Used when the gateway caches do not hold the guild (the REST objects are enough).
 */
export function computePermissions({ guild, member, userId, channel }: PermissionInputs): bigint {
  const ALL = (1n << 53n) - 1n;
  if (guild.owner_id === userId) return ALL;
  const roleById = new Map(guild.roles.map((r) => [r.id, BigInt(r.permissions)]));
  let perms = roleById.get(guild.id) ?? 0n; // @everyone has the guild's id
  for (const r of member.roles) perms |= roleById.get(r) ?? 0n;
  if (perms & PermissionFlagsBits.Administrator) return ALL;
  const overwrites = channel.permission_overwrites ?? [];
  const everyone = overwrites.find((o) => o.id === guild.id);
  if (everyone) perms = (perms & ~BigInt(everyone.deny)) | BigInt(everyone.allow);
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type === 0 && o.id !== guild.id && member.roles.includes(o.id)) {
      allow |= BigInt(o.allow);
      deny |= BigInt(o.deny);
    }
  }
  perms = (perms & ~deny) | allow;
  const own = overwrites.find((o) => o.type === 1 && o.id === userId);
  if (own) perms = (perms & ~BigInt(own.deny)) | BigInt(own.allow);
  return perms;
}

/** Manage Webhooks, or Administrator (which implies it). */
export function canManageWebhooks(perms: bigint): boolean {
  return (perms & PermissionFlagsBits.ManageWebhooks) !== 0n || (perms & PermissionFlagsBits.Administrator) !== 0n;
}
