import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { API, APP_ID, QuietOctokit, REPO, nockToken, restComment, testKey } from '../support/probot.js';

/**
 * Probot builds every client with its own `throttle` options; a plain `.defaults({ throttle: { enabled:
 * false } })` layer loses to them and the tests waited on Bottleneck's write spacing (1 s, 3 s for
 * comments). QuietOctokit must keep throttling and retries off through Probot.
 */
describe("the tests' Octokit under Probot", () => {

  const client = async (Octokit: typeof ProbotOctokit) => new Probot({ appId: APP_ID, privateKey: testKey(), Octokit, logLevel: 'fatal' }).auth(4242);

  test('no write spacing: three comment creations in a row are not held back (throttled, they take ≥ 6 s)', async () => {
    const scope = nockToken(nock(API)).post(`${REPO}/issues/17/comments`).times(3).reply(201, restComment(501, 'x', { app: true }));
    const octokit = await client(QuietOctokit);
    const started = performance.now();
    for (let i = 0; i < 3; i++) await octokit.rest.issues.createComment({ owner: 'example-org', repo: 'infrastructure', issue_number: 17, body: 'x' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(scope.isDone()).toBe(true);
  });

  test('no retry: a 502 fails at once, the interceptor answered once', async () => {
    nockToken(nock(API)).get(`${REPO}/issues/17`).reply(502, { message: 'Server Error' });
    const octokit = await client(QuietOctokit);
    await expect(octokit.rest.issues.get({ owner: 'example-org', repo: 'infrastructure', issue_number: 17 })).rejects.toMatchObject({ status: 502 });
    expect(nock.pendingMocks()).toEqual([]);
  });
});
