/**
 * A GitLab "Pipeline Hook" payload for `!hook test` on a ci hook: a pipeline that failed in its test stage
 * (one job failed, one allowed to fail), shaped as GitLab sends it
 * (https://docs.gitlab.com/user/project/integrations/webhook_events/#pipeline-events).
 */
export function sampleGitlabPipeline(nowMs: number): Record<string, unknown> {
  const t = (offsetS: number) => new Date(nowMs - 300_000 + offsetS * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  const id = 900000 + Math.floor((nowMs / 1000) % 100000);
  const web = 'https://gitlab.example.com/hookbot/sample-app';
  const job = (n: number, stage: string, name: string, status: string, from: number, to: number, extra: Record<string, unknown> = {}) => ({
    id: id * 10 + n, stage, name, status, created_at: t(0), started_at: t(from), finished_at: t(to), duration: to - from,
    queued_duration: 1.2, failure_reason: null, when: 'on_success', manual: false, allow_failure: false,
    user: { id: 7, name: 'Sample Developer', username: 'sample', avatar_url: null, email: '[REDACTED]' },
    runner: { id: 1, description: 'shared-runner', runner_type: 'instance_type', active: true, is_shared: true, tags: [] },
    artifacts_file: { filename: null, size: null }, environment: null, ...extra,
  });
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id, iid: 42, name: null, ref: 'main', tag: false, sha: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2',
      before_sha: '0000000000000000000000000000000000000000', source: 'push', status: 'failed', detailed_status: 'failed',
      stages: ['build', 'test', 'deploy'], created_at: t(0), finished_at: t(200), duration: 195, queued_duration: 5,
      variables: [], url: `${web}/-/pipelines/${id}`,
    },
    merge_request: null,
    user: { id: 7, name: 'Sample Developer', username: 'sample', avatar_url: null, email: '[REDACTED]' },
    project: {
      id: 12, name: 'sample-app', description: 'hookbot test sample', web_url: web, avatar_url: null,
      git_ssh_url: 'git@gitlab.example.com:hookbot/sample-app.git', git_http_url: `${web}.git`, namespace: 'hookbot',
      visibility_level: 0, path_with_namespace: 'hookbot/sample-app', default_branch: 'main', ci_config_path: null,
    },
    commit: {
      id: 'bcbb5ec396a2c0f828686f14fac9b80b780504f2', message: 'Add retry to the payment client\n', title: 'Add retry to the payment client',
      timestamp: t(-60).replace(' UTC', 'Z').replace(' ', 'T'), url: `${web}/-/commit/bcbb5ec396a2c0f828686f14fac9b80b780504f2`,
      author: { name: 'Sample Developer', email: 'dev@example.com' },
    },
    source_pipeline: null,
    builds: [
      job(1, 'build', 'compile', 'success', 5, 65),
      job(2, 'test', 'unit', 'failed', 70, 190, { failure_reason: 'script_failure' }),
      job(3, 'test', 'lint', 'failed', 70, 95, { failure_reason: 'script_failure', allow_failure: true }),
      job(4, 'deploy', 'production', 'skipped', 0, 0, { started_at: null, finished_at: null, duration: null, when: 'manual', manual: true }),
    ],
  };
}
