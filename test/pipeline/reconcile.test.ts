import { readFileSync } from 'node:fs';
import { MemoryIssue } from '../../src/github/memory.js';
import { silentLogger } from '../../src/pipeline/ports.js';
import { reconcile, type ReconcileDeps } from '../../src/pipeline/reconcile.js';
import { decodeMarker, LOCAL_MARKER_KEY } from '../../src/workshop/marker.js';
import { exampleConfig } from '../support/config.js';

const seal = { key: LOCAL_MARKER_KEY, scope: 'local#17' };

const body = readFileSync(new URL('../../examples/issues/workshop.md', import.meta.url), 'utf8');
const configLoad = { kind: 'ok' as const, config: exampleConfig() };
const at = (iso: string) => ({ now: () => new Date(iso) });

function setup() {
  let now = '2027-02-01T15:00:00Z';
  const issue = new MemoryIssue({ number: 17, title: '[Workshop] x', body, author: 'community-rep', state: 'open' }, { now: () => now, permissions: { alice: 'write' } }, ['workshop-request']);
  const deps = (extra: Partial<ReconcileDeps> = {}): ReconcileDeps => ({ issues: issue, clock: at(now), log: silentLogger, ...extra });
  return { issue, deps, setNow: (iso: string) => (now = iso) };
}

describe('reconcile with a cluster', () => {
  test('observed node figures replace the formula and the comment says they came from the cluster', async () => {
    const { issue, deps } = setup();
    const observed = { allocatableCpu: 3.92, allocatableMemory: 29_783_904_256, daemonsetCpu: 0.443, daemonsetMemory: 624_951_296, daemonsetPods: 9, readyNodes: 3 };
    const result = await reconcile(configLoad, deps({ observe: async () => observed }));
    expect(result.evaluation?.plan?.node.source).toBe('cluster');
    expect(issue.statusComment()?.body).toContain("read from the cluster's nodes");
  });

  test('an unreachable cluster falls back to formulas without failing the event', async () => {
    const { deps } = setup();
    const result = await reconcile(configLoad, deps({ observe: async () => Promise.reject(new Error('403 forbidden')) }));
    expect(result.stage).toBe('modeled');
    expect(result.evaluation?.plan?.node.source).toBe('config'); // the example config's measured override
  });

  test('/loadtest without cluster access: said in the comment, nothing started', async () => {
    const { issue, deps } = setup();
    await reconcile(configLoad, deps()); // the status comment shows the plan first
    issue.addUserComment('alice', '/loadtest');
    const result = await reconcile(configLoad, deps());
    expect(result.loadTestToStart).toBeNull();
    expect(issue.statusComment()?.body).toContain('has no Kubernetes access to cluster **demo-cluster**');
  });

  test('/loadtest → run recorded as running, progress shown, a pass bound to the plan moves to load-tested', async () => {
    const { issue, deps, setNow } = setup();
    await reconcile(configLoad, deps()); // the status comment shows the plan first
    issue.addUserComment('alice', '/loadtest 50%');
    const started = await reconcile(configLoad, deps({ hasCluster: () => true, newRunId: () => 'run-1' }));
    expect(started.loadTestToStart?.spec).toMatchObject({ runId: 'run-1', replicas: 48, fraction: 0.5, cpu: 0.5, memoryBytes: 4 * 1024 ** 3, namespace: 'workshop-readiness' }); // ⌈80 × 1.2 × 0.5⌉
    expect(decodeMarker(issue.statusComment()?.body ?? '', seal)?.loadTest).toMatchObject({ runId: 'run-1', status: 'running' });
    expect(issue.reactions.map((r) => r.reaction)).toEqual(['+1']);

    // Redelivery of the same comment event does not start a second run.
    expect((await reconcile(configLoad, deps({ hasCluster: () => true, newRunId: () => 'run-2' }))).loadTestToStart).toBeNull();

    await reconcile(configLoad, deps({ loadTestUpdate: { runId: 'run-1', status: 'running', summary: 'seats running 30/48 · nodes 0→5 · 2m10s' } }));
    expect(issue.statusComment()?.body).toContain('seats running 30/48 · nodes 0→5 · 2m10s');

    setNow('2027-02-01T15:06:00Z');
    const done = await reconcile(configLoad, deps({ loadTestUpdate: { runId: 'run-1', status: 'passed', summary: '48 placeholder pods (50% of the planned seats): all running after 301 s; nodes 0→8', finishedAt: '2027-02-01T15:06:00Z' } }));
    expect(done.stage).toBe('load-tested');
    expect(issue.labels).toContain('readiness: load-tested');
    expect(issue.statusComment()?.body).toContain('✅ Passed (automated): 48 placeholder pods');
  });

  test('a run lost in a restart is failed after its budget, and says so', async () => {
    const { issue, deps, setNow } = setup();
    await reconcile(configLoad, deps()); // the status comment shows the plan first
    issue.addUserComment('alice', '/loadtest');
    await reconcile(configLoad, deps({ hasCluster: () => true, newRunId: () => 'run-9' }));
    setNow('2027-02-01T16:00:00Z'); // 15 min budget + 10 min grace long passed
    const result = await reconcile(configLoad, deps());
    expect(result.stage).toBe('modeled');
    expect(decodeMarker(issue.statusComment()?.body ?? '', seal)?.loadTest).toMatchObject({ status: 'failed' });
    expect(issue.statusComment()?.body).toContain('interrupted');
  });
});
