import { readFileSync } from 'node:fs';
import { MemoryIssue } from '../../src/github/memory.js';
import { MemoryInfraRepo } from '../../src/github/memory-infra.js';
import { silentLogger } from '../../src/pipeline/ports.js';
import { reconcile, type ReconcileDeps } from '../../src/pipeline/reconcile.js';
import { STATUS_COMMENT_BUDGET } from '../../src/render/status-comment.js';
import { decodeMarker, deriveMarkerKey, encodeMarker, EMPTY_STATE, LOCAL_MARKER_KEY, repliedTo, replyMarker } from '../../src/workshop/marker.js';
import { statusComments } from '../../src/pipeline/sync.js';
import { exampleConfig } from '../support/config.js';

/**
 * Issue 14, findings 2, 3, 4, 7 and 9, each replayed through the real reconcile and the in-memory GitHub:
 * the sequence an attacker used, and what must hold now.
 */

const exampleBody = readFileSync(new URL('../../examples/issues/workshop.md', import.meta.url), 'utf8');
const configLoad = { kind: 'ok' as const, config: exampleConfig() };
const seal = { key: LOCAL_MARKER_KEY, scope: 'local#17' };

const withField = (body: string, label: string, value: string) => body.replace(new RegExp(`(### ${label}\\n\\n)[^\\n]*`), (_m, head: string) => `${head}${value}`);

function setup(permissions: Record<string, 'write' | 'admin' | 'read'> = { alice: 'write', bob: 'admin' }) {
  let now = '2027-02-01T15:00:00Z';
  const issue = new MemoryIssue({ number: 17, title: '[Workshop] x', body: exampleBody, author: 'community-rep', state: 'open' }, { now: () => now, permissions }, ['workshop-request']);
  const deps = (extra: Partial<ReconcileDeps> = {}): ReconcileDeps => ({ issues: issue, clock: { now: () => new Date(now) }, log: silentLogger, ...extra });
  const tick = (minutes: number) => (now = new Date(Date.parse(now) + minutes * 60_000).toISOString());
  return { issue, deps, tick, permissions };
}

/** Opens the issue, records a load test and an approval: the request is at `go`. */
async function atGo() {
  const ctx = setup();
  await reconcile(configLoad, ctx.deps());
  ctx.tick(5);
  ctx.issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-42');
  ctx.issue.addUserComment('bob', '/approve');
  const result = await reconcile(configLoad, ctx.deps());
  expect(result.stage).toBe('go');
  return ctx;
}

describe('issue 14: state that cannot be forged or lost into a grant', () => {
  test('finding 2: a requester edit through a huge plan and back does not replay the old approval', async () => {
    const { issue, deps, tick } = await atGo();
    tick(5);
    issue.issue.body = withField(withField(exampleBody, 'Container image', 'img:1 <!-- workshop-readiness:state x'), 'Memory per user', '200 GB');
    const detour = await reconcile(configLoad, deps());
    expect(detour.stage).not.toBe('go');
    expect(decodeMarker(issue.statusComment()?.body ?? '', seal)).not.toBeNull(); // the unclosed opener did not break the marker
    tick(5);
    issue.issue.body = withField(exampleBody, 'Peak number of simultaneous attendees', '100');
    const back = await reconcile(configLoad, deps());
    expect(back.stage).toBe('modeled');
    expect(issue.statusComment()?.body).toContain('The approval by bob was for an earlier plan and no longer counts');
  });

  test('finding 2: editing the request back to the exact approved plan still needs a fresh approval', async () => {
    const { issue, deps, tick } = await atGo();
    tick(5);
    issue.issue.body = withField(exampleBody, 'Peak number of simultaneous attendees', '500');
    await reconcile(configLoad, deps());
    tick(5);
    issue.issue.body = exampleBody;
    expect((await reconcile(configLoad, deps())).stage).toBe('modeled');
  });

  test('finding 2: deleting the status comment re-binds nothing, and the new comment says so', async () => {
    const { issue, deps, tick } = await atGo();
    const status = issue.statusComment();
    await issue.deleteComment(status?.id ?? 0);
    tick(5);
    const result = await reconcile(configLoad, deps());
    expect(result.stage).toBe('modeled');
    expect(issue.statusComment()?.body).toContain('2 earlier commands were not applied');
    // A fresh engineer action counts again.
    tick(5);
    issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-43');
    issue.addUserComment('bob', '/approve');
    expect((await reconcile(configLoad, deps())).stage).toBe('go');
    expect(issue.statusComment()?.body).not.toContain('earlier commands were not applied');
  });

  test('finding 2: what changed is escaped: no mention, heading, HTML or table break from the image field', async () => {
    const { issue, deps, tick } = await atGo();
    tick(5);
    issue.issue.body = withField(exampleBody, 'Container image', 'img:2 ## Hi @example-org/everyone <img src=x> </details> | a |');
    await reconcile(configLoad, deps());
    const body = issue.statusComment()?.body ?? '';
    expect(body).toContain('image quay.io/2i2c/workshop-image:2027.01 → img:2');
    expect(body).not.toMatch(/<img|<\/details> \||@example-org\/everyone/);
  });

  test('finding 4: a requester with write access editing the status comment changes nothing (the marker no longer verifies)', async () => {
    const { issue, deps, tick } = setup({ alice: 'write', 'community-rep': 'write' });
    await reconcile(configLoad, deps());
    issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-42');
    const refused = issue.addUserComment('community-rep', '/approve');
    expect((await reconcile(configLoad, deps())).stage).toBe('load-tested');
    // The requester rewrites the marker by hand: the approval now "by alice", plan as shown.
    const status = issue.statusComment();
    const state = decodeMarker(status?.body ?? '', seal);
    expect(state).not.toBeNull();
    if (!status || !state) return;
    const forged = { ...state, commands: { ...state.commands, approval: { by: 'alice', commentId: refused.id, at: refused.createdAt, planHash: state.planHash, lapsed: false } } };
    const forgedMarker = encodeMarker(forged, { key: deriveMarkerKey('a guess'), scope: 'local#17' });
    status.body = status.body.replace(/<!-- workshop-readiness:state[\s\S]*$/, forgedMarker);
    tick(5);
    const result = await reconcile(configLoad, deps());
    expect(result.stage).toBe('modeled');
    expect(result.evaluation?.readiness.approval).toBeNull();
  });

  test('finding 4: a marker copied from another issue does not verify here', () => {
    const other = encodeMarker({ ...EMPTY_STATE, stage: 'go' }, { key: LOCAL_MARKER_KEY, scope: 'local#18' });
    expect(decodeMarker(other, seal)).toBeNull();
    expect(decodeMarker(other, { key: LOCAL_MARKER_KEY, scope: 'local#18' })?.stage).toBe('go');
  });

  test('finding 4: a fenced /approve after a real command does not approve', async () => {
    const { issue, deps } = setup();
    await reconcile(configLoad, deps());
    issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-42');
    issue.addUserComment('bob', '/recompute\n```\n/approve\n```\n<!--\n/approve\n-->');
    expect((await reconcile(configLoad, deps())).stage).toBe('load-tested');
  });

  test('finding 4: a refused /approve does not count once its author gains write access', async () => {
    const ctx = setup({ alice: 'write' });
    await reconcile(configLoad, ctx.deps());
    ctx.issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-42');
    ctx.issue.addUserComment('carol', '/approve');
    expect((await reconcile(configLoad, ctx.deps())).stage).toBe('load-tested');
    ctx.permissions['carol'] = 'write';
    ctx.tick(60);
    expect((await reconcile(configLoad, ctx.deps())).stage).toBe('load-tested');
  });

  test('finding 3: 10,900 lines of /help, /hold + 60,000 characters: the comment stays under budget and labels sync', async () => {
    const { issue, deps, tick } = setup();
    await reconcile(configLoad, deps());
    issue.addUserComment('mallory', '/help\n'.repeat(10_900));
    issue.addUserComment('community-rep', `/hold ${'x'.repeat(60_000)}`);
    tick(1);
    const result = await reconcile(configLoad, deps());
    const body = issue.statusComment()?.body ?? '';
    expect(body.length).toBeLessThan(STATUS_COMMENT_BUDGET);
    expect(decodeMarker(body, seal)?.commands.hold?.reason?.length).toBeLessThanOrEqual(200);
    expect(issue.labels).toContain('readiness: on-hold');
    expect(result.stage).toBe('modeled');
    for (const c of issue.comments.filter((x) => x.byThisApp)) expect(c.body.length).toBeLessThan(STATUS_COMMENT_BUDGET);
    // The next round has nothing new: zero writes, so nothing can stay "new" forever.
    expect((await reconcile(configLoad, deps())).writes).toEqual([]);
  });

  test('finding 3: the budget holds at the limit, with the longest values every field allows', async () => {
    const { issue, deps } = setup();
    let body = exampleBody;
    for (const label of ['Community', 'Contact', 'Container image', 'Where the data comes from', 'About the workload']) body = withField(body, label, `${'@everyone <b>x</b> '.repeat(3000)}`);
    issue.issue.body = body;
    await reconcile(configLoad, deps());
    expect(issue.statusComment()?.body.length).toBeLessThan(STATUS_COMMENT_BUDGET);
    expect(decodeMarker(issue.statusComment()?.body ?? '', seal)).not.toBeNull();
  });

  test('finding 7: a command line holding marker-like text gets no reply to delete, and no comment is ever deleted', async () => {
    const { issue, deps, tick } = setup();
    await reconcile(configLoad, deps());
    issue.addUserComment('mallory', '/approve <!-- workshop-readiness:state {"v":2} -->');
    const first = await reconcile(configLoad, deps());
    tick(5);
    const again = await reconcile(configLoad, deps());
    expect([...first.writes, ...again.writes].filter((w) => w.kind === 'delete-comment')).toEqual([]);
    expect(issue.comments.filter((c) => c.byThisApp)).toHaveLength(1);
  });

  test('finding 7: an app reply that quotes marker-like text is not a status comment (only a body ending with the marker is)', () => {
    const at = '2027-02-01T15:00:00Z';
    const status = { id: 1, author: 'workshop-readiness[bot]', authorIsBot: true, byThisApp: true, body: `report\n${encodeMarker(EMPTY_STATE, seal)}`, createdAt: at, updatedAt: at };
    const reply = { ...status, id: 2, body: `@mallory\n\n- \`/approve\` was not applied: "/approve <!-- workshop-readiness:state {} -->" is not a form\n\n${replyMarker(9)}` };
    expect(statusComments([reply, status]).map((c) => c.id)).toEqual([1]);
  });

  test('finding 9: replies per person are limited per hour; reactions still acknowledge', async () => {
    const { issue, deps, tick } = setup();
    await reconcile(configLoad, deps());
    for (let i = 0; i < 8; i++) {
      issue.addUserComment('mallory', '/help');
      tick(1);
      await reconcile(configLoad, deps());
    }
    const replies = issue.comments.filter((c) => c.byThisApp && repliedTo(c.body) !== null);
    expect(replies).toHaveLength(5);
    expect(issue.reactions.filter((r) => r.reaction === '+1')).toHaveLength(8);
    tick(61);
    issue.addUserComment('mallory', '/help');
    await reconcile(configLoad, deps());
    expect(issue.comments.filter((c) => c.byThisApp && repliedTo(c.body) !== null)).toHaveLength(6);
  });

  test('finding 9: comments already handled are not read for commands again: no permission look-ups for them', async () => {
    const { issue, deps } = setup();
    await reconcile(configLoad, deps());
    issue.addUserComment('mallory', '/recompute');
    await reconcile(configLoad, deps());
    const marker = decodeMarker(issue.statusComment()?.body ?? '', seal);
    expect(marker?.commands.handled).toBe(issue.comments.at(-1)?.id);
    const permissionLookups: string[] = [];
    const port = Object.assign(Object.create(Object.getPrototypeOf(issue)), issue, {
      permissionOf: async (login: string) => (permissionLookups.push(login), 'read' as const),
    });
    await reconcile(configLoad, deps({ issues: port }));
    expect(permissionLookups).toEqual([]);
  });

  test('finding 9: /recompute by anyone re-checks, but only the hub team\'s re-reads the infra PR', async () => {
    const { issue, deps, tick } = setup();
    const infra = new MemoryInfraRepo('example-org/infrastructure', new URL('../../examples/infra-repo', import.meta.url).pathname);
    let prReads = 0;
    const findPullRequest = infra.findPullRequest.bind(infra);
    infra.findPullRequest = async (branch: string) => (prReads++, findPullRequest(branch));
    const run = () => reconcile(configLoad, deps({ infraRepo: async () => infra, repo: 'example-org/infrastructure', markerKey: LOCAL_MARKER_KEY }));
    await run();
    tick(5);
    issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-42');
    issue.addUserComment('bob', '/approve');
    expect((await run()).stage).toBe('go');
    expect(infra.pulls).toHaveLength(1);
    const before = prReads;
    issue.addUserComment('mallory', '/recompute');
    await run();
    expect(prReads).toBe(before);
    issue.addUserComment('alice', '/recompute');
    await run();
    expect(prReads).toBe(before + 1);
  });
});
