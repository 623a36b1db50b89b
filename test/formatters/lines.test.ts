import { toHTML } from '@odiffey/discord-markdown';
import { describe, expect, it } from 'vitest';
import { ciView } from '../../formatters/ci.js';
import { renderEvent } from '../../formatters/format-event.js';
import { LINE_MAX, LINE_TEXT_MAX } from '../../formatters/line.js';
import { parseDelivery } from '../../parsers/index.js';
import type { DockerPayload } from '../../parsers/docker-events.js';
import { ciRunView } from '../../src/ci/run-view.js';
import { trackCi } from '../../src/ci/tracker.js';
import { sampleDockerDie } from '../../src/samples/docker-die.js';
import { samplePush } from '../../src/samples/github-push.js';
import { sampleGitlabPipeline } from '../../src/samples/gitlab-pipeline.js';
import type { CiEvent, HookService } from '../../src/types.js';
import { circleWorkflow, gitlabJob, gitlabMergeRequest, jenkinsNotification } from '../fixtures/ci-payloads.js';
import { example } from '../helpers/examples.js';

const AT = '2026-01-01T00:00:00.000Z';

/** The packed one-line form of a delivery, through the real parser and renderer (as the pipeline does). */
function lineOf(service: HookService, eventType: string, payload: unknown, template?: string): string {
  return renderEvent(parseDelivery(service, eventType, payload, AT), template, payload).line;
}

/** What a Discord client would make of a line: its links and the mentions, formatting and blocks it renders. */
function rendered(line: string) {
  const html = toHTML(line, { embed: true });
  return {
    html,
    links: [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]),
    mentions: html.match(/d-mention/g)?.length ?? 0,
    formatting: html.match(/<(strong|em|u|s|del|code|pre|blockquote|h\d|ul|ol|li|br)\b|class="d-spoiler"/g) ?? [],
  };
}

describe('GitHub lines carry what the full message leads with', () => {
  it('push: repo:branch, author, the latest commit\'s first line and how many more, linked to the compare view', () => {
    expect(lineOf('github', 'push', samplePush('acme/api'))).toBe(
      '[\\[acme/api:main\\] monalisa: Fix token refresh race (#41) (+1 more commit)](https://github.com/acme/api/compare/4544205a3853...9049f1265b7d)',
    );
    const p = samplePush('acme/api');
    p.commits = [p.commits[0], p.commits[1], p.commits[1], p.commits[0]];
    p.head_commit = p.commits[3];
    p.forced = true;
    expect(lineOf('github', 'push', p)).toBe(
      '[\\[acme/api:main\\] monalisa: Add OAuth login flow (+3 more commits) (force-pushed)](https://github.com/acme/api/compare/4544205a3853...9049f1265b7d)',
    );
    p.commits = [p.commits[0]];
    expect(lineOf('github', 'push', p)).toMatch(/^\[\\\[acme\/api:main\\\] monalisa: Add OAuth login flow \(force-pushed\)\]\(/);
  });

  it('push without commits: the tag or branch and who pushed', () => {
    expect(lineOf('github', 'push', example('push', (x) => x.created && x.ref.startsWith('refs/tags/')))).toBe(
      '[\\[Codertocat/Hello-World\\] Tag simple-tag created by Codertocat](https://github.com/Codertocat/Hello-World/compare/simple-tag)',
    );
    expect(lineOf('github', 'push', example('push', (x) => x.deleted))).toBe(
      '[\\[Codertocat/Hello-World\\] Tag simple-tag deleted by Codertocat](https://github.com/Codertocat/Hello-World)',
    );
  });

  it('pull request: number, title, action and who', () => {
    const opened = example('pull_request', (x) => x.action === 'opened');
    expect(lineOf('github', 'pull_request', opened)).toBe(
      '[\\[Codertocat/Hello-World\\] #2 Update the README with new information. — opened by Codertocat](https://github.com/Codertocat/Hello-World/pull/2)',
    );
    const merged = example('pull_request', (x) => x.action === 'closed');
    merged.pull_request.merged = true;
    merged.sender.login = 'hubot';
    expect(lineOf('github', 'pull_request', merged)).toBe(
      '[\\[Codertocat/Hello-World\\] #2 Update the README with new information. — merged by hubot](https://github.com/Codertocat/Hello-World/pull/2)',
    );
  });

  it('issues and comments: number, title, action or the comment\'s text', () => {
    const issue = example('issues', (x) => x.action === 'opened');
    expect(lineOf('github', 'issues', issue)).toBe(
      '[\\[Codertocat/Hello-World\\] #1 Spelling error in the README file — opened by Codertocat](https://github.com/Codertocat/Hello-World/issues/1)',
    );
    const labeled = example('issues', (x) => x.action === 'labeled');
    expect(lineOf('github', 'issues', labeled)).toMatch(/ — labeled \S+.* by \S+\]\(https:\/\/github\.com\//);
    expect(lineOf('github', 'issue_comment', example('issue_comment', (x) => x.action === 'created'))).toBe(
      '[\\[Codertocat/Hello-World\\] #1 Spelling error in the README file — Codertocat: You are totally right! I\'ll get this fixed right away.](https://github.com/Codertocat/Hello-World/issues/1#issuecomment-492700400)',
    );
  });

  it('release: tag, name and action; workflow run: workflow, number, conclusion and commit', () => {
    const release = example('release', (x) => x.action === 'published');
    release.release.name = 'Winter';
    expect(lineOf('github', 'release', release)).toBe(
      '[\\[Codertocat/Hello-World\\] Release 0.0.1 (Winter) — published by Codertocat](https://github.com/Codertocat/Hello-World/releases/tag/0.0.1)',
    );
    const run = example('workflow_run', (x) => x.action === 'completed' && x.workflow_run.name);
    run.workflow_run.conclusion = 'failure';
    expect(lineOf('github', 'workflow_run', run)).toBe(
      `[❌ \\[${run.repository.full_name}:${run.workflow_run.head_branch}\\] ${run.workflow_run.name} #${run.workflow_run.run_number} failure · ${run.workflow_run.head_commit.message.split('\n')[0]}](${run.workflow_run.html_url})`,
    );
  });

  it('ping and other events: their title, as before', () => {
    expect(lineOf('github', 'ping', example('ping', (x) => x.repository))).toBe(
      '[🔗 GitHub hook connected — Octocoders/Hello-World](https://github.com/Octocoders/Hello-World)',
    );
    expect(lineOf('github', 'star', example('star', (x) => x.action === 'created'))).toBe(
      '[\\[Codertocat/Hello-World\\] ⭐ Starred by Codertocat](https://github.com/Codertocat/Hello-World)',
    );
  });
});

describe('CI, Docker and custom lines', () => {
  it('a run\'s outcome: pipeline, result (and what it means for the branch), duration, the failing job', () => {
    const event = parseDelivery('ci', 'Pipeline Hook', sampleGitlabPipeline(Date.parse(AT)), AT) as CiEvent;
    const url = event.ci!.url!;
    expect(renderEvent(event).line).toBe(`[❌ \\[hookbot/sample-app:main\\] Pipeline #42 failed in 3m 15s · failed: unit (script failure)](${url})`);
    // What the pipeline posts: the run folded by the tracker, as one event (src/ci/story.ts).
    const { run } = trackCi(undefined, event, { result: 'passed', streak: 1 });
    expect(renderEvent(ciView(ciRunView(run), 'broken', AT)).line).toBe(
      `[❌ \\[hookbot/sample-app:main\\] Pipeline #42 failed (broken) in 3m 15s · failed: unit (script failure)](${url})`,
    );
  });

  it('jobs, CircleCI workflows, Jenkins builds and GitLab merge requests', () => {
    expect(lineOf('ci', 'Job Hook', gitlabJob({ id: 5, stage: 'test', name: 'rspec', status: 'failed', failure_reason: 'script_failure' })))
      .toBe('[❌ \\[acme/shop:main\\] Job rspec (test) failed · script failure](https://gitlab.example.com/acme/shop/-/jobs/5)');
    expect(lineOf('ci', 'workflow-completed', circleWorkflow({ status: 'success' }))).toMatch(
      /^\[✅ \\\[circleci\/webhook-service:main\\\] welcome #130 passed in 31s\]\(https:\/\/app\.circleci\.com\//,
    );
    expect(lineOf('ci', 'jenkins', jenkinsNotification({ phase: 'COMPLETED', status: 'FAILURE', duration: 61_000 }))).toBe(
      '[❌ \\[asgard:master\\] Pipeline #18 failed in 1m 1s](http://jenkins.example.com:8080/job/asgard/18/)',
    );
    expect(lineOf('ci', 'Merge Request Hook', gitlabMergeRequest())).toBe(
      '[🔀 Administrator opened merge request !1: MS-Viewport — acme/shop](https://gitlab.example.com/acme/shop/-/merge_requests/1)',
    );
  });

  it('Docker: the container, what happened, its image', () => {
    // the title's wording is the Docker parser's; the line adds the image and how many similar events it folded
    expect(lineOf('docker', '', sampleDockerDie(Date.parse(AT)))).toMatch(/^🧨 shop-web-1 .*OOM.*137.* · shop-web:latest$/);
    const id = 'a'.repeat(64);
    const unhealthy: DockerPayload = {
      event: {
        Type: 'container', Action: 'health_status: unhealthy', time: 1, timeNano: 1e9,
        Actor: { ID: id, Attributes: { name: 'shop-db-1', image: 'postgres:16', 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'db' } },
      },
      container: { name: 'shop-db-1', image: 'postgres:16', state: { Health: { Status: 'unhealthy', Log: [{ Output: 'pg_isready: no response', ExitCode: 2 }] } } },
      suppressed: 3,
    };
    expect(lineOf('docker', '', unhealthy)).toMatch(/^❤️‍🩹 shop-db-1 is unhealthy.* · postgres:16 \(\+3 similar\)$/);
  });

  it('custom hooks: the title and the message\'s first line; with a template, the template\'s first line', () => {
    const alert = { event: 'Server Alert', message: 'CPU usage at 95%\non web-1', status: 'firing', url: 'https://grafana.example.com/d/1' };
    expect(lineOf('custom', 'event', alert)).toBe('[🚨 Server Alert — firing: CPU usage at 95%](https://grafana.example.com/d/1)');
    expect(lineOf('custom', 'event', alert, '\n🔔 **{{event}}**: {{message}}\nsecond line {{url}}')).toBe('🔔 **Server Alert**: CPU usage at 95% on web-1');
    expect(lineOf('custom', 'event', alert, '{{url}} {{nothing}}')).toBe('https://grafana.example.com/d/1');
    // a template that renders to nothing: the default line, as the message falls back to the default embed
    expect(lineOf('custom', 'event', alert, '{{nothing}}')).toBe('[🚨 Server Alert — firing: CPU usage at 95%](https://grafana.example.com/d/1)');
  });

  it('any template: its first line, on every kind', () => {
    expect(lineOf('github', 'push', samplePush('acme/api'), '📦 {{author}} pushed {{commit_count}} to {{branch}}\n{{summary}}')).toBe('📦 monalisa pushed 2 to main');
  });
});

describe('a hostile payload stays inert in its line', () => {
  const HOSTILE = '@everyone <@&123456789012345678> <@123456789012345678> <#123456789012345678> @here **bold** __u__ *i* ~~s~~ ||spoiler|| `code` '
    + '```block``` [click](https://evil.example/x) https://evil.example/y <https://evil.example/z> \\](https://evil.example/w) \u202Eevil\n# heading\n> quote\r\n- item';

  it('(the renderer these tests read lines with sees what the raw text would do in Discord)', () => {
    const raw = rendered(HOSTILE);
    expect(raw.mentions).toBe(5);
    expect(raw.links).toContain('https://evil.example/y');
    expect(raw.formatting).toEqual(expect.arrayContaining(['<strong', '<u', '<em', '<del', '<code', '<pre', 'class="d-spoiler"', '<h1', '<blockquote', '<ul']));
  });

  function expectInert(line: string, link?: string) {
    expect(line).not.toMatch(/[\r\n\u2028\u2029\u0085\u202e]/);
    expect(line.length).toBeLessThanOrEqual(LINE_MAX);
    const r = rendered(line);
    expect(r.mentions, r.html).toBe(0);
    expect(r.formatting, r.html).toEqual([]);
    expect(r.links, r.html).toEqual(link ? [link] : []);
    expect(r.html).not.toContain('evil.example/x"');
  }

  it('in every part of a push, a PR, an issue comment and a release', () => {
    const push = samplePush('acme/api');
    push.commits[1].message = `${HOSTILE.repeat(30)}\n\nbody`;
    push.commits[1].author.username = HOSTILE;
    expectInert(lineOf('github', 'push', push), push.compare);

    const pr = example('pull_request', (x) => x.action === 'opened');
    pr.pull_request.title = HOSTILE.repeat(200);
    pr.sender.login = HOSTILE;
    const prLine = lineOf('github', 'pull_request', pr);
    expectInert(prLine, pr.pull_request.html_url);
    expect(prLine).toContain('…');
    expect(prLine).toContain('@\u200beveryone');

    const comment = example('issue_comment', (x) => x.action === 'created');
    comment.comment.body = HOSTILE;
    comment.issue.title = HOSTILE;
    expectInert(lineOf('github', 'issue_comment', comment), comment.comment.html_url);

    const release = example('release', (x) => x.action === 'published');
    release.release.name = HOSTILE;
    release.release.tag_name = HOSTILE;
    expectInert(lineOf('github', 'release', release), release.release.html_url);
  });

  it('shows the text as typed: escaped, not removed', () => {
    const pr = example('pull_request', (x) => x.action === 'opened');
    pr.pull_request.title = '**Fix** [x](https://evil.example) <@&1> `y`';
    const html = rendered(lineOf('github', 'pull_request', pr)).html;
    expect(html).toContain('**Fix** [x](https://evil.example) &lt;@&amp;1&gt; `y`');
  });

  it('in custom hooks, with and without a template, and in CI and Docker text', () => {
    const payload = { title: HOSTILE, message: HOSTILE, url: 'https://status.example.com/i/1', project: HOSTILE };
    expectInert(lineOf('custom', 'event', payload), 'https://status.example.com/i/1');
    expectInert(lineOf('custom', 'event', payload, '🔔 {{title}} — {{message}}\n{{message}}'));
    expectInert(lineOf('custom', 'event', payload, '🔔 {{{title}}} — {{&message}}'));
    const job = gitlabJob({ id: 5, stage: HOSTILE, name: HOSTILE, status: 'failed', failure_reason: 'script_failure', ref: HOSTILE });
    expectInert(lineOf('ci', 'Job Hook', job), 'https://gitlab.example.com/acme/shop/-/jobs/5');
    const die = sampleDockerDie(Date.parse(AT));
    die.event.Actor.Attributes!['com.docker.compose.project'] = HOSTILE;
    die.container!.image = HOSTILE;
    expectInert(lineOf('docker', '', die));
  });

  it('links only to an http(s) page, and a link cannot be broken out of', () => {
    const base = { title: 'Deploy', message: 'done' };
    expect(rendered(lineOf('custom', 'event', { ...base, url: 'https://x.example/a_(b)?q=1 2' })).links).toEqual(['https://x.example/a_%28b%29?q=1%202']);
    expect(rendered(lineOf('custom', 'event', { ...base, url: 'https://x.example/a)](https://evil.example' })).links)
      .toEqual(['https://x.example/a%29%5D%28https://evil.example']);
    expect(lineOf('custom', 'event', { ...base, url: `https://x.example/${'a'.repeat(300)}` })).toBe('🔔 Deploy: done');
  });

  it('keeps a line starting with markdown block syntax (a template\'s) from becoming a heading, quote or list', () => {
    for (const t of ['# {{title}}', '> {{title}}', '- {{title}}', '1. {{title}}', '-# {{title}}']) {
      const line = lineOf('custom', 'event', { title: 'Deploy' }, t);
      expect(rendered(line).formatting, `${t} → ${line}`).toEqual([]);
      expect(line.length).toBeLessThanOrEqual(LINE_TEXT_MAX + 1);
    }
  });

  it('never splits a surrogate pair or leaves a lone one', () => {
    const pr = example('pull_request', (x) => x.action === 'opened');
    pr.pull_request.title = `${'😀'.repeat(300)}\ud800`;
    const line = lineOf('github', 'pull_request', pr);
    expect(line).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(line.length).toBeLessThanOrEqual(LINE_MAX);
  });
});
