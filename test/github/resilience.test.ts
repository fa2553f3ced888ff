import nock from 'nock';
import { Metrics } from '../../src/server/metrics.js';
import type { Timers } from '../../src/server/queue.js';
import { API, REPO, RetryingOctokit, fixedClock, nockCreateLabel, nockIssueReads, payload, recordRequests, restComment, restLabel, testProbot } from '../support/probot.js';

const opened = payload<{ issue: Record<string, unknown> }>('issues.opened');
const MODELED = ['readiness: modeled', '1d76db', 'Workshop request: capacity plan fits with no blocking risk'] as const;

/** Backoff timers that fire at once but remember what they were asked to wait. */
function immediateTimers() {
  const delays: number[] = [];
  const timers: Timers = {
    setTimeout: (run, ms) => (delays.push(ms), setImmediate(run)),
    clearTimeout: (handle) => clearImmediate(handle as NodeJS.Immediate),
  };
  return { delays, timers };
}

async function resilientProbot(maxAttempts: number, timers: Timers, metrics = new Metrics()) {
  return testProbot(fixedClock('2027-02-01T15:00:00Z'), { Octokit: RetryingOctokit, metrics, app: { queue: { backoff: { baseMs: 1000, maxMs: 60_000, maxAttempts }, timers } } });
}

describe('no blind retry of a create; failures retried by the work queue with backoff (nock)', () => {

  test('GitHub stores the comment and answers 502: no second POST; the retry re-reads, finds it, and only sets the labels', async () => {
    const { delays, timers } = immediateTimers();
    let stored = '';
    const scope = nock(API);
    const recorder = recordRequests(scope);
    nockIssueReads(scope, opened.issue);
    scope.post(`${REPO}/issues/17/comments`, (b: { body: string }) => ((stored = b.body), true)).reply(502, { message: 'Server Error' });
    nockCreateLabel(scope, ...MODELED);
    // The retry: the comment GitHub stored is there now.
    scope.get(`${REPO}/issues/17`).reply(200, { ...opened.issue, labels: [restLabel('workshop-request', '0052cc', 'x')] });
    scope.get(`${REPO}/issues/17/comments`).query({ per_page: 100 }).reply(200, () => [restComment(501, stored, { app: true })]);
    scope.post(`${REPO}/issues/17/labels`).reply(200, [restLabel(...MODELED)]);
    const probot = await resilientProbot(3, timers);
    await expect(probot.receive({ id: 'r-1', name: 'issues', payload: opened as never })).rejects.toThrow('Server Error');
    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(recorder.calls.filter((c) => c.method === 'POST' && c.path.endsWith('/issues/17/comments'))).toHaveLength(1);
    expect(delays).toEqual([1000]);
  });

  test("a secondary rate limit (403 + retry-after) fails the reconcile; the queue retries after GitHub's retry-after", async () => {
    const { delays, timers } = immediateTimers();
    const metrics = new Metrics();
    let stored = '';
    const scope = nock(API);
    nockIssueReads(scope, opened.issue, { comments: [] });
    scope.post(`${REPO}/issues/17/comments`, (b: { body: string }) => ((stored = b.body), true)).reply(201, restComment(501, 'x', { app: true }));
    nockCreateLabel(scope, ...MODELED);
    scope
      .post(`${REPO}/issues/17/labels`)
      .reply(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' }, { 'retry-after': '7' });
    scope.get(`${REPO}/issues/17`).reply(200, { ...opened.issue, labels: [restLabel('workshop-request', '0052cc', 'x')] });
    scope.get(`${REPO}/issues/17/comments`).query({ per_page: 100 }).reply(200, () => [restComment(501, stored, { app: true })]);
    scope.post(`${REPO}/issues/17/labels`).reply(200, [restLabel(...MODELED)]);
    const probot = await resilientProbot(3, timers, metrics);
    await expect(probot.receive({ id: 'r-2', name: 'issues', payload: opened as never })).rejects.toThrow('secondary rate limit');
    expect(scope.isDone()).toBe(true);
    expect(delays).toEqual([7000]);
    expect(metrics.value('workshop_readiness_queue_failures_total')).toBe(1);
  });

  test('a write that keeps failing is tried maxAttempts times with growing backoff, then left to the sweep; nothing after it is written', async () => {
    const { delays, timers } = immediateTimers();
    const metrics = new Metrics();
    const scope = nock(API);
    nockIssueReads(scope, opened.issue);
    scope.post(`${REPO}/issues/17/comments`).times(3).reply(500, { message: 'Server Error' });
    scope.get(`${REPO}/issues/17`).times(2).reply(200, { ...opened.issue, labels: [restLabel('workshop-request', '0052cc', 'x')] });
    scope.get(`${REPO}/issues/17/comments`).query({ per_page: 100 }).times(2).reply(200, []);
    scope.post(`${REPO}/issues/17/labels`).reply(200, []);
    const probot = await resilientProbot(3, timers, metrics);
    await expect(probot.receive({ id: 'r-3', name: 'issues', payload: opened as never })).rejects.toThrow('Server Error');
    expect(delays).toEqual([1000, 2000]);
    expect(metrics.value('workshop_readiness_queue_failures_total')).toBe(3);
    expect(nock.pendingMocks()).toEqual([expect.stringContaining('/issues/17/labels')]);
    // The labels call was set up only to prove it never happens (asserted above); drop it so the
    // shared check for expected-but-unmade requests does not count it.
    nock.cleanAll();
  });
});
