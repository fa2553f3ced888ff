import nock from 'nock';
import { createClusterPort } from '../../src/kube/cluster.js';
import { api, fixture, JSON_HEADERS, NAMESPACE, PODS_PATH, status, T0, testKubeConfig } from './support.js';

const leftovers = fixture<{ items: Array<Record<string, unknown>> }>('leftover-pods.json');
const port = (now = T0) => createClusterPort({ kubeConfig: testKubeConfig(), namespace: NAMESPACE, now: () => now });
const listLeftovers = () => api().get(PODS_PATH).query({ labelSelector: 'workshop-readiness/issue' }).reply(200, leftovers, JSON_HEADERS);
const deleted = (items: unknown[] = []) => ({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items });

describe('sweepLeftovers and findRunningLoadTests (state read back from the pods)', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  test('deletes only expired pods: a whole expired run by label, a loose expired pod by name', async () => {
    // At 10:00: run lt-42-old expired at 09:30; lt-57-now runs until 10:10; placeholder-by-hand was
    // created at 08:00 with activeDeadlineSeconds 900; placeholder-keep has no deadline at all.
    listLeftovers();
    const run = api()
      .delete(PODS_PATH)
      .query({ labelSelector: 'workshop-readiness/issue=42,workshop-readiness/run=lt-42-old' })
      .reply(200, deleted(), JSON_HEADERS);
    const loose = api().delete(`${PODS_PATH}/placeholder-by-hand`).reply(200, leftovers.items[4], JSON_HEADERS);

    await expect(port().sweepLeftovers()).resolves.toBe(3);
    expect(run.isDone() && loose.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test('nothing expired → no deletion', async () => {
    listLeftovers();
    // 08:10: even the hand-made pod (08:00 + 15 min) is still within its deadline.
    await expect(port(Date.parse('2025-03-01T08:10:00Z')).sweepLeftovers()).resolves.toBe(0);
  });

  test('a failed deletion is skipped, the rest still goes', async () => {
    listLeftovers();
    api()
      .delete(PODS_PATH)
      .query(true)
      .reply(403, status(403, 'Forbidden', 'pods is forbidden: User "system:serviceaccount:workshop-readiness:workshop-readiness" cannot deletecollection resource "pods"'), JSON_HEADERS);
    const loose = api().delete(`${PODS_PATH}/placeholder-by-hand`).reply(200, leftovers.items[4], JSON_HEADERS);
    await expect(port().sweepLeftovers()).resolves.toBe(1);
    expect(loose.isDone()).toBe(true);
  });

  test('a refused list throws a one-line KubeError', async () => {
    api()
      .get(PODS_PATH)
      .query(true)
      .reply(404, status(404, 'NotFound', 'namespaces "workshop-readiness" not found'), JSON_HEADERS);
    await expect(port().sweepLeftovers()).rejects.toThrow(
      'not found while listing load-test pods in namespace workshop-readiness: namespaces "workshop-readiness" not found (does the namespace exist? deploy/rbac.yaml creates it)',
    );
  });

  test('findRunningLoadTests returns runs within their deadline, from labels and annotations', async () => {
    listLeftovers();
    await expect(port().findRunningLoadTests()).resolves.toEqual([
      { issueNumber: 57, runId: 'lt-57-now', startedAt: '2025-03-01T09:55:00.000Z', deadline: '2025-03-01T10:10:00.000Z', replicas: 2, pods: 2, running: 1 },
    ]);
  });
});
