import type { Response } from 'express';
import type { z } from 'zod';
import { describeIssues, issuePath, type HookProblem } from '../hooks/manage.js';
import type { Issue } from '../hooks/settings.js';

/** `{error}` with a status; `issues` lists each invalid field (422). */
export function sendError(res: Response, status: number, error: string, issues?: Issue[]): void {
  res.status(status).json({ error, ...(issues ? { issues: issues.map((i) => ({ path: issuePath(i.path), message: i.message })) } : {}) });
}

/** Hook management's refusals as HTTP: 422 invalid, 404 not found, 409 a file hook or a conflict. */
export function sendProblem(res: Response, p: HookProblem): void {
  switch (p.kind) {
    case 'invalid': return sendError(res, 422, `invalid hook settings: ${p.message}`, p.issues);
    case 'not_found': return sendError(res, 404, p.message);
    case 'file_hook': return sendError(res, 409, p.message);
    case 'conflict': return sendError(res, 409, p.message);
  }
}

/** A query string checked against its schema; on a problem, a 400 is sent and undefined returned. */
export function readQuery<T extends z.ZodType>(res: Response, schema: T, query: unknown): z.infer<T> | undefined {
  const r = schema.safeParse(query);
  if (r.success) return r.data;
  const issues: Issue[] = r.error.issues.map((i) => ({
    path: [...i.path] as Issue['path'],
    message: i.code === 'unrecognized_keys' ? `unknown query parameter${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` : i.message,
  }));
  sendError(res, 400, `bad query: ${describeIssues(issues)}`, issues);
  return undefined;
}
