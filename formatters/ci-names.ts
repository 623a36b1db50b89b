import type { CiPlatform, CiStatus, EventStatus } from '../src/types.js';

/** The embed colour (and alert wording) of a CI status. */
export function colorStatus(s: CiStatus): EventStatus {
  return s === 'passed' ? 'success' : s === 'failed' ? 'failure' : s === 'manual' || s === 'canceled' ? 'warning' : s === 'skipped' ? 'neutral' : 'info';
}

const PLATFORM_NAME: Record<CiPlatform, string> = { gitlab: 'GitLab CI', github: 'GitHub Actions', circleci: 'CircleCI', jenkins: 'Jenkins' };

/** A CI platform as users know it: `GitLab CI`, `GitHub Actions`, `CircleCI`, `Jenkins`. */
export const platformName = (p: CiPlatform) => PLATFORM_NAME[p];
