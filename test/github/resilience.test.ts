import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { createApp } from '../../src/server/app.js';
import { API, REPO, fixedClock, nockIssueReads, payload, restComment, restLabel, testKey } from '../support/probot.js';

const opened = payload<{ issue: Record<string, unknown> }>('issues.opened');

/** The app's real Octokit stack: Probot's retry and throttling plugins on, with short waits for the test. */
async function resilientProbot() {
  const probot = new Probot({ appId: 123, privateKey: testKey(), Octokit: ProbotOctokit.defaults({ retry: { retryAfterBaseValue: 1 } }), logLevel: 'fatal' });
  await probot.load(createApp({ appId: 123, clock: fixedClock('2027-02-01T15:00:00Z'), sweepIntervalMinutes: 0, sweepToken: null, markerSecret: 'test webhook secret' }));
  return probot;
}

const readsFor = (scope: nock.Scope) => nockIssueReads(scope, opened.issue);

describe('retries and secondary rate limits (Probot retry + throttling plugins, nock)', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  test('a 502 on the comment and a secondary rate limit (403 + retry-after) on the labels are retried: each write lands once', async () => {
    const scope = nock(API);
    readsFor(scope);
    let commentPosts = 0;
    scope.post(`${REPO}/issues/17/comments`).reply(502, { message: 'Server Error' });
    scope.post(`${REPO}/issues/17/comments`, () => (commentPosts++, true)).reply(201, restComment(501, 'x', { app: true }));
    scope
      .post(`${REPO}/issues/17/labels`)
      .reply(403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits' }, { 'retry-after': '1' });
    scope.post(`${REPO}/issues/17/labels`).reply(200, [restLabel('readiness: modeled', '1d76db', 'x')]);
    await (await resilientProbot()).receive({ id: 'r-1', name: 'issues', payload: opened as never });
    expect(scope.isDone()).toBe(true);
    expect(commentPosts).toBe(1);
  }, 20_000);

  test('a write that keeps failing fails the delivery (GitHub shows it; the next event converges) and nothing after it is written', async () => {
    const scope = nock(API);
    readsFor(scope);
    scope.post(`${REPO}/issues/17/comments`).times(4).reply(500, { message: 'Server Error' });
    const labels = scope.post(`${REPO}/issues/17/labels`).reply(200, []);
    await expect((await resilientProbot()).receive({ id: 'r-2', name: 'issues', payload: opened as never })).rejects.toThrow();
    expect(nock.pendingMocks()).toEqual([expect.stringContaining('/labels')]);
    void labels;
  }, 30_000);
});
