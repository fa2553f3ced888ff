import { readFileSync } from 'node:fs';
import { MemoryDashboard } from '../../src/dashboard/port.js';
import { MemoryIssue } from '../../src/github/memory.js';
import { MemoryInfraRepo } from '../../src/github/memory-infra.js';
import { noticeKey } from '../../src/workshop/notices.js';
import { silentLogger } from '../../src/pipeline/ports.js';
import { reconcile, type Adapters, type ReconcileDeps, type ReconcileResult } from '../../src/pipeline/reconcile.js';
import { sweepRepository } from '../../src/pipeline/sweep.js';
import { decodeMarker, LOCAL_MARKER_KEY } from '../../src/workshop/marker.js';
import { exampleConfig } from '../support/config.js';

/**
 * The whole life of the bundled example through the real reconcile, with the in-memory GitHub and
 * infra repository, the clock walked from 30 days before the event to 3 days after it. The same table
 * runs under three ways of being triggered; every step must look the same under all three.
 */

const example = (file: string) => new URL(`../../examples/${file}`, import.meta.url);
const TFVARS = 'terraform/gcp/projects/demo-cluster.tfvars';
const VALUES = 'config/clusters/demo-cluster/workshop.values.yaml';
const original = { [TFVARS]: readFileSync(example(`infra-repo/${TFVARS}`), 'utf8'), [VALUES]: readFileSync(example(`infra-repo/${VALUES}`), 'utf8') };
const fullBody = readFileSync(example('issues/workshop.md'), 'utf8');
const withAttendees = (text: string) => fullBody.replace('about 60-80', text);
const configLoad = { kind: 'ok' as const, config: exampleConfig() };
const REPO = 'example-org/infrastructure';

/** Node figures the cluster reports (n2-highmem-4) and how many pool nodes are Ready at each moment. */
const node = { allocatableCpu: 3.92, allocatableMemory: 25_000_000_000, daemonsetCpu: 0.443, daemonsetMemory: 624_951_296, daemonsetPods: 9 };

class World {
  now = '2027-02-08T15:00:00Z';
  readyNodes = 0;
  unreachable = false;
  issue = new MemoryIssue(
    { number: 17, title: '[Workshop] Example University – March 10-12', body: withAttendees('_No response_'), author: 'community-rep', state: 'open' },
    { now: () => this.now, permissions: { alice: 'write', bob: 'admin' } },
    ['workshop-request'],
  );
  infra = new MemoryInfraRepo(REPO, example('infra-repo').pathname, 'main');
  dashboard = new MemoryDashboard();
  runs = 0;

  adapters(): Adapters {
    return {
      infraRepo: async () => this.infra,
      hasCluster: () => true,
      observe: async () => {
        if (this.unreachable) throw new Error('connect ETIMEDOUT 10.0.0.1:443');
        return { ...node, readyNodes: this.readyNodes };
      },
      newRunId: () => `run-${++this.runs}`,
    };
  }

  deps(extra: Partial<ReconcileDeps> = {}): ReconcileDeps {
    return { issues: this.issue, clock: { now: () => new Date(this.now) }, log: silentLogger, repo: REPO, ...this.adapters(), ...extra };
  }

  /** The cluster side of a `/loadtest`: the run passes and reports back through a reconcile, as the app does. */
  async runLoadTest(run: ReconcileResult['loadTestToStart']) {
    if (!run) return;
    await reconcile(configLoad, this.deps({ loadTestUpdate: { runId: run.spec.runId, status: 'passed', summary: `${run.spec.replicas} placeholder pods: all running after 240 s; nodes 0→6`, finishedAt: this.now } }));
  }

  async webhook(extra: Partial<ReconcileDeps> = {}) {
    const result = await reconcile(configLoad, this.deps(extra));
    await this.runLoadTest(result.loadTestToStart);
  }

  /** Moves the clock to `iso`, lets `act` happen there, then sweeps. */
  async sweepAt(iso: string, act?: () => unknown) {
    this.now = iso;
    await act?.();
    await this.sweep();
  }

  async sweep() {
    const started: Array<ReconcileResult['loadTestToStart']> = [];
    const report = await sweepRepository({
      configLoad,
      listOpenWorkshopIssues: async () => (this.issue.issue.state === 'open' ? [{ number: 17, title: this.issue.issue.title }] : []),
      listClosedUnfinishedIssues: async (go, done) => (this.issue.issue.state === 'closed' && this.issue.labels.includes(go) && !this.issue.labels.includes(done) ? [{ number: 17, title: '' }] : []),
      issuePort: () => this.issue,
      dashboard: this.dashboard,
      clock: { now: () => new Date(this.now) },
      log: silentLogger,
      repo: REPO,
      adapters: this.adapters(),
      startLoadTest: (_number, run) => started.push(run),
    });
    expect(report.failed).toBe(0);
    for (const run of started) await this.runLoadTest(run);
  }
}

/** How events reach the app: what runs for a change on the issue, for a PR event, and for time passing. */
type Triggers = { name: string; issue: (w: World) => Promise<void>; pull: (w: World) => Promise<void>; tick: (w: World) => Promise<void> };
const TRIGGERS: Triggers[] = [
  // Every moment reconciled by a webhook delivery (a PR event re-reads the infra PRs, as app.ts does).
  { name: 'webhooks', issue: (w) => w.webhook(), pull: (w) => w.webhook({ refreshInfra: true }), tick: (w) => w.webhook() },
  // No webhook arrives at all: the sweep alone carries the request through its life.
  { name: 'sweeps', issue: (w) => w.sweep(), pull: (w) => w.sweep(), tick: (w) => w.sweep() },
  // Issue webhooks and sweeps, but every pull_request delivery is lost.
  { name: 'pull_request deliveries dropped', issue: (w) => w.webhook(), pull: async () => undefined, tick: (w) => w.sweep() },
];

interface Step {
  at: string;
  what: string;
  act?: (w: World) => void;
  /** Which path the app hears the step through. */
  via: 'issue' | 'pull' | 'tick';
  stage: string;
  labels: string[];
  /** Notices posted so far (each once). */
  notices: string[];
  /** Infra PRs so far: `number:state` (merged PRs as `merged`). */
  pulls: string[];
  comment?: RegExp[];
  notInComment?: RegExp[];
  /** What the dashboard says is next for the workshop, where a sweep wrote it. */
  dashboard?: string;
  waitingOnEngineers?: boolean;
  /** Infra-repository reads of a converged round (0 unless a PR's state decides something now). */
  reads?: number;
  check?: (w: World) => void;
}

const GO = ['readiness: go', 'workshop-request'];
const R = 'https://github.com/example-org/infrastructure/pull/';

const STEPS: Step[] = [
  { at: '2027-02-08T15:00:00Z', what: 'opened 30 days ahead without the attendees', via: 'issue', stage: 'needs-info', labels: ['readiness: needs-info', 'workshop-request'], notices: [], pulls: [], comment: [/Peak number of simultaneous attendees/] },
  { at: '2027-02-17T16:00:00Z', what: '21 days before: reminder', via: 'tick', stage: 'needs-info', labels: ['readiness: needs-info', 'workshop-request'], notices: ['reminder:21d'], pulls: [] },
  { at: '2027-02-18T16:00:00Z', what: 'a day later: not repeated', via: 'tick', stage: 'needs-info', labels: ['readiness: needs-info', 'workshop-request'], notices: ['reminder:21d'], pulls: [] },
  { at: '2027-02-19T10:00:00Z', what: 'requester adds the attendees', act: (w) => (w.issue.issue.body = fullBody), via: 'issue', stage: 'modeled', labels: ['readiness: modeled', 'workshop-request'], notices: ['reminder:21d'], pulls: [] },
  { at: '2027-02-20T10:00:00Z', what: 'alice: /loadtest (runs and passes)', act: (w) => w.issue.addUserComment('alice', '/loadtest'), via: 'issue', stage: 'load-tested', labels: ['readiness: load-tested', 'workshop-request'], notices: ['reminder:21d'], pulls: [], comment: [/✅ Passed \(automated\)/], notInComment: [/no Kubernetes access/] },
  { at: '2027-02-20T10:15:00Z', what: 'a tick: nothing changes', via: 'tick', stage: 'load-tested', labels: ['readiness: load-tested', 'workshop-request'], notices: ['reminder:21d'], pulls: [] },
  { at: '2027-02-22T10:00:00Z', what: 'bob: /approve → ready PR', act: (w) => w.issue.addUserComment('bob', '/approve'), via: 'issue', stage: 'go', labels: GO, notices: ['reminder:21d'], pulls: ['101:open'] },
  { at: '2027-03-01T10:00:00Z', what: 'a tick a week later, the cluster unreachable: the figures last read hold', act: (w) => (w.unreachable = true), via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d'], pulls: ['101:open'], comment: [/read from the cluster's nodes/], notInComment: [/no longer counts/] },
  { at: '2027-03-09T15:00:00Z', what: 'a day before merge-by: merge reminder', act: (w) => (w.unreachable = false), via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101'], pulls: ['101:open'], reads: 1 },
  { at: '2027-03-09T20:00:00Z', what: 'ready PR merged', act: (w) => { w.infra.merge(101); }, via: 'pull', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101'], pulls: ['101:merged'], comment: [/open, waiting for review|merged ✅/] },
  { at: '2027-03-10T14:30:00Z', what: 'day 1, in the pre-warm lead: only 3 warm nodes Ready → pre-flight', act: (w) => (w.readyNodes = 3), via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10'], pulls: ['101:merged'], comment: [/merged ✅/] },
  { at: '2027-03-10T15:00:00Z', what: 'day 1 starts', act: (w) => (w.readyNodes = 12), via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10'], pulls: ['101:merged'], notInComment: [/in the past/, /no longer counts/] },
  { at: '2027-03-10T19:00:00Z', what: 'day 1, midday', via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10'], pulls: ['101:merged'], comment: [/The event is under way/], notInComment: [/short-notice/] },
  { at: '2027-03-11T14:30:00Z', what: 'day 2, pre-warm lead: all warm', via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10'], pulls: ['101:merged'] },
  { at: '2027-03-11T17:00:00Z', what: 'day 2: the requester edits the attendees', act: (w) => (w.issue.issue.body = withAttendees('120')), via: 'issue', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10'], pulls: ['101:merged'], comment: [/changed after the event began \(attendees 80 → 120\)/], notInComment: [/no longer counts/] },
  {
    at: '2027-03-11T18:00:00Z', what: 'day 2: alice tries /loadtest → refused, nothing started', act: (w) => w.issue.addUserComment('alice', '/loadtest'), via: 'issue', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10'], pulls: ['101:merged'],
    check: (w) => {
      expect(w.runs).toBe(1);
      const replies = w.issue.comments.filter((c) => c.byThisApp && c.body.includes('reply-to'));
      expect(replies.map((c) => c.body.split('\n')[2])).toEqual(['- `/loadtest` was not applied: the event is running: placeholder pods now would take nodes from attendees. Record a result by hand with /loadtest pass or /loadtest fail and the evidence, if needed.']);
    },
  },
  { at: '2027-03-11T23:30:00Z', what: 'day 2 ended', via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10'], pulls: ['101:merged'], comment: [/changed after the event began \(attendees 80 → 120\)/] },
  { at: '2027-03-12T14:30:00Z', what: 'day 3, pre-warm lead: all warm', via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10'], pulls: ['101:merged'] },
  { at: '2027-03-12T16:00:00Z', what: 'day 3', via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10'], pulls: ['101:merged'] },
  { at: '2027-03-12T22:59:00Z', what: 'a minute before the end', via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10'], pulls: ['101:merged'] },
  { at: '2027-03-12T23:15:00Z', what: 'after the event: scale-down PR and closing summary', via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10', 'closing-summary'], pulls: ['101:merged', '102:open'], comment: [/Scale-down PR: .*pull\/102 \(open/, /The event is over/], dashboard: 'merge the scale-down PR', waitingOnEngineers: true, reads: 1 },
  { at: '2027-03-13T09:00:00Z', what: 'a tick the next morning: nothing new', via: 'tick', stage: 'go', labels: GO, notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10', 'closing-summary'], pulls: ['101:merged', '102:open'], reads: 1 },
  { at: '2027-03-13T12:00:00Z', what: 'scale-down merged: done', act: (w) => { w.infra.merge(102); }, via: 'pull', stage: 'go', labels: ['readiness: done', ...GO], notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10', 'closing-summary'], pulls: ['101:merged', '102:merged'], dashboard: 'done: close the issue' },
  { at: '2027-03-13T12:15:00Z', what: 'a tick: nothing new', via: 'tick', stage: 'go', labels: ['readiness: done', ...GO], notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10', 'closing-summary'], pulls: ['101:merged', '102:merged'], comment: [/nothing is held for it any more/] },
  { at: '2027-03-14T09:00:00Z', what: 'issue closed', act: (w) => (w.issue.issue.state = 'closed'), via: 'issue', stage: 'go', labels: ['readiness: done', ...GO], notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10', 'closing-summary'], pulls: ['101:merged', '102:merged'] },
  { at: '2027-03-15T15:00:00Z', what: '3 days after: nothing', via: 'tick', stage: 'go', labels: ['readiness: done', ...GO], notices: ['reminder:21d', 'merge-ready-pr:101', 'preflight:2027-03-10', 'closing-summary'], pulls: ['101:merged', '102:merged'] },
];

/** What the issue and the infra repository show now, in the table's terms. */
function observe(w: World) {
  const ours = w.issue.comments.filter((c) => c.byThisApp);
  const status = ours.filter((c) => c.body.includes('workshop-readiness:state'));
  const marker = decodeMarker(status[0]?.body ?? '', { key: LOCAL_MARKER_KEY, scope: `${REPO}#17` });
  return {
    stage: marker?.stage,
    labels: [...w.issue.labels].sort(),
    statusComments: status.length,
    notices: ours.map((c) => noticeKey(c.body)).filter((k): k is string => k !== null),
    pulls: w.infra.pulls.map((p) => `${p.number}:${p.merged ? 'merged' : p.state}`),
    comment: status[0]?.body ?? '',
  };
}

describe.each(TRIGGERS)('a workshop\'s whole life, triggered by $name', (triggers) => {
  const world = new World();

  test.each(STEPS.map((s, i) => ({ ...s, i })))('$i $at $what', async (step) => {
    world.now = step.at;
    step.act?.(world);
    await triggers[step.via](world);
    // The next round (a redelivery, or the next sweep) converges: a lost delivery is made up for here, ...
    await triggers.tick(world);
    // ... and one more round changes nothing, reading the infra repository at most once (a PR's state,
    // only in the phases where it decides something).
    const writesBefore = world.issue.writes + world.infra.writes;
    const readsBefore = world.infra.reads;
    await triggers.tick(world);
    expect(world.issue.writes + world.infra.writes).toBe(writesBefore);
    expect(world.infra.reads - readsBefore).toBe(step.reads ?? 0);

    const seen = observe(world);
    expect({ stage: seen.stage, labels: seen.labels, statusComments: seen.statusComments, notices: seen.notices, pulls: seen.pulls }).toEqual({
      stage: step.stage,
      labels: [...step.labels].sort(),
      statusComments: 1,
      notices: step.notices,
      pulls: step.pulls,
    });
    for (const pattern of step.comment ?? []) expect(seen.comment).toMatch(pattern);
    for (const pattern of step.notInComment ?? []) expect(seen.comment).not.toMatch(pattern);
    step.check?.(world);
    if (step.dashboard && triggers.name !== 'webhooks') {
      const body = world.dashboard.issue?.body ?? '';
      expect(body).toContain(`"next":"${step.dashboard}"`);
      expect(body.includes('**The hub engineers** (1)')).toBe(step.waitingOnEngineers ?? false);
    }
  });

  test('the ready PR warmed the pool; the scale-down put back the exact bytes', async () => {
    const [ready, down] = world.infra.pulls;
    expect(ready?.branch).toBe('workshop-readiness/issue-17');
    expect(world.infra.branches.get('workshop-readiness/issue-17')?.get(TFVARS)).toMatch(/"n2-highmem-4"\s*:\s*\{[^}]*min\s*:\s*[1-9]/);
    expect(down?.branch).toBe('workshop-readiness/issue-17-scale-down');
    expect(down?.body).toContain('Restores the values recorded before ready mode');
    expect(world.infra.baseFile(TFVARS)).toBe(original[TFVARS]);
    expect(world.infra.baseFile(VALUES)).toBe(original[VALUES]);
  });
});

/** The full request carried by sweeps alone to approval (load test recorded by hand): the ready PR 101 is open. */
async function approvedBySweeps() {
  const w = new World();
  w.issue.issue.body = fullBody;
  const at = (iso: string, act?: () => unknown) => w.sweepAt(iso, act);
  await at('2027-02-08T15:00:00Z');
  await at('2027-02-09T10:00:00Z', () => w.issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-1'));
  await at('2027-02-10T10:00:00Z', () => w.issue.addUserComment('bob', '/approve'));
  expect(w.infra.pulls.map((p) => `${p.number}:${p.state}`)).toEqual(['101:open']);
  return { w, at };
}

describe('a request re-planned before its event and closed during it', () => {
  test('the second ready PR starts from the warm files, yet the scale-down on the closed issue restores the original bytes', async () => {
    const { w, at } = await approvedBySweeps();
    await at('2027-03-01T10:00:00Z', () => w.infra.merge(101));
    expect(w.issue.labels).toContain('readiness: go');

    // Before the event an edit re-opens review: the approval lapses, the merged PR is kept.
    await at('2027-03-05T10:00:00Z', () => (w.issue.issue.body = withAttendees('83')));
    expect(w.issue.labels).toContain('readiness: modeled');
    expect(w.issue.statusComment()?.body).toContain('no longer counts because the request changed (attendees 80 → 83)');
    expect(w.infra.pulls).toHaveLength(1);

    await at('2027-03-06T10:00:00Z', () => w.issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-2'));
    await at('2027-03-06T11:00:00Z', () => w.issue.addUserComment('bob', '/approve'));
    expect(w.infra.pulls.map((p) => `${p.number}:${p.state}`)).toEqual(['101:closed', '102:open']);
    // The second PR starts from the warm files (min of the first PR → …), not the original ones (min 0).
    expect(w.infra.pulls[1]?.body).toMatch(/min [1-9]\d* → \d+/);
    await at('2027-03-08T10:00:00Z', () => w.infra.merge(102));

    // Closed on day 2: from now on the app writes nothing on the issue, and no command is read.
    await at('2027-03-11T16:00:00Z', () => (w.issue.issue.state = 'closed'));
    const frozen = { comments: w.issue.comments.map((c) => c.body), labels: [...w.issue.labels], writes: w.issue.writes };
    await at('2027-03-12T10:00:00Z', () => w.issue.addUserComment('bob', '/hold'));

    await at('2027-03-13T10:00:00Z');
    expect(w.infra.pulls.map((p) => `${p.number}:${p.merged ? 'merged' : p.state}`)).toEqual(['101:merged', '102:merged', '103:open']);
    expect(w.infra.pulls[2]?.branch).toBe('workshop-readiness/issue-17-scale-down');
    await at('2027-03-13T11:00:00Z');
    expect(w.infra.pulls).toHaveLength(3); // found again by its branch, never opened twice
    expect({ comments: w.issue.comments.map((c) => c.body).filter((b) => !b.startsWith('/hold')), labels: w.issue.labels, writes: w.issue.writes }).toEqual(frozen);

    await at('2027-03-14T10:00:00Z', () => w.infra.merge(103));
    expect(w.infra.baseFile(TFVARS)).toBe(original[TFVARS]);
    expect(w.infra.baseFile(VALUES)).toBe(original[VALUES]);
    expect(w.issue.labels).toContain('readiness: done'); // the one write on a closed issue: the sweep stops here
    expect(w.issue.writes).toBe(frozen.writes + 1);
    const infraWrites = w.infra.writes;
    await at('2027-03-15T10:00:00Z');
    expect([w.issue.writes, w.infra.writes]).toEqual([frozen.writes + 1, infraWrites]);
  });
});

describe('a pool scaled down by hand before the app', () => {
  test('no scale-down PR, said once; the request is done and the infra repository is not read again', async () => {
    const w = new World();
    w.issue.issue.body = fullBody;
    const at = (iso: string, act?: () => unknown) => w.sweepAt(iso, act);
    await at('2027-02-08T14:00:00Z'); // opened: the status comment shows the plan the commands bind to
    await at('2027-02-08T15:00:00Z', () => void w.issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-1'));
    await at('2027-02-10T10:00:00Z', () => void w.issue.addUserComment('bob', '/approve'));
    await at('2027-03-01T10:00:00Z', () => void w.infra.merge(101));
    // Right after the event an engineer puts the original files back in a PR of their own.
    await at('2027-03-12T23:01:00Z', async () => {
      await w.infra.commitFiles('manual-scale-down', 'main', ([TFVARS, VALUES] as const).map((path) => ({ path, content: original[path] })));
      w.infra.merge((await w.infra.openPullRequest({ branch: 'manual-scale-down', base: 'main', title: 'scale down', body: '' })).number);
    });
    expect(w.infra.pulls.filter((p) => p.branch.startsWith('workshop-readiness/'))).toHaveLength(1);
    expect(w.issue.labels).toContain('readiness: done');
    expect(w.issue.statusComment()?.body).toContain('No scale-down PR needed: the infrastructure files already hold the values from before ready mode.');
    expect(w.issue.comments.find((c) => noticeKey(c.body) === 'closing-summary')?.body).toContain('Scale-down PR: not needed: the files were already back');
    const reads = w.infra.reads;
    const writes = w.issue.writes;
    await at('2027-03-13T10:00:00Z');
    expect([w.infra.reads - reads, w.issue.writes - writes]).toEqual([0, 0]);
  });
});

const seal = { key: LOCAL_MARKER_KEY, scope: `${REPO}#17` };
/** The ready-mode record in the issue's (verified) marker. */
const readyOf = (w: World) => decodeMarker(w.issue.statusComment()?.body ?? '', seal)?.pullRequests.find((r) => r.phase === 'ready') ?? null;

describe('the issue\'s marker lost after the ready PR was merged', () => {
  const loseByDeleting = (w: World) => void w.issue.deleteComment(w.issue.statusComment()?.id ?? 0);
  // Someone with write access edits the hidden marker: it no longer verifies.
  const loseByEditing = (w: World) => {
    const status = w.issue.statusComment();
    if (status) status.body = status.body.replace('"stage":"go"', '"stage":"modeled"');
  };

  /** Approved and its ready PR merged well ahead; then the marker is lost at `lostAt` by `lose`. */
  async function mergedThenLost(lostAt: string, lose: (w: World) => void, prepare?: (w: World) => void) {
    const { w, at } = await approvedBySweeps();
    await at('2027-03-01T10:00:00Z', () => (prepare ? prepare(w) : void w.infra.merge(101)));
    expect(readyOf(w)).toMatchObject({ number: 101 });
    await at(lostAt, () => lose(w));
    return { w, at };
  }

  test.each([
    ['the status comment deleted a week before the event', '2027-03-02T10:00:00Z', loseByDeleting],
    ['the status comment deleted during the event', '2027-03-11T12:00:00Z', loseByDeleting],
    ['the marker edited by a user a week before the event', '2027-03-02T10:00:00Z', loseByEditing],
    ['the marker edited by a user during the event', '2027-03-11T12:00:00Z', loseByEditing],
  ])('%s: after the event exactly one scale-down PR, restoring the exact original bytes', async (_name, lostAt, lose) => {
    const { w, at } = await mergedThenLost(lostAt, lose);
    expect(decodeMarker(w.issue.statusComment()?.body ?? '', seal)?.commands.approval).toBeNull(); // no grant re-bound
    // Before the merge-by time the PR is not looked up on every round.
    if (lostAt < '2027-03-08') {
      const reads = w.infra.reads;
      await at('2027-03-05T10:00:00Z');
      expect(w.infra.reads).toBe(reads);
    }
    await at('2027-03-12T23:15:00Z');
    expect(w.infra.pulls.map((p) => `${p.number}:${p.merged ? 'merged' : p.state}`)).toEqual(['101:merged', '102:open']);
    expect(w.infra.pulls[1]?.branch).toBe('workshop-readiness/issue-17-scale-down');
    expect(readyOf(w)).toMatchObject({ number: 101, state: 'merged', recovered: true });
    expect(w.issue.statusComment()?.body).toContain('the ready-mode record was recovered from the ready-mode PR on GitHub');
    await at('2027-03-13T09:00:00Z');
    expect(w.infra.pulls).toHaveLength(2);
    await at('2027-03-13T12:00:00Z', () => void w.infra.merge(102));
    expect(w.infra.baseFile(TFVARS)).toBe(original[TFVARS]);
    expect(w.infra.baseFile(VALUES)).toBe(original[VALUES]);
    expect(w.issue.labels).toContain('readiness: done');
  });

  test('lost, then the issue closed during the event: the scale-down still comes from the merged PR', async () => {
    const { w, at } = await mergedThenLost('2027-03-11T12:00:00Z', (x) => {
      loseByDeleting(x);
      x.issue.issue.state = 'closed';
    });
    await at('2027-03-12T23:15:00Z');
    await at('2027-03-13T09:00:00Z');
    expect(w.infra.pulls.map((p) => `${p.number}:${p.merged ? 'merged' : p.state}`)).toEqual(['101:merged', '102:open']);
    expect(w.issue.labels).not.toContain('readiness: done');
    await at('2027-03-13T12:00:00Z', () => void w.infra.merge(102));
    expect(w.infra.baseFile(TFVARS)).toBe(original[TFVARS]);
    expect(w.issue.labels).toContain('readiness: done');
  });

  test('the PR on the ready branch was opened by someone else: nothing is scaled down, and the comment says why', async () => {
    const { w, at } = await mergedThenLost('2027-03-11T12:00:00Z', loseByDeleting, (x) => {
      // Not the app's: same branch and a copied marker, but another author.
      const pr = x.infra.pulls[0];
      if (pr) pr.author = { login: 'mallory', type: 'User' };
      x.infra.merge(101);
    });
    await at('2027-03-12T23:15:00Z');
    await at('2027-03-13T09:00:00Z');
    expect(w.infra.pulls).toHaveLength(1);
    expect(readyOf(w)).toBeNull();
    expect(w.issue.statusComment()?.body).toContain('was not opened by this app for this request, so the app does not trust it and scales nothing down');
  });

  test('the app\'s ready PR was closed without merging: nothing is scaled down, and the comment says so', async () => {
    const { w, at } = await mergedThenLost('2027-03-11T12:00:00Z', loseByDeleting, (x) => x.infra.close(101));
    await at('2027-03-12T23:15:00Z');
    expect(w.infra.pulls).toHaveLength(1);
    expect(readyOf(w)).toMatchObject({ number: 101, state: 'closed', recovered: true });
    expect(w.issue.statusComment()?.body).toContain('was not merged: nothing to scale down');
  });
});

describe('the closing summary\'s cost', () => {
  test('counts the warm nodes ready mode held, in the same words as the status comment', async () => {
    const { w, at } = await approvedBySweeps();
    await at('2027-03-01T10:00:00Z', () => void w.infra.merge(101));
    const held = /\| Ready mode cost \| (.*) \|/.exec(w.issue.statusComment()?.body ?? '')?.[1];
    const event = /\| Node cost of the workshop \| \\\$([\d.]+)/.exec(w.issue.statusComment()?.body ?? '')?.[1];
    expect(held).toMatch(/^\\\$\d+\.\d\d = \d+ warm nodes/);
    await at('2027-03-12T23:15:00Z');
    const summary = w.issue.comments.find((c) => noticeKey(c.body) === 'closing-summary')?.body ?? '';
    expect(summary).toContain(`- Ready mode (warm nodes held): ${held}.`);
    const heldUSD = Number(/^\\\$([\d.]+)/.exec(held ?? '')?.[1]);
    const total = (Number(event) + heldUSD).toFixed(2);
    expect(heldUSD).toBeGreaterThan(0);
    expect(summary).toContain(`about \\$${total} of nodes (\\$${event} during the event + \\$${heldUSD.toFixed(2)} held warm by ready mode)`);
  });
});

describe('closed issues the sweep stops looking at', () => {
  test.each([
    ['approved, but the app never opened a ready PR (infra repository unreachable)', 'go', ['readiness: done', ...GO]],
    ['never approved', 'modeled', ['readiness: modeled', 'workshop-request']],
  ])('%s', async (_name, stage, labels) => {
    const w = new World();
    w.issue.issue.body = fullBody;
    const deps = (extra: Partial<ReconcileDeps> = {}) => w.deps({ infraRepo: async () => null, ...extra });
    await reconcile(configLoad, deps()); // the status comment shows the plan first
    w.issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-1');
    if (stage === 'go') w.issue.addUserComment('bob', '/approve');
    await reconcile(configLoad, deps());
    expect(decodeMarker(w.issue.statusComment()?.body ?? '', { key: LOCAL_MARKER_KEY, scope: `${REPO}#17` })?.stage).toBe(stage === 'go' ? 'go' : 'load-tested');
    w.issue.issue.state = 'closed';
    if (stage !== 'go') w.issue.labels = ['readiness: modeled', 'workshop-request'];
    const comments = w.issue.comments.map((c) => c.body);
    await w.sweep();
    await w.sweep();
    expect([...w.issue.labels].sort()).toEqual([...labels].sort());
    expect(w.issue.comments.map((c) => c.body)).toEqual(comments);
    expect(w.infra.pulls).toEqual([]);
  });
});

describe('a PR on the ready branch that this app did not open, through the real reconcile', () => {
  /** A world a day before approval, where mallory has opened a PR on the app's ready branch with `body`. */
  async function withStrangersPr(body: string, merged: boolean) {
    const w = new World();
    w.issue.issue.body = fullBody;
    const at = (iso: string, act?: () => unknown) => w.sweepAt(iso, act);
    await at('2027-02-08T15:00:00Z');
    await at('2027-02-09T10:00:00Z', () => w.issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/run-1'));
    const theirs = await w.infra.openPullRequest({ branch: 'workshop-readiness/issue-17', base: 'main', title: 'Ready mode for workshop #17', body });
    const pr = w.infra.pulls.find((p) => p.number === theirs.number);
    if (pr) pr.author = { login: 'mallory', type: 'User' };
    if (merged) w.infra.merge(theirs.number);
    return { w, at, theirs };
  }

  test('merged with the marker copied from the app\'s own PR: ready mode is not recorded as applied; the app opens its own PR', async () => {
    const { w: original } = await approvedBySweeps();
    const copied = original.infra.pulls[0]?.body ?? '';
    expect(copied).toContain('<!-- workshop-readiness:pr ');
    const { w, at, theirs } = await withStrangersPr(copied, true);
    await at('2027-02-10T10:00:00Z', () => w.issue.addUserComment('bob', '/approve'));
    expect(w.infra.pulls.map((p) => `${p.number}:${p.author.login}:${p.merged ? 'merged' : p.state}`)).toEqual([`${theirs.number}:mallory:merged`, `${theirs.number + 1}:workshop-readiness[bot]:open`]);
    expect(readyOf(w)).toMatchObject({ number: theirs.number + 1, state: 'open' });
  });

  test('open: never updated, the comment says why; once it is closed the app opens its own', async () => {
    const { w, at, theirs } = await withStrangersPr('Warming the pool by hand.', false);
    await at('2027-02-10T10:00:00Z', () => w.issue.addUserComment('bob', '/approve'));
    expect(w.infra.pulls.map((p) => `${p.number}:${p.state}:${p.body}`)).toEqual([`${theirs.number}:open:Warming the pool by hand.`]);
    expect(w.infra.branches.has('workshop-readiness/issue-17')).toBe(false);
    expect(readyOf(w)).toBeNull();
    expect(w.issue.statusComment()?.body).toContain(`⚠️ The open PR ${theirs.url} on this request's branch was opened by \`mallory\`, not by this app, so the app neither trusts nor updates it`);
    await at('2027-02-11T10:00:00Z', () => w.infra.close(theirs.number));
    expect(w.infra.pulls.map((p) => `${p.number}:${p.author.login}:${p.state}`)).toEqual([`${theirs.number}:mallory:closed`, `${theirs.number + 1}:workshop-readiness[bot]:open`]);
    expect(readyOf(w)).toMatchObject({ number: theirs.number + 1, state: 'open' });
    expect(w.issue.statusComment()?.body).not.toContain('not by this app');
  });
});
