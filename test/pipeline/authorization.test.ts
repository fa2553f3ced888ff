import { readFileSync } from 'node:fs';
import { MemoryIssue } from '../../src/github/memory.js';
import { silentLogger, type Permission } from '../../src/pipeline/ports.js';
import { reconcile } from '../../src/pipeline/reconcile.js';
import { exampleConfig } from '../support/config.js';

/**
 * Who may steer a request: write permission or higher from the permissions API, or an approver team
 * (the example config names example-org/hub-engineers). Everything else — triage, read, a failed
 * look-up, a team the user is not in — refuses, and the comment's `/hold` shows whether it counted.
 */
const body = readFileSync(new URL('../../examples/issues/workshop.md', import.meta.url), 'utf8');
const configLoad = { kind: 'ok' as const, config: exampleConfig() };
const NOW = '2027-02-01T15:00:00Z';

class RecordingIssue extends MemoryIssue {
  lookups: string[] = [];
  failFor = new Set<string>();
  override async permissionOf(login: string): Promise<Permission> {
    this.lookups.push(login);
    if (this.failFor.has(login)) throw new Error('HTTP 502 from the permissions API');
    return super.permissionOf(login);
  }
}

async function holdBy(login: string, setup: { permission?: Permission; teams?: Record<string, string[]>; lookupFails?: boolean; bot?: boolean }) {
  const issue = new RecordingIssue(
    { number: 17, title: '[Workshop] x', body, author: 'community-rep', state: 'open' },
    { now: () => NOW, permissions: setup.permission ? { [login]: setup.permission } : {}, ...(setup.teams ? { teams: setup.teams } : {}) },
    ['workshop-request'],
  );
  if (setup.lookupFails) issue.failFor.add(login);
  const run = () => reconcile(configLoad, { issues: issue, clock: { now: () => new Date(NOW) }, log: silentLogger });
  await run(); // the status comment shows the plan first: commands bind to the plan shown
  issue.addUserComment(login, '/hold waiting for the budget', { bot: setup.bot ?? false });
  const result = await run();
  return { issue, onHold: result.evaluation?.readiness.onHold !== null, verdict: result.evaluation?.replay.outcomes[0]?.verdict.status ?? null };
}

type Setup = Parameters<typeof holdBy>[1];

describe('authorizedUsers: who may steer', () => {
  test.each<[string, 'accepted' | 'refused', Setup]>([
    ['admin', 'accepted', { permission: 'admin' }],
    ['maintain', 'accepted', { permission: 'maintain' }],
    ['write', 'accepted', { permission: 'write' }],
    ['triage', 'refused', { permission: 'triage' }],
    ['read', 'refused', { permission: 'read' }],
    ['no permission', 'refused', { permission: 'none' }],
    ['read, in the approver team', 'accepted', { permission: 'read', teams: { 'example-org/hub-engineers': ['dana'] } }],
    ['read, in another team', 'refused', { permission: 'read', teams: { 'example-org/other': ['dana'] } }],
    ['a failed permission look-up (never grants)', 'refused', { permission: 'admin', lookupFails: true }],
  ])('%s → %s', async (_who, expected, setup) => {
    const { verdict, onHold } = await holdBy('dana', setup);
    expect(verdict).toBe(expected);
    expect(onHold).toBe(expected === 'accepted');
  });

  test('a bot\'s commands cost no permission look-up and count for nothing', async () => {
    const { issue, onHold } = await holdBy('helper[bot]', { permission: 'admin', bot: true });
    expect(issue.lookups).toEqual([]);
    expect(onHold).toBe(false);
  });
});
