/**
 * A CircleCI `workflow-completed` webhook (https://circleci.com/docs/webhooks-reference/): a workflow that failed,
 * with its project, organization, pipeline and VCS sub-entities. `id` is the event id CircleCI documents for
 * deduplication (a UUID), so each send is a new delivery.
 */
export function sampleCircleciWorkflowCompleted(nowMs: number, id: string): Record<string, unknown> {
  const at = (offsetS: number) => new Date(nowMs + offsetS * 1000).toISOString();
  const workflowId = 'fda08377-fe7e-46b1-8992-3a7aaecac9c3';
  return {
    type: 'workflow-completed',
    id,
    happened_at: at(0),
    webhook: { id: 'cf8c4fdd-0587-4da1-b4ca-4846e9640af9', name: 'Sample Webhook' },
    project: { id: '84996744-a854-4f5e-aea3-04e2851dc1d2', name: 'webhook-service', slug: 'github/circleci/webhook-service' },
    organization: { id: 'f22b6566-597d-46d5-ba74-99ef5bb3d85c', name: 'circleci' },
    workflow: {
      id: workflowId, name: 'build-and-test', created_at: at(-184), stopped_at: at(-1), status: 'failed',
      url: `https://app.circleci.com/pipelines/github/circleci/webhook-service/130/workflows/${workflowId}`,
    },
    pipeline: {
      id: '1285fe1d-d3a6-44fc-8886-8979558254c4', number: 130, created_at: at(-186),
      trigger: { type: 'webhook' },
      trigger_parameters: {
        circleci: { event_time: at(-186), event_type: 'push', trigger_type: 'github_app', actor_id: 'e4d8df5b-4a9f-4f1b-9e0a-5c6c1f2e3d4b' },
        github_app: { user_username: 'octocat', branch: 'main' },
      },
      vcs: {
        provider_name: 'github', origin_repository_url: 'https://github.com/circleci/webhook-service',
        target_repository_url: 'https://github.com/circleci/webhook-service', revision: '1dc6aa69429bff4806ad6afe58d3d8f57e25973e',
        commit: {
          subject: 'Retry flaky payment client calls', body: 'The sandbox answers 503 under load.',
          author: { name: 'Mona Lisa', email: 'mona@example.com' }, authored_at: at(-300),
          committer: { name: 'Mona Lisa', email: 'mona@example.com' }, committed_at: at(-300),
        },
        branch: 'main',
      },
    },
  };
}
