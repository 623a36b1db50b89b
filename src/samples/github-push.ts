/** Delivery ids of `!hook test` events start with this, so the event-type filter lets them through. */
export const TEST_DELIVERY_PREFIX = 'hookbot-test-';

/**
 * A realistic GitHub `push` delivery (shape as documented at
 * https://docs.github.com/en/webhooks/webhook-events-and-payloads#push), used by `!hook test`.
 */
export function samplePush(repoFullName = 'octo-org/hello-world', at = '2026-01-01T12:00:00Z') {
  const [owner, name] = repoFullName.includes('/') ? repoFullName.split('/', 2) : ['octo-org', repoFullName];
  const html = `https://github.com/${owner}/${name}`;
  const user = { name: 'Mona Lisa', email: 'mona@example.com', username: 'monalisa' };
  const commit = (id: string, message: string, files: { added?: string[]; modified?: string[]; removed?: string[] }) => ({
    id, tree_id: id.split('').reverse().join(''), distinct: true, message, timestamp: at,
    url: `${html}/commit/${id}`, author: user, committer: user,
    added: files.added ?? [], removed: files.removed ?? [], modified: files.modified ?? [],
  });
  const commits = [
    commit('6dcb09b5b57875f334f61aebed695e2e4193db5e', 'Add OAuth login flow\n\nUses the device flow for the CLI.', {
      added: ['src/auth/oauth.ts', 'test/auth/oauth.test.ts'], modified: ['src/server.ts'],
    }),
    commit('9049f1265b7d61be4a8904a9a27120d2064dab3b', 'Fix token refresh race (#41)', {
      modified: ['src/auth/session.ts', 'src/server.ts'], removed: ['src/auth/legacy.ts'],
    }),
  ];
  const sender = {
    login: 'monalisa', id: 1, node_id: 'MDQ6VXNlcjE=', type: 'User', site_admin: false,
    avatar_url: 'https://avatars.githubusercontent.com/u/1?v=4', html_url: 'https://github.com/monalisa',
    url: 'https://api.github.com/users/monalisa',
  };
  return {
    ref: 'refs/heads/main',
    before: '4544205a385319fd846d5df4ed2e3b8173529d78',
    after: commits[1].id,
    repository: {
      id: 1296269, node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5', name, full_name: `${owner}/${name}`, private: false,
      owner: { ...sender, login: owner, name: owner, html_url: `https://github.com/${owner}` },
      html_url: html, description: 'This your first repo!', fork: false, url: html,
      default_branch: 'main', master_branch: 'main', pushed_at: Date.parse(at) / 1000,
    },
    pusher: { name: 'monalisa', email: 'mona@example.com' },
    sender,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${html}/compare/4544205a3853...9049f1265b7d`,
    commits,
    head_commit: commits[1],
  };
}
