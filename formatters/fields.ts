import type { NormalizedEvent } from '../src/types.js';
import { imageUpdateFields } from './image-update.js';
import { pollItemFields } from './poll.js';

type Field = { name: string; value: string; inline?: boolean };

const f = (name: string, value: string | number | null | undefined, inline = true): Field[] =>
  value === null || value === undefined || value === '' ? [] : [{ name, value: String(value), inline }];

const link = (text: string, url: string | null | undefined) => (url ? `[${text}](${url})` : text);

/** The embed fields for each kind of event. */
export function fieldsFor(e: NormalizedEvent): Field[] {
  switch (e.kind) {
    case 'github.push': {
      const x = e.fields;
      const files = x.files_touched
        ? `${x.files_touched} (+${x.files_added} ~${x.files_modified} −${x.files_removed})` : null;
      return [
        ...f(x.ref_type === 'tag' ? 'Tag' : 'Branch', x.ref.replace(/^refs\/(heads|tags)\//, '')),
        ...f('Pusher', x.pusher),
        ...f('Commits', x.deleted ? null : x.commit_count),
        ...f('Files touched', files),
        ...f('Latest commit', x.latest_commit_message ? link(x.latest_commit_message, x.latest_commit_url) : null, false),
        ...f('Compare', x.compare_url && !x.deleted ? link('View changes', x.compare_url) : null),
      ];
    }
    case 'github.pull_request': {
      const x = e.fields;
      const changes = x.changed_files === null ? null
        : `${x.changed_files} file${x.changed_files === 1 ? '' : 's'} (+${x.additions ?? 0} / −${x.deletions ?? 0})`;
      return [
        ...f('Author', x.author),
        ...f('State', x.state),
        ...f('Changes', changes),
        ...f('Branches', x.head && x.base ? `${x.head} → ${x.base}` : null),
        ...f('Reviewer requested', x.requested_reviewer),
      ];
    }
    case 'github.issues':
      return [...f('Author', e.fields.author), ...f('State', e.fields.state), ...f('Labels', e.fields.labels)];
    case 'github.issue_comment':
      return [...f('Author', e.fields.author)];
    case 'github.release':
      return [
        ...f('Tag', e.fields.tag), ...f('Author', e.fields.author),
        ...f('Type', e.fields.prerelease ? 'pre-release' : 'release'),
      ];
    case 'github.workflow_run':
      return [
        ...f('Workflow', e.fields.workflow),
        ...f('Conclusion', e.fields.conclusion),
        ...f('Duration', e.fields.duration),
        ...f('Branch', e.branch),
        ...f('Triggered by', e.fields.author),
      ];
    case 'github.ping':
      return [...f('Events', e.fields.hook_events, false)];
    case 'docker.container.start': case 'docker.container.stop': case 'docker.container.die':
    case 'docker.container.oom': case 'docker.container.health': case 'docker.image': {
      const x = e.fields;
      return [
        ...f('Container', e.kind === 'docker.image' ? null : (x.container as string)),
        ...f('Host', (x.host as string | null | undefined) ?? null),
        ...f('Image', x.image as string),
        ...f('Compose', x.compose_service ? `${x.compose_project}/${x.compose_service}` : null),
        ...f('Exit code', x.exit_code === null ? null : `${x.exit_code} — ${x.exit_meaning}`),
        ...f('Uptime', x.uptime as string | null),
        ...f('Restarts', typeof x.restart_count === 'number' && x.restart_count > 0 ? x.restart_count : null),
        ...f('Size', x.size_mb ? `${x.size_mb} MB` : null),
        ...f('Layers', (x.layers as number | null) ?? null),
      ];
    }
    case 'poll.item': return pollItemFields(e);
    case 'docker.image_update': return imageUpdateFields(e);
    case 'custom.event': {
      const skip = new Set(['title', 'message', 'text', 'description', 'summary', 'body', 'url', 'link', 'html_url', 'href']);
      return Object.entries(e.fields).filter(([k, v]) => !skip.has(k) && v !== null && v !== '')
        .slice(0, 24).map(([k, v]) => ({ name: k, value: String(v), inline: String(v).length <= 40 }));
    }
    case 'ci.pipeline': case 'ci.job':
      return [
        ...f('Project', e.fields.project as string), ...f('Branch', e.branch), ...f('Stage', e.fields.stage as string | null),
        ...f('Job', e.fields.job as string | null), ...f('Status', e.fields.status as string),
        ...f('Reason', e.fields.failure_reason as string | null), ...f('Duration', e.fields.duration as string | null),
        ...f('Commit', e.fields.commit as string | null), ...f('Triggered by', e.fields.triggered_by as string | null),
      ];
    case 'ci.push': case 'ci.tag': case 'ci.merge_request': case 'ci.release': case 'ci.other':
      return [
        ...f('Project', e.fields.project as string), ...f('Branch', e.kind === 'ci.push' ? e.branch : null),
        ...f('Tag', e.fields.tag as string | undefined), ...f('Target', e.fields.target_branch as string | undefined),
        ...f('Source', e.fields.source_branch as string | undefined), ...f('Commit', e.fields.commit as string | undefined),
      ];
    default:
      return [...f('Event', e.action ? `${e.event}.${e.action}` : e.event), ...f('Repository', e.repo), ...f('Sender', e.actor?.name)];
  }
}
