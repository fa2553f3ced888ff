import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { octokitDashboard } from '../../src/dashboard/port.js';
import { othersOnCluster, readRegistry, renderDashboard } from '../../src/dashboard/render.js';
import type { WorkshopSummary } from '../../src/dashboard/summary.js';
import { API, APP_ID, REPO, RetryingOctokit, nockDashboard, recordRequests } from '../support/probot.js';

const octokit = () => new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } });

/** A 19-node workshop overlapping every plan on demo-cluster: what a forged registry would claim. */
const forgedWorkshop: WorkshopSummary = {
  number: 999,
  title: 'Totally real workshop',
  stage: 'go',
  onHold: false,
  cluster: 'demo-cluster',
  pool: 'user-n2-highmem-4',
  instanceType: 'n2-highmem-4',
  nodes: 19,
  warmNodes: 19,
  start: '2027-03-01T00:00:00.000Z',
  end: '2027-04-01T00:00:00.000Z',
  windows: [{ start: '2027-03-01T00:00:00.000Z', end: '2027-04-01T00:00:00.000Z' }],
  costUSD: 1,
  waitingOn: 'nobody',
  next: 'ready',
};

/** REST shape of an issue from `GET /repos/{o}/{r}/issues`, created by a bot through some app. */
const restDashboardIssue = (number: number, appId: number | null, login = 'workshop-readiness[bot]') => ({
  id: 5_000_000 + number,
  node_id: 'I_kwDOHXXXXX5abc',
  number,
  title: 'Workshop readiness dashboard',
  state: 'open',
  user: { login, id: 9000001, type: 'Bot', site_admin: false },
  labels: [{ id: 1, name: 'workshop-readiness: dashboard', color: 'ededed', default: false, description: null }],
  body: renderDashboard([forgedWorkshop], '2027-02-01T15:00:00Z'),
  created_at: '2027-01-01T00:00:00Z',
  updated_at: '2027-01-01T00:00:00Z',
  author_association: 'NONE',
  performed_via_github_app: appId === null ? null : { id: appId, slug: appId === APP_ID ? 'workshop-readiness' : 'other-app', node_id: 'A_kwDOAAAB', name: 'x' },
});

afterEach(() => nock.cleanAll());

describe('dashboard registry trust (finding 6)', () => {
  test.each([
    ['another app\'s bot', restDashboardIssue(7, 4444, 'other-app[bot]')],
    ['a bot account without an app', restDashboardIssue(8, null, 'renovate-like[bot]')],
    ['a person', { ...restDashboardIssue(9, null, 'mallory'), user: { login: 'mallory', id: 31337, type: 'User', site_admin: false } }],
  ])('finding 6: a dashboard-labelled issue by %s is not the registry', async (_who, issue) => {
    const scope = nockDashboard(nock(API), [issue]);
    const found = await octokitDashboard(octokit(), 'example-org', 'infrastructure', APP_ID).find();
    expect(scope.isDone()).toBe(true);
    expect(found).toBeNull();
  });

  test('the issue this app created is the registry, even after a forged one that was created earlier', async () => {
    const scope = nockDashboard(nock(API), [restDashboardIssue(7, 4444, 'other-app[bot]'), restDashboardIssue(12, APP_ID)]);
    const found = await octokitDashboard(octokit(), 'example-org', 'infrastructure', APP_ID).find();
    expect(scope.isDone()).toBe(true);
    expect(found?.number).toBe(12);
    expect(othersOnCluster(readRegistry(found?.body ?? ''), 'demo-cluster', 17).map((o) => o.nodes)).toEqual([19]);
  });

  test('without a known app id nothing is trusted', async () => {
    const scope = nockDashboard(nock(API), [restDashboardIssue(12, APP_ID)]);
    expect(await octokitDashboard(octokit(), 'example-org', 'infrastructure', null).find()).toBeNull();
    expect(scope.isDone()).toBe(true);
  });
});

describe('dashboard creation is never repeated blindly (retry plugin on)', () => {
  test('GitHub answers 502 to the create (it may have stored the issue): one POST, the failure raised for the next sweep to find it', async () => {
    const scope = nock(API);
    const recorder = recordRequests(scope);
    scope.post(`${REPO}/issues`, { title: 'Workshop readiness dashboard', body: 'registry', labels: ['workshop-readiness: dashboard'] }).reply(502, { message: 'Server Error' });

    const dashboard = octokitDashboard(new RetryingOctokit({ auth: { token: 'ghs_test' } }), 'example-org', 'infrastructure', APP_ID);
    await expect(dashboard.create('Workshop readiness dashboard', 'registry')).rejects.toMatchObject({ status: 502 });

    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(recorder.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });
});
