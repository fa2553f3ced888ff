import nock from 'nock';
import type { Probot } from 'probot';
import { API, REPO, exampleConfigYaml, fixedClock, nockConfig, nockCreateLabel, nockIssueReads, nockToken, payload, recordRequests, restComment, restIssue, restLabel, testProbot } from '../support/probot.js';

const MODELED = { name: 'readiness: modeled', color: '1d76db', description: 'Workshop request: capacity plan fits with no blocking risk' };

const NOW = '2027-02-01T15:00:00Z';
type Payload = { issue: Record<string, unknown> & { number: number }; comment?: Record<string, unknown> };

describe('webhooks (Probot + nock, real payload and REST shapes)', () => {
  let probot: Probot;
  beforeEach(async () => {
    probot = await testProbot(fixedClock(NOW));
  });

  const opened = payload<Payload>('issues.opened');

  test('opened → one status comment with the plan, the readiness label created once with its colour; the next new issue costs 4 calls', async () => {
    let commentBody = '';
    let labelsSent: unknown;
    const scope = nockIssueReads(nock(API), opened.issue);
    scope.post(`${REPO}/issues/17/comments`, (body: { body: string }) => ((commentBody = body.body), true)).reply(201, restComment(501, 'x', { app: true }));
    nockCreateLabel(scope, MODELED.name, MODELED.color, MODELED.description);
    scope.post(`${REPO}/issues/17/labels`, (body: { labels: string[] }) => ((labelsSent = body.labels), true)).reply(200, [restLabel('workshop-request', '0052cc', 'x'), restLabel(MODELED.name, MODELED.color, MODELED.description)]);

    await probot.receive({ id: 'delivery-1', name: 'issues', payload: opened as never });

    expect(scope.isDone()).toBe(true);
    expect(labelsSent).toEqual(['readiness: modeled']);

    // Steady state: config and registry cached, the label known → issue, comments, comment, labels.
    const next = nock(API);
    const recorder = recordRequests(next);
    nockIssueReads(next, opened.issue, { token: false, cached: true });
    next.post(`${REPO}/issues/17/comments`).reply(201, restComment(502, 'x', { app: true }));
    next.post(`${REPO}/issues/17/labels`).reply(200, [restLabel(MODELED.name, MODELED.color, MODELED.description)]);
    await probot.receive({ id: 'delivery-1b', name: 'issues', payload: opened as never });
    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
    expect(recorder.calls.map((c) => `${c.method} ${c.path.split('?')[0]}`)).toEqual([
      `GET ${REPO}/issues/17`,
      `GET ${REPO}/issues/17/comments`,
      `POST ${REPO}/issues/17/comments`,
      `POST ${REPO}/issues/17/labels`,
    ]);
    expect(commentBody).toContain('Workshop readiness: modeled');
    expect(commentBody).toContain('<!-- workshop-readiness:state ');
    expect(commentBody).toContain('n2-highmem-4');
    expect(commentBody).not.toMatch(/\bat .*\.ts:\d+/); // never a stack trace
  });

  test('edited → the same comment updated in place; the same delivery twice → zero writes the second time', async () => {
    // First delivery creates the comment; capture it to serve it back.
    let commentBody = '';
    const first = nockIssueReads(nock(API), opened.issue);
    first.post(`${REPO}/issues/17/comments`, (b: { body: string }) => ((commentBody = b.body), true)).reply(201, restComment(501, 'x', { app: true }));
    nockCreateLabel(first, MODELED.name, MODELED.color, MODELED.description, 422);
    first.post(`${REPO}/issues/17/labels`).reply(200, [restLabel('readiness: modeled', '1d76db', 'x')]);
    await probot.receive({ id: 'delivery-2', name: 'issues', payload: opened as never });
    expect(first.isDone()).toBe(true);

    // Redelivery: GitHub now has our comment and label; nothing may be written.
    const again = nock(API);
    const recorder = recordRequests(again);
    nockIssueReads(again, opened.issue, { token: false, cached: true, labels: ['workshop-request', 'readiness: modeled'], comments: [restComment(501, commentBody, { app: true })] });
    await probot.receive({ id: 'delivery-2', name: 'issues', payload: opened as never });
    recorder.stop();
    expect(again.isDone()).toBe(true);
    expect(recorder.unmatched).toEqual([]);
    expect(recorder.calls.map((c) => c.method)).toEqual(['GET', 'GET']); // issue, comments: config and registry come from the caches

    // Edit: attendees change (90 still fits the pool) → PATCH the same comment, no new comment.
    const edited = { ...opened, action: 'edited', changes: { body: { from: opened.issue.body } } };
    const newBody = String(opened.issue.body).replace('about 60-80', '90');
    let patched = '';
    const edit = nockIssueReads(nock(API), { ...opened.issue, body: newBody }, { token: false, cached: true, labels: ['workshop-request', 'readiness: modeled'], comments: [restComment(501, commentBody, { app: true })] });
    edit.patch(`${REPO}/issues/comments/501`, (b: { body: string }) => ((patched = b.body), true)).reply(200, restComment(501, 'x', { app: true }));
    await probot.receive({ id: 'delivery-3', name: 'issues', payload: { ...edited, issue: { ...opened.issue, body: newBody } } as never });
    expect(edit.isDone()).toBe(true);
    expect(patched).toContain('| Peak simultaneous attendees | 90 |');
  });

  test('a non-workshop issue → no API call at all', async () => {
    const recorder = recordRequests();
    await probot.receive({ id: 'delivery-4', name: 'issues', payload: payload('issues.opened.plain') as never });
    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
  });

  test('an invalid config → one explanatory comment listing each problem by path, no other write', async () => {
    const broken = exampleConfigYaml().replace('provider: gcp', 'provider: gpc').replace('maxNodes: 20', 'maxNodes: -1');
    let body = '';
    const scope = nock(API);
    const recorder = recordRequests(scope);
    nockToken(scope);
    nockConfig(scope, broken);
    scope.get(`${REPO}/issues/17`).reply(200, restIssue(opened.issue, ['workshop-request']));
    scope.get(`${REPO}/issues/17/comments`).query({ per_page: 100 }).reply(200, []);
    scope.post(`${REPO}/issues/17/comments`, (b: { body: string }) => ((body = b.body), true)).reply(201, restComment(502, 'x', { app: true }));
    await probot.receive({ id: 'delivery-5', name: 'issues', payload: opened as never });
    recorder.stop();
    expect(scope.isDone()).toBe(true);
    expect(recorder.unmatched).toEqual([]);
    expect(recorder.calls.filter((c) => c.method !== 'GET').map((c) => c.path)).toEqual(['/app/installations/4242/access_tokens', `${REPO}/issues/17/comments`]);
    expect(body).toContain('`clusters.demo-cluster.provider`');
    expect(body).toContain('`clusters.demo-cluster.pools.user-n2-highmem-4.maxNodes`');
  });

  test('no config file in the repository or the organisation → nothing written', async () => {
    const scope = nock(API);
    const recorder = recordRequests(scope);
    nockToken(scope);
    nockConfig(scope, null);
    await probot.receive({ id: 'delivery-6', name: 'issues', payload: opened as never });
    recorder.stop();
    expect(scope.isDone()).toBe(true);
    expect(recorder.unmatched).toEqual([]);
    expect(recorder.calls.filter((c) => c.method !== 'GET' && !c.path.includes('access_tokens'))).toEqual([]);
  });

  test('a comment by a bot is ignored without any call; a comment without commands too', async () => {
    const created = payload<Payload & { sender: Record<string, unknown> }>('issue_comment.created');
    const recorder = recordRequests();
    const bot = { login: 'renovate[bot]', id: 29139614, type: 'Bot' };
    await probot.receive({ id: 'd7', name: 'issue_comment', payload: { ...created, sender: bot, comment: { ...created.comment, user: bot } } as never });
    await probot.receive({ id: 'd8', name: 'issue_comment', payload: { ...created, comment: { ...created.comment, body: 'Thanks, looks good!' } } as never });
    recorder.stop();
    expect(recorder.unmatched).toEqual([]);
  });
});
