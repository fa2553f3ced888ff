import { readFileSync } from 'node:fs';
import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { octokitInfraRepo } from '../../src/github/infra-repo.js';
import { syncInfraPullRequest, prMarker, recoverReady, type InfraStepInput } from '../../src/pipeline/infra-pr.js';
import { computeInfraChange } from '../../src/infra/change.js';
import { closedUnfinishedLister } from '../../src/pipeline/sweep.js';
import { EMPTY_STATE, type MarkerState } from '../../src/workshop/marker.js';
import { silentLogger } from '../../src/pipeline/ports.js';
import { exampleConfig } from '../support/config.js';
import { samplePlan } from '../support/plan.js';

const API = 'https://api.github.com';
const INFRA = '/repos/example-org/infrastructure';
const TFVARS = 'terraform/gcp/projects/demo-cluster.tfvars';
const VALUES = 'config/clusters/demo-cluster/workshop.values.yaml';
const example = (file: string) => readFileSync(new URL(`../../examples/infra-repo/${file}`, import.meta.url), 'utf8');
const contents = (path: string, text: string) => ({
  type: 'file', encoding: 'base64', size: text.length, name: path.split('/').pop(), path, content: Buffer.from(text).toString('base64'),
  sha: 'f'.repeat(40), url: `${API}${INFRA}/contents/${path}`, git_url: '', html_url: '', download_url: '', _links: {},
});
const pull = (number: number, state: 'open' | 'closed', merged: boolean, body = '') => ({
  url: `${API}${INFRA}/pulls/${number}`, id: 900 + number, number, state, title: 't', body, html_url: `https://github.com/example-org/infrastructure/pull/${number}`,
  merged_at: merged ? '2027-03-09T12:00:00Z' : null, head: { ref: 'workshop-readiness/issue-17', sha: 'a'.repeat(40) }, base: { ref: 'main', sha: 'b'.repeat(40) }, user: { login: 'workshop-readiness[bot]', type: 'Bot' },
});

const octokit = () => new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } });
const APP_ID = 4242;
/** The infra repo as this app (id 4242, slug workshop-readiness) sees it. */
const infraPort = () => octokitInfraRepo(octokit(), 'example-org', 'infrastructure', { id: APP_ID, slug: async () => 'workshop-readiness' });
const input = (state: MarkerState = EMPTY_STATE, overrides: Partial<InfraStepInput> = {}): InfraStepInput => ({
  issue: { number: 17, repo: 'example-org/infrastructure' },
  config: exampleConfig(),
  plan: samplePlan(),
  planHash: 'plan-abc',
  stage: 'go',
  onHold: false,
  now: '2027-02-01T15:00:00Z',
  state,
  refresh: false,
  ...overrides,
});

function nockBaseFiles(scope: nock.Scope) {
  scope.get(`${INFRA}/contents/${encodeURIComponent(TFVARS).replace(/%2F/g, '%2F')}`).query({ ref: 'main' }).reply(200, contents(TFVARS, example(TFVARS)));
  scope.get(`${INFRA}/contents/${encodeURIComponent(VALUES)}`).query({ ref: 'main' }).reply(200, contents(VALUES, example(VALUES)));
}

describe('ready-mode PR through the Git Data API (nock, REST shapes)', () => {

  test('no PR yet → one tree, one commit, a new branch ref and a PR whose body links the issue and says when to merge', async () => {
    let tree: { base_tree: string; tree: Array<{ path: string; content: string }> } | undefined;
    let prBody = '';
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query({ head: 'example-org:workshop-readiness/issue-17', state: 'all', per_page: 10 }).reply(200, []);
    nockBaseFiles(scope);
    scope.get(`${INFRA}/git/ref/heads%2Fmain`).reply(200, { ref: 'refs/heads/main', object: { sha: 'b'.repeat(40), type: 'commit' } });
    scope.get(`${INFRA}/git/commits/${'b'.repeat(40)}`).reply(200, { sha: 'b'.repeat(40), tree: { sha: 'c'.repeat(40) } });
    scope.post(`${INFRA}/git/trees`, (body) => ((tree = body), true)).reply(201, { sha: 'd'.repeat(40), tree: [] });
    scope.post(`${INFRA}/git/commits`, { message: /Ready mode for workshop #17/, tree: 'd'.repeat(40), parents: ['b'.repeat(40)] }).reply(201, { sha: 'e'.repeat(40) });
    scope.patch(`${INFRA}/git/refs/heads%2Fworkshop-readiness%2Fissue-17`).reply(422, { message: 'Reference does not exist' });
    scope.post(`${INFRA}/git/refs`, { ref: 'refs/heads/workshop-readiness/issue-17', sha: 'e'.repeat(40) }).reply(201, { ref: 'refs/heads/workshop-readiness/issue-17' });
    scope.post(`${INFRA}/pulls`, (body) => ((prBody = body.body), body.head === 'workshop-readiness/issue-17' && body.base === 'main')).reply(201, pull(101, 'open', false));

    const result = await syncInfraPullRequest(input(), infraPort(), { dryRun: false, log: silentLogger });

    expect(scope.isDone()).toBe(true);
    expect(tree?.base_tree).toBe('c'.repeat(40));
    expect(tree?.tree.map((t) => t.path).sort()).toEqual([VALUES, TFVARS].sort());
    const tfvars = tree?.tree.find((t) => t.path === TFVARS)?.content ?? '';
    expect(tfvars).toMatch(/"n2-highmem-4"\s*:\s*\{[^}]*min\s*:\s*4/);
    expect(prBody).toContain('example-org/infrastructure#17');
    expect(prBody).toContain('Merge by Wed 10 Mar 2027 08:00');
    expect(prMarker(prBody)).toMatchObject({ issue: 'example-org/infrastructure#17', phase: 'ready', planHash: 'plan-abc' });
    expect(result.pullRequests).toEqual([expect.objectContaining({ phase: 'ready', number: 101, state: 'open', planHash: 'plan-abc' })]);
    expect(result.writes).toEqual(['commit', 'open-pr']);
  });

  test('an open PR with the same content and body → no write (never a duplicate PR)', async () => {
    // First compute what the branch would hold, then serve it back as the branch content.
    const first = nock(API);
    first.get(`${INFRA}/pulls`).query(true).reply(200, []);
    nockBaseFiles(first);
    let tree: Array<{ path: string; content: string }> = [];
    let body = '';
    first.get(`${INFRA}/git/ref/heads%2Fmain`).reply(200, { object: { sha: 'b'.repeat(40) } });
    first.get(`${INFRA}/git/commits/${'b'.repeat(40)}`).reply(200, { tree: { sha: 'c'.repeat(40) } });
    first.post(`${INFRA}/git/trees`, (b) => ((tree = b.tree), true)).reply(201, { sha: 'd'.repeat(40) });
    first.post(`${INFRA}/git/commits`).reply(201, { sha: 'e'.repeat(40) });
    first.patch(/git\/refs/).reply(200, {});
    first.post(`${INFRA}/pulls`, (b) => ((body = b.body), true)).reply(201, pull(101, 'open', false));
    const created = await syncInfraPullRequest(input(), infraPort(), { dryRun: false, log: silentLogger });

    const again = nock(API);
    again.get(`${INFRA}/pulls`).query(true).reply(200, [pull(101, 'open', false, body)]);
    nockBaseFiles(again);
    for (const file of tree) again.get(`${INFRA}/contents/${encodeURIComponent(file.path)}`).query({ ref: 'workshop-readiness/issue-17' }).reply(200, contents(file.path, file.content));
    const state = { ...EMPTY_STATE, pullRequests: created.pullRequests };
    const result = await syncInfraPullRequest(input(state, { refresh: true }), infraPort(), { dryRun: false, log: silentLogger });
    expect(again.isDone()).toBe(true);
    expect(result.writes).toEqual([]);
    expect(result.section).toContain('open, waiting for review');
  });

  test('a merged PR for the current plan is recorded as merged, nothing written', async () => {
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query(true).reply(200, [pull(101, 'closed', true, '<!-- workshop-readiness:pr {"issue":"example-org/infrastructure#17","phase":"ready","planHash":"plan-abc"} -->')]);
    const result = await syncInfraPullRequest(input(), infraPort(), { dryRun: false, log: silentLogger });
    expect(scope.isDone()).toBe(true);
    expect(result.pullRequests[0]).toMatchObject({ number: 101, state: 'merged' });
    expect(result.section).toContain('merged ✅');
  });

  test('a PR closed without merging is not reopened; the comment says so', async () => {
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query(true).reply(200, [pull(101, 'closed', false)]);
    const result = await syncInfraPullRequest(input(), infraPort(), { dryRun: false, log: silentLogger });
    expect(scope.isDone()).toBe(true);
    expect(result.writes).toEqual([]);
    expect(result.section).toContain('closed without merging; the app does not reopen it');
  });

  test('permission denied on the commit → a clear sentence in the comment, no PR opened', async () => {
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query(true).reply(200, []);
    nockBaseFiles(scope);
    scope.get(`${INFRA}/git/ref/heads%2Fmain`).reply(200, { object: { sha: 'b'.repeat(40) } });
    scope.get(`${INFRA}/git/commits/${'b'.repeat(40)}`).reply(200, { tree: { sha: 'c'.repeat(40) } });
    scope.post(`${INFRA}/git/trees`).reply(403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest/git/trees#create-a-tree', status: '403' });
    const result = await syncInfraPullRequest(input(), infraPort(), { dryRun: false, log: silentLogger });
    expect(nock.pendingMocks()).toEqual([]);
    expect(result.writes).toEqual([]);
    expect(result.pullRequests).toEqual([]);
    expect(result.section).toBe('⛔ No ready PR: the app may not write to example-org/infrastructure (HTTP 403). Give the app\'s installation contents and pull-requests write access there, then comment `/recompute`.');
  });

  test('no access to the infra repository at all → a clear sentence and no call', async () => {
    const result = await syncInfraPullRequest(input(), null, { dryRun: false, log: silentLogger });
    expect(result.section).toContain('cannot reach the infrastructure repository (example-org/infrastructure)');
  });

  test('a pool missing from the file → no PR, the error in the comment', async () => {
    const config = exampleConfig();
    const pools = config.clusters['demo-cluster']?.pools;
    if (pools?.['user-n2-highmem-4']) pools['user-n2-highmem-4'].infraKey = 'n2-highmem-99';
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query(true).reply(200, []);
    nockBaseFiles(scope);
    const result = await syncInfraPullRequest(input(EMPTY_STATE, { config }), infraPort(), { dryRun: false, log: silentLogger });
    expect(scope.isDone()).toBe(true);
    expect(result.section).toMatch(/^⛔ No ready PR: terraform\/gcp\/projects\/demo-cluster.tfvars: .*n2-highmem-99/);
    expect(result.writes).toEqual([]);
  });

  test('not go yet, or on hold → nothing at all', async () => {
    expect((await syncInfraPullRequest(input(EMPTY_STATE, { stage: 'load-tested' }), null, { dryRun: false, log: silentLogger })).section).toBeNull();
    expect((await syncInfraPullRequest(input(EMPTY_STATE, { onHold: true }), null, { dryRun: false, log: silentLogger })).section).toBeNull();
  });
});

describe('a PR on the app\'s branch that this app did not open is never trusted or updated (nock, REST shapes)', () => {

  const COPIED = '<!-- workshop-readiness:pr {"issue":"example-org/infrastructure#17","phase":"ready","planHash":"plan-abc"} -->';
  const strangers: Array<[string, { login: string; type: string }, Record<string, unknown>]> = [
    ['a person with write access', { login: 'platform-engineer', type: 'User' }, { performed_via_github_app: null }],
    ['a person named like the bot', { login: 'workshop-readiness[bot]', type: 'User' }, { performed_via_github_app: null }],
    ['another app\'s bot', { login: 'other-helper[bot]', type: 'Bot' }, { performed_via_github_app: { id: 99, slug: 'other-helper', name: 'Other helper' } }],
  ];
  const byStranger = (number: number, state: 'open' | 'closed', merged: boolean, user: { login: string; type: string }, extra: Record<string, unknown>, body = COPIED) =>
    ({ ...pull(number, state, merged, body), user: { ...user, id: 7, node_id: 'U_7', avatar_url: '', html_url: `https://github.com/${user.login}` }, ...extra });

  test.each(strangers)('merged with a copied marker, by %s: not recorded as ready mode applied; the app opens its own PR', async (_name, user, extra) => {
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query({ head: 'example-org:workshop-readiness/issue-17', state: 'all', per_page: 10 }).reply(200, [byStranger(101, 'closed', true, user, extra)]);
    nockBaseFiles(scope);
    scope.get(`${INFRA}/git/ref/heads%2Fmain`).reply(200, { ref: 'refs/heads/main', object: { sha: 'b'.repeat(40), type: 'commit' } });
    scope.get(`${INFRA}/git/commits/${'b'.repeat(40)}`).reply(200, { sha: 'b'.repeat(40), tree: { sha: 'c'.repeat(40) } });
    scope.post(`${INFRA}/git/trees`).reply(201, { sha: 'd'.repeat(40), tree: [] });
    scope.post(`${INFRA}/git/commits`).reply(201, { sha: 'e'.repeat(40) });
    scope.patch(`${INFRA}/git/refs/heads%2Fworkshop-readiness%2Fissue-17`, { sha: 'e'.repeat(40), force: true }).reply(200, { ref: 'refs/heads/workshop-readiness/issue-17' });
    scope.post(`${INFRA}/pulls`).reply(201, pull(102, 'open', false));

    const result = await syncInfraPullRequest(input(), infraPort(), { dryRun: false, log: silentLogger });

    expect(scope.isDone()).toBe(true);
    expect(result.pullRequests).toEqual([expect.objectContaining({ phase: 'ready', number: 102, state: 'open' })]);
    expect(result.writes).toEqual(['commit', 'open-pr']);
  });

  test.each(strangers)('open with a copied marker, by %s: not updated, nothing written, the comment says why', async (_name, user, extra) => {
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query(true).reply(200, [byStranger(101, 'open', false, user, extra, `An older plan. ${COPIED}`)]);

    const result = await syncInfraPullRequest(input(), infraPort(), { dryRun: false, log: silentLogger });

    expect(scope.isDone()).toBe(true);
    expect(result.writes).toEqual([]);
    expect(result.pullRequests).toEqual([]);
    expect(result.section).toBe(`⚠️ The open PR https://github.com/example-org/infrastructure/pull/101 on this request's branch was opened by \`${user.login}\`, not by this app, so the app neither trusts nor updates it; close that PR and the app opens its own.`);
  });

  test('the author\'s login is shown as code, never as markdown or a mention', async () => {
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query(true).reply(200, [byStranger(101, 'open', false, { login: 'x`](evil) @team --> ', type: 'User' }, {})]);
    const result = await syncInfraPullRequest(input(), infraPort(), { dryRun: false, log: silentLogger });
    expect(result.section).toContain("opened by `x'](evil) @team -\u200d->`, not by this app");
  });

  test('the app\'s own PR performed via the app (GitHub says so) is still trusted, not refused', async () => {
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query(true).reply(200, [byStranger(101, 'closed', true, { login: 'someone', type: 'User' }, { performed_via_github_app: { id: APP_ID, slug: 'workshop-readiness', name: 'Workshop readiness' } })]);
    const result = await syncInfraPullRequest(input(), infraPort(), { dryRun: false, log: silentLogger });
    expect(scope.isDone()).toBe(true);
    expect(result.pullRequests[0]).toMatchObject({ number: 101, state: 'merged' });
  });
});

describe('after the event, through the REST API (nock)', () => {

  /** The warm files and the record the ready PR left, as computed from the example files. */
  function warm() {
    const config = exampleConfig();
    const cluster = config.clusters['demo-cluster']!;
    const change = computeInfraChange({ phase: 'ready', cluster, pool: cluster.pools['user-n2-highmem-4']!, plan: samplePlan(), files: { [TFVARS]: example(TFVARS), [VALUES]: example(VALUES) }, recorded: null });
    if (!change.ok) throw new Error(change.error);
    const files = Object.fromEntries(change.files.map((f) => [f.path, f.after]));
    const record = { phase: 'ready' as const, number: 101, url: 'https://github.com/example-org/infrastructure/pull/101', state: 'open' as const, planHash: 'plan-abc', before: change.before as unknown as Record<string, unknown>, cluster: 'demo-cluster', pool: 'user-n2-highmem-4', mergeBy: '2027-03-10T08:00:00.000-06:00', scaleDownAt: '2027-03-12T17:00:00.000-06:00' };
    return { files, record };
  }

  test('the record says open but the PR was merged (delivery lost): read once, then the scale-down restores the original bytes, with no plan', async () => {
    const { files, record } = warm();
    let tree: Array<{ path: string; content: string }> = [];
    let body = '';
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query({ head: 'example-org:workshop-readiness/issue-17', state: 'all', per_page: 10 }).reply(200, [pull(101, 'closed', true)]);
    scope.get(`${INFRA}/pulls`).query({ head: 'example-org:workshop-readiness/issue-17-scale-down', state: 'all', per_page: 10 }).reply(200, []);
    for (const path of [TFVARS, VALUES]) scope.get(`${INFRA}/contents/${encodeURIComponent(path)}`).query({ ref: 'main' }).reply(200, contents(path, files[path] ?? ''));
    scope.get(`${INFRA}/git/ref/heads%2Fmain`).reply(200, { ref: 'refs/heads/main', object: { sha: 'b'.repeat(40), type: 'commit' } });
    scope.get(`${INFRA}/git/commits/${'b'.repeat(40)}`).reply(200, { sha: 'b'.repeat(40), tree: { sha: 'c'.repeat(40) } });
    scope.post(`${INFRA}/git/trees`, (b) => ((tree = b.tree), true)).reply(201, { sha: 'd'.repeat(40), tree: [] });
    scope.post(`${INFRA}/git/commits`, { message: /Scale down after workshop #17/, tree: 'd'.repeat(40), parents: ['b'.repeat(40)] }).reply(201, { sha: 'e'.repeat(40) });
    scope.patch(`${INFRA}/git/refs/heads%2Fworkshop-readiness%2Fissue-17-scale-down`).reply(422, { message: 'Reference does not exist' });
    scope.post(`${INFRA}/git/refs`, { ref: 'refs/heads/workshop-readiness/issue-17-scale-down', sha: 'e'.repeat(40) }).reply(201, {});
    scope.post(`${INFRA}/pulls`, (b) => ((body = b.body), b.head === 'workshop-readiness/issue-17-scale-down')).reply(201, pull(102, 'open', false));

    const state = { ...EMPTY_STATE, pullRequests: [record] };
    const result = await syncInfraPullRequest(input(state, { plan: null, planHash: null, now: '2027-03-12T23:30:00Z' }), infraPort(), { dryRun: false, log: silentLogger });

    expect(scope.isDone()).toBe(true);
    expect(Object.fromEntries(tree.map((t) => [t.path, t.content]))).toEqual({ [TFVARS]: example(TFVARS), [VALUES]: example(VALUES) });
    expect(prMarker(body)).toMatchObject({ phase: 'scale-down', planHash: 'plan-abc' });
    expect(result.pullRequests.map((r) => `${r.phase}:${r.number}:${r.state}`)).toEqual(['ready:101:merged', 'scale-down:102:open']);
  });

  test('the ready PR was never merged: one read, nothing to scale down, said in the comment', async () => {
    const { record } = warm();
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query(true).reply(200, [pull(101, 'open', false)]);
    const result = await syncInfraPullRequest(input({ ...EMPTY_STATE, pullRequests: [record] }, { plan: null, planHash: null, now: '2027-03-12T23:30:00Z' }), infraPort(), { dryRun: false, log: silentLogger });
    expect(scope.isDone()).toBe(true);
    expect(result.writes).toEqual([]);
    expect(result.section).toBe('The event has ended and the ready-mode PR https://github.com/example-org/infrastructure/pull/101 was not merged: nothing to scale down.');
  });

  test('an open PR on the scale-down branch that this app did not open is not taken as the scale-down: nothing written, said in the comment', async () => {
    const { record } = warm();
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query({ head: 'example-org:workshop-readiness/issue-17-scale-down', state: 'all', per_page: 10 })
      .reply(200, [{ ...pull(102, 'open', false, '<!-- workshop-readiness:pr {"issue":"example-org/infrastructure#17","phase":"scale-down","planHash":"plan-abc"} -->'), user: { login: 'platform-engineer', type: 'User' }, performed_via_github_app: null }]);
    const state = { ...EMPTY_STATE, pullRequests: [{ ...record, state: 'merged' as const }] };
    const result = await syncInfraPullRequest(input(state, { plan: null, planHash: null, now: '2027-03-12T23:30:00Z' }), infraPort(), { dryRun: false, log: silentLogger });
    expect(scope.isDone()).toBe(true);
    expect(result.writes).toEqual([]);
    expect(result.pullRequests.map((r) => `${r.phase}:${r.number}:${r.state}`)).toEqual(['ready:101:merged']);
    expect(result.section).toContain('https://github.com/example-org/infrastructure/pull/102 on this request\'s branch was opened by `platform-engineer`, not by this app');
  });

  test('weeks before the event nothing is read: the record is enough', async () => {
    const { record } = warm();
    const result = await syncInfraPullRequest(input({ ...EMPTY_STATE, pullRequests: [record] }, { planHash: 'plan-abc' }), infraPort(), { dryRun: false, log: silentLogger });
    expect(nock.pendingMocks()).toEqual([]);
    expect(result.section).toContain('open, waiting for review');
  });

  test('the sweep lists closed issues still holding a warm pool: go without done, pull requests skipped', async () => {
    const issue = (number: number, labels: string[], extra: object = {}) => ({ id: number, number, title: `#${number}`, state: 'closed', labels: labels.map((name, i) => ({ id: i, name, color: 'ededed' })), ...extra });
    const scope = nock(API)
      .get('/repos/example-org/workshops/issues')
      .query({ labels: 'readiness: go', state: 'closed', per_page: 50, sort: 'updated', direction: 'desc' })
      .reply(200, [issue(17, ['readiness: go']), issue(18, ['readiness: go', 'readiness: done']), issue(19, ['readiness: go'], { pull_request: { url: 'x' } })]);
    const list = await closedUnfinishedLister(octokit(), 'example-org', 'workshops')('readiness: go', 'readiness: done');
    expect(scope.isDone()).toBe(true);
    expect(list).toEqual([{ number: 17, title: '#17' }]);
  });
});

describe('reading a lost ready record back from the ready PR (nock, REST shapes)', () => {

  const ISSUE = 'example-org/infrastructure#17';
  const readyBody = (issue = ISSUE, phase = 'ready') =>
    `Ready mode for the workshop.\n\n<!-- workshop-readiness:pr {"issue":"${issue}","phase":"${phase}","planHash":"plan-abc","zone":"America/Chicago","cluster":"demo-cluster","pool":"n2-highmem-4","before":{"pool":{"min":0,"max":100},"placeholders":null},"mergeBy":"2027-03-10T13:30:00.000Z","scaleDownAt":"2027-03-12T23:00:00.000Z"} -->`;

  /** The ready branch's PR as GitHub lists it, with who opened it; and whether GET /app was asked for the slug. */
  async function readBack(user: { login: string; type: string }, extra: Record<string, unknown> = {}, body = readyBody()) {
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query({ head: 'example-org:workshop-readiness/issue-17', state: 'all', per_page: 10 }).reply(200, [{ ...pull(101, 'closed', true, body), user: { ...user, id: 7, node_id: 'U_1', avatar_url: '', html_url: `https://github.com/${user.login}` }, ...extra }]);
    let slugAsked = 0;
    const port = octokitInfraRepo(octokit(), 'example-org', 'infrastructure', { id: APP_ID, slug: async () => (slugAsked++, 'workshop-readiness') });
    const found = await port.findPullRequest('workshop-readiness/issue-17');
    if (!found) throw new Error('no PR read');
    const ours = await port.openedByThisApp(found);
    expect(scope.isDone()).toBe(true);
    return { found, ours, slugAsked, recovery: recoverReady(found, ours, ISSUE, 'main') };
  }

  test.each([
    ['the app\'s bot user (slug matches, type Bot)', { login: 'workshop-readiness[bot]', type: 'Bot' }, {}, true, 1],
    ['performed via this app (GitHub says so)', { login: 'someone', type: 'User' }, { performed_via_github_app: { id: APP_ID, slug: 'workshop-readiness' } }, true, 0],
    ['another app\'s bot user', { login: 'other-helper[bot]', type: 'Bot' }, {}, false, 1],
    ['a person (even one whose name looks like the bot)', { login: 'workshop-readiness[bot]', type: 'User' }, {}, false, 0],
    ['performed via another app', { login: 'other-helper[bot]', type: 'Bot' }, { performed_via_github_app: { id: 99, slug: 'other-helper' } }, false, 1],
  ])('%s', async (_name, user, extra, ours, slugAsked) => {
    const read = await readBack(user, extra);
    expect({ ours: read.ours, slugAsked: read.slugAsked }).toEqual({ ours, slugAsked });
    expect(read.found).toMatchObject({ number: 101, state: 'closed', merged: true, base: 'main', author: { login: user.login, type: user.type } });
    if (ours) {
      expect(read.recovery).toEqual({
        ready: { phase: 'ready', number: 101, url: 'https://github.com/example-org/infrastructure/pull/101', state: 'merged', planHash: 'plan-abc', cluster: 'demo-cluster', pool: 'n2-highmem-4', before: { pool: { min: 0, max: 100 }, placeholders: null }, mergeBy: '2027-03-10T13:30:00.000Z', scaleDownAt: '2027-03-12T23:00:00.000Z', recovered: true },
        note: null,
      });
    } else {
      expect(read.recovery.ready).toBeNull();
      expect(read.recovery.note).toContain('was not opened by this app for this request');
    }
  });

  test.each([
    ['a marker for another issue', readyBody('example-org/infrastructure#18'), {}, 'was not opened by this app for this request'],
    ['a scale-down PR\'s marker', readyBody(ISSUE, 'scale-down'), {}, 'was not opened by this app for this request'],
    ['no marker at all', 'Ready mode, by hand.', {}, 'was not opened by this app for this request'],
    ['merged into another branch', readyBody(), { base: { ref: 'staging', sha: 'b'.repeat(40) } }, 'was merged into `staging`, not `main`'],
  ])('the app\'s own PR with %s is not read back', async (_name, body, extra, note) => {
    const read = await readBack({ login: 'workshop-readiness[bot]', type: 'Bot' }, extra, body);
    expect(read.recovery.ready).toBeNull();
    expect(read.recovery.note).toContain(note);
  });

  test('the app\'s PR closed without merging is read back as closed: nothing to scale down', async () => {
    const scope = nock(API);
    scope.get(`${INFRA}/pulls`).query(true).reply(200, [{ ...pull(101, 'closed', false, readyBody()), user: { login: 'workshop-readiness[bot]', type: 'Bot' } }]);
    const port = octokitInfraRepo(octokit(), 'example-org', 'infrastructure', { id: APP_ID, slug: async () => 'workshop-readiness' });
    const found = await port.findPullRequest('workshop-readiness/issue-17');
    expect(recoverReady(found, found ? await port.openedByThisApp(found) : false, ISSUE, 'main').ready).toMatchObject({ number: 101, state: 'closed', recovered: true });
  });

  test('no PR on the ready branch: nothing read back, nothing said', () => {
    expect(recoverReady(null, false, ISSUE, 'main')).toEqual({ ready: null, note: null });
  });
});
