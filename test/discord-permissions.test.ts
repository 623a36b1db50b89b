import { describe, expect, it } from 'vitest';
import { canManageWebhooks, computePermissions } from '../src/discord/permissions.js';

const MANAGE = String(1n << 29n);
const ADMIN = String(1n << 3n);
const guild = {
  id: 'g', owner_id: 'owner',
  roles: [{ id: 'g', permissions: '1024' }, { id: 'mods', permissions: MANAGE }, { id: 'admins', permissions: ADMIN }],
};

describe('computePermissions (REST fallback)', () => {
  const can = (roles: string[], userId = 'u', overwrites: any[] = []) =>
    canManageWebhooks(computePermissions({ guild, member: { roles }, userId, channel: { permission_overwrites: overwrites } }));

  it('grants Manage Webhooks through a role, Administrator, or ownership', () => {
    expect(can(['mods'])).toBe(true);
    expect(can(['admins'])).toBe(true);
    expect(can([], 'owner')).toBe(true);
    expect(can([])).toBe(false);
  });

  it('applies channel overwrites: role deny, then member allow', () => {
    expect(can(['mods'], 'u', [{ id: 'mods', type: 0, allow: '0', deny: MANAGE }])).toBe(false);
    expect(can(['mods'], 'u', [{ id: 'mods', type: 0, allow: '0', deny: MANAGE }, { id: 'u', type: 1, allow: MANAGE, deny: '0' }])).toBe(true);
    expect(can(['admins'], 'u', [{ id: 'admins', type: 0, allow: '0', deny: MANAGE }])).toBe(true);
  });
});
