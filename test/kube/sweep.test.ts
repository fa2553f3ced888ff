import { jest } from '@jest/globals';
import { createClusterPort } from '../../src/kube/cluster.js';
import { describeReap } from '../../src/kube/sweep.js';
import { api, fixture, JSON_HEADERS, NAMESPACE, PODS_PATH, status, T0, testKubeConfig } from './support.js';

type Pod = { metadata: Record<string, any>; spec: Record<string, any>; status?: Record<string, any> };
const leftovers = fixture<{ items: Pod[] }>('leftover-pods.json');
const byName = (name: string) => leftovers.items.find((pod) => pod.metadata.name === name)!;
const podList = (items: unknown[]) => ({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '4811990' }, items });
const logger = () => ({ info: jest.fn(), warn: jest.fn(), error: jest.fn() });
const port = (now = T0, log = logger()) => createClusterPort({ kubeConfig: testKubeConfig(), namespace: NAMESPACE, now: () => now, logger: log });
const listPods = (items: unknown[]) => api().get(PODS_PATH).query({ labelSelector: 'workshop-readiness/issue' }).reply(200, podList(items), JSON_HEADERS);
const EXPIRED_RUN = 'workshop-readiness/issue=42,workshop-readiness/run=lt-42-old';
const KEPT = ['wr-57-lt-57-now-0', 'wr-57-lt-57-now-1', 'placeholder-keep'];

// Every request must be one set up here: test/support/nock-lifecycle.ts fails a test on any
// other request, even one the sweeper catches and logs, and on any set-up request never made.
describe('sweepLeftovers: deletes by label and deadline, Pending pods included, then verifies', () => {
  test('at 10:00 deletes the expired run (one Running, one Pending pod) and the expired loose pod; a fresh list shows them gone', async () => {
    // lt-42-old expired at 09:30 (annotation); lt-57-now runs until 10:10; placeholder-by-hand was
    // created at 08:00 with activeDeadlineSeconds 900; placeholder-keep has no deadline at all.
    listPods(leftovers.items);
    api().delete(PODS_PATH).query({ labelSelector: EXPIRED_RUN }).reply(200, podList([]), JSON_HEADERS);
    api().delete(`${PODS_PATH}/placeholder-by-hand`).reply(200, byName('placeholder-by-hand'), JSON_HEADERS);
    listPods(KEPT.map(byName));

    const report = await port().sweepLeftovers();

    expect(report).toEqual({
      namespace: NAMESPACE,
      deleted: [
        { issue: '42', runId: 'lt-42-old', pods: 2, pending: 1 },
        { issue: '12', runId: null, pods: 1, pending: 1 },
      ],
      failures: [],
      kept: 3,
      remaining: 0,
      verified: true,
    });
    expect(describeReap(report)).toBe('deleted 3 expired load-test pods (2 Pending) in namespace workshop-readiness; a fresh list shows none left');
  });

  test('a Pending run that never got a node is deleted by its deadline annotation alone', async () => {
    // activeDeadlineSeconds only counts once a kubelet starts the pod: this pod has none, and only
    // the annotation says it is garbage.
    const pending = structuredClone(byName('wr-42-lt-42-old-1'));
    delete pending.spec.activeDeadlineSeconds;
    listPods([pending]);
    api().delete(PODS_PATH).query({ labelSelector: EXPIRED_RUN }).reply(200, podList([]), JSON_HEADERS);
    listPods([]);
    await expect(port().sweepLeftovers()).resolves.toMatchObject({ deleted: [{ issue: '42', runId: 'lt-42-old', pods: 1, pending: 1 }], verified: true });
  });

  test('a run with a pod that carries no deadline at all is left alone (nothing says it is garbage)', async () => {
    const undated = structuredClone(byName('wr-42-lt-42-old-1'));
    delete undated.metadata.annotations['workshop-readiness/deadline'];
    delete undated.spec.activeDeadlineSeconds;
    listPods([byName('wr-42-lt-42-old-0'), undated]);
    await expect(port().sweepLeftovers()).resolves.toEqual({ namespace: NAMESPACE, deleted: [], failures: [], kept: 2, remaining: 0, verified: true });
  });

  test('nothing expired at 08:10 → no deletion and no second list', async () => {
    listPods(leftovers.items);
    const report = await port(Date.parse('2025-03-01T08:10:00Z')).sweepLeftovers();
    expect(report).toEqual({ namespace: NAMESPACE, deleted: [], failures: [], kept: 6, remaining: 0, verified: true });
    expect(describeReap(report)).toBe('namespace workshop-readiness: no expired load-test pods');
  });

  test('a refused deletion is reported, the rest still goes, and the sweep is not called verified', async () => {
    const log = logger();
    listPods(leftovers.items);
    api()
      .delete(PODS_PATH)
      .query({ labelSelector: EXPIRED_RUN })
      .reply(403, status(403, 'Forbidden', 'pods is forbidden: User "system:serviceaccount:workshop-readiness:workshop-readiness" cannot deletecollection resource "pods"'), JSON_HEADERS);
    api().delete(`${PODS_PATH}/placeholder-by-hand`).reply(200, byName('placeholder-by-hand'), JSON_HEADERS);
    listPods([byName('wr-42-lt-42-old-0'), byName('wr-42-lt-42-old-1'), ...KEPT.map(byName)]);

    const report = await port(T0, log).sweepLeftovers();

    expect(report.deleted).toEqual([{ issue: '12', runId: null, pods: 1, pending: 1 }]);
    expect(report.failures).toEqual([
      'Kubernetes refused deleting pods workshop-readiness/issue=42,workshop-readiness/run=lt-42-old: pods is forbidden: User "system:serviceaccount:workshop-readiness:workshop-readiness" cannot deletecollection resource "pods" (grant it as in deploy/rbac.yaml)',
    ]);
    expect(report).toMatchObject({ remaining: 2, verified: false });
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(describeReap(report)).toMatch(/^deleted 1 expired load-test pod \(1 Pending\) in namespace workshop-readiness; not verified: 2 expired pods still listed; 1 deletion refused: Kubernetes refused/);
  });

  test('accepted deletions are checked: a pod still listed is not called gone; a Terminating one is', async () => {
    listPods([byName('wr-42-lt-42-old-0'), byName('wr-42-lt-42-old-1')]);
    api().delete(PODS_PATH).query({ labelSelector: EXPIRED_RUN }).reply(200, podList([]), JSON_HEADERS);
    const terminating = { ...byName('wr-42-lt-42-old-0'), metadata: { ...byName('wr-42-lt-42-old-0').metadata, deletionTimestamp: '2025-03-01T10:00:01Z' } };
    listPods([terminating, byName('wr-42-lt-42-old-1')]);
    await expect(port().sweepLeftovers()).resolves.toMatchObject({ remaining: 1, verified: false });
  });

  test('a refused list throws a one-line KubeError', async () => {
    api()
      .get(PODS_PATH)
      .query({ labelSelector: 'workshop-readiness/issue' })
      .reply(404, status(404, 'NotFound', 'namespaces "workshop-readiness" not found'), JSON_HEADERS);
    await expect(port().sweepLeftovers()).rejects.toThrow(
      'not found while listing load-test pods in namespace workshop-readiness: namespaces "workshop-readiness" not found (does the namespace exist? deploy/rbac.yaml creates it)',
    );
  });
});

describe('findRunningLoadTests (state read back from the pods)', () => {
  test('returns runs within their deadline, from labels and annotations', async () => {
    listPods(leftovers.items);
    await expect(port().findRunningLoadTests()).resolves.toEqual([
      { issueNumber: 57, runId: 'lt-57-now', startedAt: '2025-03-01T09:55:00.000Z', deadline: '2025-03-01T10:10:00.000Z', replicas: 2, pods: 2, running: 1 },
    ]);
  });
});
