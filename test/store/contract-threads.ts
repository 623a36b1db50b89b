import { describe, expect, it } from 'vitest';
import type { NewOutboxRow } from '../../src/store/repository.js';
import type { ThreadStep } from '../../src/types.js';
import { C, T0, type Ctx } from './fixtures.js';

const row = (content: string, thread?: ThreadStep, line: string | null = null): NewOutboxRow =>
  ({ channelId: C, hookId: 'hook_001', body: { content }, line, ...(thread ? { thread } : {}) });
const S = 'acme/api#45';

/** Threads (src/threads/): their records and their queues in the outbox; part of storeContract. */
export function threadContract(ctx: Ctx) {
  describe('threads', () => {
    it('records a thread when its starter is queued, and fills it in as Discord answers', async () => {
      const { store } = ctx;
      expect(await store.getThread('hook_001', S)).toBeUndefined();
      await store.enqueue([
        row('starter', { subject: S, step: 'starter', name: '#45 Add OAuth support', url: 'https://github.com/acme/api/pull/45', tag: 'open', branch: 'acme/api:oauth' }),
        row('open', { subject: S, step: 'open' }),
      ], T0);
      expect(await store.getThread('hook_001', S)).toEqual({
        hookId: 'hook_001', subjectKey: S, channelId: C, name: '#45 Add OAuth support', url: 'https://github.com/acme/api/pull/45',
        starterMessageId: null, threadId: null, archived: false, forum: false, fallbackAt: null, headBranch: 'acme/api:oauth', createdAt: T0,
      });
      await store.updateThread('hook_001', S, { starterMessageId: '300', threadId: '300', archived: true, fallbackAt: 1_700_000_000_000 });
      expect(await store.getThread('hook_001', S)).toMatchObject({ starterMessageId: '300', threadId: '300', archived: true, fallbackAt: 1_700_000_000_000 });
      expect((await store.findThreadById('300'))?.subjectKey).toBe(S);
      expect(await store.findThreadById('301')).toBeUndefined();
      expect((await store.findThreadByBranch('hook_001', 'acme/api:oauth'))?.subjectKey).toBe(S);
      // A later row moves or clears the branch (the pull request closed).
      await store.enqueue([row('merged', { subject: S, step: 'channel', tag: 'merged', branch: null })], T0);
      expect(await store.findThreadByBranch('hook_001', 'acme/api:oauth')).toBeUndefined();
      // A new starter for the subject starts its record over (the hook moved to another channel).
      await store.enqueue([row('again', { subject: S, step: 'starter', name: '#45 Add OAuth support' })], T0);
      expect(await store.getThread('hook_001', S)).toMatchObject({ threadId: null, starterMessageId: null, archived: false, fallbackAt: null });
    });

    it('gives each thread its own queue beside its channel\'s, in order, and keeps the step on the row', async () => {
      const { store } = ctx;
      await store.enqueue([
        row('c1'),
        row('s1', { subject: S, step: 'starter', name: 'n' }),
        row('o1', { subject: S, step: 'open' }),
        row('c2', undefined, '[c2](u)'),
        row('t1', { subject: 'acme/api#46', step: 'starter', name: 'm' }),
      ], T0);
      const heads = await store.dueOutbox(1_000, 10);
      expect(heads.map((r) => [r.body.content, r.threadKey])).toEqual([['c1', null], ['s1', `hook_001/${S}`], ['t1', 'hook_001/acme/api#46']]);
      expect(heads[1].thread).toEqual({ subject: S, step: 'starter', name: 'n' });
      expect(heads[0].thread).toBeNull();
      await store.markSent(heads[1].id, 'm-1', T0);
      expect((await store.dueOutbox(1_000, 10)).map((r) => r.body.content)).toEqual(['c1', 'o1', 't1']);
    });

    it('forgets a deleted hook\'s threads', async () => {
      const { store } = ctx;
      await store.enqueue([row('starter', { subject: S, step: 'starter', name: 'n' })], T0);
      await store.deleteHook('hook_001');
      expect(await store.getThread('hook_001', S)).toBeUndefined();
    });
  });
}
