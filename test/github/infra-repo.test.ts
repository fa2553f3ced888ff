import nock from 'nock';
import { octokitInfraRepo } from '../../src/github/infra-repo.js';
import { RetryingOctokit, recordRequests } from '../support/probot.js';

const API = 'https://api.github.com';
const INFRA = '/repos/example-org/infrastructure';
const BRANCH = 'workshop-readiness/issue-17';
const REF_PATH = `${INFRA}/git/refs/heads%2Fworkshop-readiness%2Fissue-17`;
const sha = (c: string) => c.repeat(40);

const infraRepo = () => octokitInfraRepo(new RetryingOctokit({ auth: { token: 'ghs_test' } }), 'example-org', 'infrastructure', { id: 4242, slug: async () => 'workshop-readiness' });

const pull = (number: number, state: 'open' | 'closed', body: string) => ({
  url: `${API}${INFRA}/pulls/${number}`, id: 900 + number, number, state, title: 'Ready mode for workshop #17', body,
  html_url: `https://github.com/example-org/infrastructure/pull/${number}`, merged_at: null,
  head: { ref: BRANCH, sha: sha('e') }, base: { ref: 'main', sha: sha('b') }, user: { login: 'workshop-readiness[bot]', type: 'Bot' },
});
const PR = { branch: BRANCH, base: 'main', title: 'Ready mode for workshop #17', body: 'Merge by Wed 10 Mar 2027 08:00' };
const listQuery = { head: `example-org:${BRANCH}`, state: 'all', per_page: 10 };
const serverError = { message: 'Server Error' };
// GitHub's 422 bodies, as the REST API sends them.
const prExists = {
  message: 'Validation Failed',
  errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for example-org:${BRANCH}.` }],
  documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
};
const noCommits = {
  message: 'Validation Failed',
  errors: [{ resource: 'PullRequest', code: 'custom', message: `No commits between main and ${BRANCH}` }],
  documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
};
const refExists = { message: 'Reference already exists', documentation_url: 'https://docs.github.com/rest/git/refs#create-a-reference', status: '422' };
const refMissing = { message: 'Reference does not exist', documentation_url: 'https://docs.github.com/rest/git/refs#update-a-reference', status: '422' };

/** The reads and content-addressed writes before the branch ref moves: base ref, base commit, tree, commit `e…`. */
function nockCommitObjects(scope: nock.Scope) {
  scope.get(`${INFRA}/git/ref/heads%2Fmain`).reply(200, { ref: 'refs/heads/main', object: { sha: sha('b'), type: 'commit' } });
  scope.get(`${INFRA}/git/commits/${sha('b')}`).reply(200, { sha: sha('b'), tree: { sha: sha('c') } });
  scope.post(`${INFRA}/git/trees`).reply(201, { sha: sha('d'), tree: [] });
  scope.post(`${INFRA}/git/commits`).reply(201, { sha: sha('e') });
}

const posts = (calls: Array<{ method: string; path: string }>, path: string) => calls.filter((c) => c.method === 'POST' && c.path === path);

describe('infra repository adapter: PR and branch creation are never repeated blindly (nock, retry plugin on)', () => {

  test('GitHub stores the PR and answers 502: exactly one POST /pulls, then a GET finds the PR and it is used', async () => {
    let stored = '';
    const scope = nock(API);
    const recorder = recordRequests(scope);
    scope.post(`${INFRA}/pulls`, (b: { body: string }) => ((stored = b.body), true)).reply(502, serverError);
    scope.get(`${INFRA}/pulls`).query(listQuery).reply(200, () => [pull(101, 'open', stored)]);

    const info = await infraRepo().openPullRequest(PR);

    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(posts(recorder.calls, `${INFRA}/pulls`)).toHaveLength(1);
    expect(info).toEqual({ number: 101, url: 'https://github.com/example-org/infrastructure/pull/101', state: 'open', merged: false, body: PR.body, base: 'main', author: { login: 'workshop-readiness[bot]', type: 'Bot' }, viaAppId: null });
  });

  test('422 "A pull request already exists" (a racing replica): the open PR is found and its body brought up to date, no second POST', async () => {
    let patched: { title?: string; body?: string } = {};
    const scope = nock(API);
    const recorder = recordRequests(scope);
    scope.post(`${INFRA}/pulls`).reply(422, prExists);
    scope.get(`${INFRA}/pulls`).query(listQuery).reply(200, [pull(99, 'closed', 'old'), pull(101, 'open', 'an older plan')]);
    scope.patch(`${INFRA}/pulls/101`, (b) => ((patched = b), true)).reply(200, pull(101, 'open', PR.body));

    const info = await infraRepo().openPullRequest(PR);

    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(posts(recorder.calls, `${INFRA}/pulls`)).toHaveLength(1);
    expect(patched).toEqual({ title: PR.title, body: PR.body });
    expect(info).toMatchObject({ number: 101, state: 'open', body: PR.body });
  });

  test('422 "A pull request already exists" but the open PR on the branch is someone else\'s: raised, that PR is not touched', async () => {
    const scope = nock(API);
    const recorder = recordRequests(scope);
    scope.post(`${INFRA}/pulls`).reply(422, prExists);
    scope.get(`${INFRA}/pulls`).query(listQuery).reply(200, [{ ...pull(101, 'open', 'copied marker'), user: { login: 'platform-engineer', type: 'User' }, performed_via_github_app: null }]);

    await expect(infraRepo().openPullRequest(PR)).rejects.toMatchObject({ status: 422 });

    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(recorder.calls.filter((c) => c.method === 'PATCH')).toEqual([]);
  });

  test.each([
    ['a 502 and no PR stored', 502, serverError, [] as ReturnType<typeof pull>[]],
    ['a 502 and only an older, closed PR for the branch', 502, serverError, [pull(99, 'closed', 'old')]],
  ])('%s: the failure is raised (the queue retries from a fresh read), one POST', async (_name, status, reply, listed) => {
    const scope = nock(API);
    const recorder = recordRequests(scope);
    scope.post(`${INFRA}/pulls`).reply(status, reply);
    scope.get(`${INFRA}/pulls`).query(listQuery).reply(200, listed);

    await expect(infraRepo().openPullRequest(PR)).rejects.toMatchObject({ status });

    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(posts(recorder.calls, `${INFRA}/pulls`)).toHaveLength(1);
  });

  test('a 422 that is not "already exists" (no commits between the branches) is raised without a re-read', async () => {
    const scope = nock(API);
    const recorder = recordRequests(scope);
    scope.post(`${INFRA}/pulls`).reply(422, noCommits);

    await expect(infraRepo().openPullRequest(PR)).rejects.toMatchObject({ status: 422 });

    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(recorder.calls).toHaveLength(1);
  });

  test('422 "Reference already exists" on creating the branch: the existing ref is moved to the new commit, not an error', async () => {
    const moves: unknown[] = [];
    const scope = nock(API);
    const recorder = recordRequests(scope);
    nockCommitObjects(scope);
    scope.patch(REF_PATH).reply(422, refMissing);
    scope.post(`${INFRA}/git/refs`, { ref: `refs/heads/${BRANCH}`, sha: sha('e') }).reply(422, refExists);
    scope.patch(REF_PATH, (b) => (moves.push(b), true)).reply(200, { ref: `refs/heads/${BRANCH}`, object: { sha: sha('e'), type: 'commit' } });

    await infraRepo().commitFiles(BRANCH, 'main', [{ path: 'a.yaml', content: 'x: 1\n' }], 'Ready mode for workshop #17');

    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(posts(recorder.calls, `${INFRA}/git/refs`)).toHaveLength(1);
    expect(moves).toEqual([{ sha: sha('e'), force: true }]);
  });

  test.each([
    ['stored at the new commit: nothing more to write', sha('e'), false],
    ['stored at another commit (a racing replica): moved to the new commit', sha('9'), true],
  ])('GitHub stores the branch and answers 502, %s; one POST /git/refs', async (_name, storedSha, moved) => {
    const scope = nock(API);
    const recorder = recordRequests(scope);
    nockCommitObjects(scope);
    scope.patch(REF_PATH).reply(422, refMissing);
    scope.post(`${INFRA}/git/refs`).reply(502, serverError);
    scope.get(`${INFRA}/git/ref/heads%2Fworkshop-readiness%2Fissue-17`).reply(200, { ref: `refs/heads/${BRANCH}`, object: { sha: storedSha, type: 'commit' } });
    if (moved) scope.patch(REF_PATH, { sha: sha('e'), force: true }).reply(200, { ref: `refs/heads/${BRANCH}`, object: { sha: sha('e') } });

    await infraRepo().commitFiles(BRANCH, 'main', [{ path: 'a.yaml', content: 'x: 1\n' }], 'Ready mode for workshop #17');

    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(posts(recorder.calls, `${INFRA}/git/refs`)).toHaveLength(1);
    expect(recorder.calls.filter((c) => c.method === 'PATCH')).toHaveLength(moved ? 2 : 1);
  });

  test('a 502 on creating the branch and no branch stored: the failure is raised, one POST /git/refs', async () => {
    const scope = nock(API);
    const recorder = recordRequests(scope);
    nockCommitObjects(scope);
    scope.patch(REF_PATH).reply(422, refMissing);
    scope.post(`${INFRA}/git/refs`).reply(502, serverError);
    scope.get(`${INFRA}/git/ref/heads%2Fworkshop-readiness%2Fissue-17`).reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/git/refs#get-a-reference', status: '404' });

    await expect(infraRepo().commitFiles(BRANCH, 'main', [{ path: 'a.yaml', content: 'x: 1\n' }], 'm')).rejects.toMatchObject({ status: 502 });

    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(scope.isDone()).toBe(true);
    expect(posts(recorder.calls, `${INFRA}/git/refs`)).toHaveLength(1);
  });
});
