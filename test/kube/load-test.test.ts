import { jest } from '@jest/globals';
import nock from 'nock';
import { createClusterPort } from '../../src/kube/cluster.js';
import type { LoadTestProgress, LoadTestSpec } from '../../src/kube/types.js';
import { expectCleanup, servePlaceholders } from './placeholder-server.js';
import { api, fakeClock, JSON_HEADERS, NAMESPACE, PODS_PATH, POOL, POOL_SELECTOR, status, T0, testKubeConfig } from './support.js';

const RUN = 'lt-42-20250301t1000';
const RUN_SELECTOR = `workshop-readiness/issue=42,workshop-readiness/run=${RUN}`;
const GiB = 1024 ** 3;

const spec = (overrides: Partial<LoadTestSpec> = {}): LoadTestSpec => ({
  issueNumber: 42,
  runId: RUN,
  namespace: NAMESPACE,
  pool: POOL,
  replicas: 4,
  cpu: 0.85,
  memoryBytes: 6.5 * GiB,
  fraction: 0.25,
  budgetSeconds: 600,
  priorityClassName: 'workshop-readiness-placeholder',
  ...overrides,
});

function port(clock: ReturnType<typeof fakeClock>) {
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const cluster = createClusterPort({
    kubeConfig: testKubeConfig(),
    namespace: NAMESPACE,
    now: clock.now,
    sleep: clock.sleep,
    pollIntervalMs: 10_000,
    progressIntervalMs: 30_000,
    logger,
  });
  return { cluster, logger };
}

describe('runLoadTest against a simulated API server', () => {

  test('passes: pods go Pending → Running as the autoscaler adds nodes (2 → 4); pods deleted', async () => {
    const clock = fakeClock();
    const seen = servePlaceholders(clock, { runAfter: [2, 2, 95, 128], nodesAt: (s) => (s < 90 ? 2 : s < 120 ? 3 : 4) }, RUN_SELECTOR);
    const cleanup = expectCleanup(RUN_SELECTOR);
    const progress: LoadTestProgress[] = [];
    const { cluster } = port(clock);

    const result = await cluster.runLoadTest(spec(), (p) => void progress.push(p));

    expect(result).toEqual({
      runId: RUN,
      passed: true,
      replicas: 4,
      running: 4,
      nodesBefore: 2,
      nodesAfter: 4,
      // From the pods' own timestamps, so finer than the 10 s poll interval.
      secondsToFirstRunning: 2,
      secondsToLastRunning: 128,
      fraction: 0.25,
      reason: null,
    });
    expect(cleanup.isDone()).toBe(true);
    // Polls at 0, 10, …, 130 s; nodes listed before, at each progress report and after.
    expect(seen.podLists).toBe(14);
    expect(seen.nodeLists).toEqual([2, 2, 2, 2, 3, 4, 4]);
    expect(progress.map((p) => [p.elapsedSeconds, p.running, p.nodes])).toEqual([
      [0, 0, 2],
      [30, 2, 2],
      [60, 2, 2],
      [90, 2, 3],
      [120, 3, 4],
    ]);
    expect(progress[0]).toMatchObject({ replicas: 4, nodesBefore: 2 });
    expect(clock.slept.every((ms) => ms === 10_000)).toBe(true);
  });

  test('creates locked-down placeholder pods with the pool selector, labels and deadline', async () => {
    const clock = fakeClock();
    const seen = servePlaceholders(clock, { runAfter: [0], nodesAt: () => 1 }, RUN_SELECTOR);
    expectCleanup(RUN_SELECTOR);
    await port(clock).cluster.runLoadTest(spec({ replicas: 1 }));

    expect(seen.created).toHaveLength(1);
    const pod = seen.created[0]!;
    expect(pod.metadata).toMatchObject({
      name: 'wr-42-lt-42-20250301t1000-0',
      namespace: NAMESPACE,
      labels: { 'workshop-readiness/issue': '42', 'workshop-readiness/run': RUN, 'app.kubernetes.io/managed-by': 'workshop-readiness' },
      annotations: {
        'workshop-readiness/started-at': '2025-03-01T10:00:00.000Z',
        'workshop-readiness/deadline': '2025-03-01T10:15:00.000Z',
        'workshop-readiness/fraction': '0.25',
        'workshop-readiness/replicas': '1',
        'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
      },
    });
    expect(pod.spec).toMatchObject({
      restartPolicy: 'Never',
      activeDeadlineSeconds: 900,
      automountServiceAccountToken: false,
      priorityClassName: 'workshop-readiness-placeholder',
      nodeSelector: { 'node.kubernetes.io/instance-type': 'n2-highmem-4', 'cloud.google.com/gke-nodepool': 'nb-n2-highmem-4' },
      tolerations: [{ key: 'hub.jupyter.org_dedicated', operator: 'Equal', value: 'user', effect: 'NoSchedule' }],
      securityContext: { runAsNonRoot: true, runAsUser: 65535, seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(pod.spec.containers).toEqual([
      {
        name: 'placeholder',
        image: 'registry.k8s.io/pause:3.10',
        resources: { requests: { cpu: '850m', memory: '6979321856' }, limits: { cpu: '850m', memory: '6979321856' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      },
    ]);
  });

  test('times out: two pods stay Pending → failed with the figures and the scheduler message; pods deleted', async () => {
    const clock = fakeClock();
    const seen = servePlaceholders(clock, { runAfter: [2, 2, undefined, undefined], nodesAt: () => 2 }, RUN_SELECTOR);
    const cleanup = expectCleanup(RUN_SELECTOR);
    const { cluster } = port(clock);

    const result = await cluster.runLoadTest(spec({ budgetSeconds: 60 }));

    expect(result).toMatchObject({ passed: false, running: 2, replicas: 4, nodesBefore: 2, nodesAfter: 2, secondsToFirstRunning: 2, secondsToLastRunning: null });
    expect(result.reason).toBe(
      '2 of 4 placeholder pods were not Running after the 60 s budget; last message: 0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
    );
    expect(cleanup.isDone()).toBe(true);
    expect(seen.podLists).toBe(7); // 0, 10, …, 60 s
    expect(clock.elapsed()).toBe(60);
  });

  test('a ResourceQuota refuses the 5th pod: stops creating, fails with the API message; pods deleted', async () => {
    const clock = fakeClock();
    const quota = status(
      403,
      'Forbidden',
      'pods "wr-42-lt-42-20250301t1000-4" is forbidden: exceeded quota: workshop-readiness, requested: requests.memory=6979321856, used: requests.memory=27917287424, limited: requests.memory=32Gi',
      { name: 'wr-42-lt-42-20250301t1000-4', kind: 'pods' },
    );
    const seen = servePlaceholders(clock, { runAfter: [], nodesAt: () => 2, createReply: (i) => (i >= 4 ? [403, quota] : undefined) }, RUN_SELECTOR);
    const cleanup = expectCleanup(RUN_SELECTOR);

    const result = await port(clock).cluster.runLoadTest(spec({ replicas: 8 }));

    expect(seen.creates).toBe(5);
    expect(seen.podLists).toBe(0);
    expect(result).toMatchObject({ passed: false, running: 0, replicas: 8, nodesBefore: 2, nodesAfter: 2 });
    expect(result.reason).toBe(
      'created 4 of 8 placeholder pods, then a ResourceQuota blocked creating placeholder pod 5 of 8: pods "wr-42-lt-42-20250301t1000-4" is forbidden: exceeded quota: workshop-readiness, requested: requests.memory=6979321856, used: requests.memory=27917287424, limited: requests.memory=32Gi',
    );
    expect(cleanup.isDone()).toBe(true);
  });

  test('409 AlreadyExists (redelivered /loadtest) counts the existing pod instead of failing', async () => {
    const clock = fakeClock();
    const exists = status(409, 'AlreadyExists', 'pods "wr-42-lt-42-20250301t1000-0" already exists', { name: 'wr-42-lt-42-20250301t1000-0', kind: 'pods' });
    const seen = servePlaceholders(
      clock,
      {
        runAfter: [0, 0],
        nodesAt: () => 1,
        createReply: (i, pod) => {
          if (i !== 0) return undefined;
          seen.created.push({ ...pod, metadata: { ...pod.metadata, creationTimestamp: '2025-03-01T10:00:00Z' } });
          return [409, exists];
        },
      },
      RUN_SELECTOR,
    );
    const cleanup = expectCleanup(RUN_SELECTOR);
    const result = await port(clock).cluster.runLoadTest(spec({ replicas: 2 }));
    expect(result).toMatchObject({ passed: true, running: 2, reason: null });
    expect(cleanup.isDone()).toBe(true);
  });

  test('RBAC refuses listing nodes: fails before creating anything, still deletes by label', async () => {
    const clock = fakeClock();
    api()
      .get('/api/v1/nodes')
      .query({ labelSelector: POOL_SELECTOR })
      .reply(
        403,
        status(403, 'Forbidden', 'nodes is forbidden: User "system:serviceaccount:workshop-readiness:workshop-readiness" cannot list resource "nodes" in API group "" at the cluster scope', { kind: 'nodes' }),
        JSON_HEADERS,
      );
    const cleanup = expectCleanup(RUN_SELECTOR);
    const result = await port(clock).cluster.runLoadTest(spec());
    expect(result.passed).toBe(false);
    expect(result.reason).toBe(
      'Kubernetes refused listing the nodes of pool n2-highmem-4: nodes is forbidden: User "system:serviceaccount:workshop-readiness:workshop-readiness" cannot list resource "nodes" in API group "" at the cluster scope (grant it as in deploy/rbac.yaml)',
    );
    expect(cleanup.isDone()).toBe(true);
  });

  test('missing namespace (404) on create becomes a one-line reason', async () => {
    const clock = fakeClock();
    const missing = status(404, 'NotFound', 'namespaces "workshop-readiness" not found', { name: 'workshop-readiness', kind: 'namespaces' });
    servePlaceholders(clock, { runAfter: [], nodesAt: () => 0, createReply: () => [404, missing] }, RUN_SELECTOR);
    const cleanup = expectCleanup(RUN_SELECTOR);
    const result = await port(clock).cluster.runLoadTest(spec());
    expect(result.reason).toBe(
      'created 0 of 4 placeholder pods, then not found while creating placeholder pod 1 of 4: namespaces "workshop-readiness" not found (does the namespace exist? deploy/rbac.yaml creates it)',
    );
    expect(cleanup.isDone()).toBe(true);
  });

  test('a failing progress callback does not stop the test; a failed clean-up is retried', async () => {
    const clock = fakeClock();
    servePlaceholders(clock, { runAfter: [35], nodesAt: () => 1 }, RUN_SELECTOR);
    const flaky = api()
      .delete(PODS_PATH)
      .query({ labelSelector: RUN_SELECTOR })
      .reply(500, status(500, 'InternalError', 'etcdserver: request timed out'), JSON_HEADERS);
    const cleanup = expectCleanup(RUN_SELECTOR);
    const { cluster, logger } = port(clock);
    const result = await cluster.runLoadTest(spec({ replicas: 1 }), () => {
      throw new Error('GitHub is down');
    });
    expect(result).toMatchObject({ passed: true, reason: null, secondsToLastRunning: 35 });
    expect(flaky.isDone() && cleanup.isDone()).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ runId: RUN }), 'load test progress callback failed');
    expect(clock.slept.at(-1)).toBe(1000); // back-off before the second delete
  });

  test('a clean-up that keeps failing is reported in the reason (the sweeper is the fallback)', async () => {
    const clock = fakeClock();
    servePlaceholders(clock, { runAfter: [0], nodesAt: () => 1 }, RUN_SELECTOR);
    const failing = api().delete(PODS_PATH).query({ labelSelector: RUN_SELECTOR }).times(3).reply(503, 'upstream connect error', { 'content-type': 'text/plain' });
    const result = await port(clock).cluster.runLoadTest(spec({ replicas: 1 }));
    expect(failing.isDone()).toBe(true);
    expect(result.passed).toBe(true);
    expect(result.reason).toMatch(/^Kubernetes answered HTTP 503 while deleting the placeholder pods .*; the sweeper deletes them after their deadline$/);
  });

  test('one failed poll is retried; the test goes on', async () => {
    const clock = fakeClock();
    const hiccup = api().get(PODS_PATH).query({ labelSelector: RUN_SELECTOR }).reply(500, status(500, 'InternalError', 'etcdserver: leader changed'), JSON_HEADERS);
    const seen = servePlaceholders(clock, { runAfter: [15], nodesAt: () => 1 }, RUN_SELECTOR);
    expectCleanup(RUN_SELECTOR);
    const { cluster, logger } = port(clock);
    const result = await cluster.runLoadTest(spec({ replicas: 1 }));
    expect(hiccup.isDone()).toBe(true);
    expect(result).toMatchObject({ passed: true, secondsToLastRunning: 15 });
    expect(seen.podLists).toBe(2); // t = 10 s (Pending), 20 s (Running); t = 0 was the 500
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ runId: RUN }), 'load test poll failed; retrying');
  });

  test('a placeholder the kubelet rejects (Failed) ends the test early with its message', async () => {
    const clock = fakeClock();
    const rejected = {
      phase: 'Failed',
      reason: 'OutOfcpu',
      message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 850, used: 3400, capacity: 3920",
      qosClass: 'Guaranteed',
      startTime: '2025-03-01T10:00:20Z',
    };
    servePlaceholders(clock, { runAfter: [5, undefined], nodesAt: () => 1, override: (i, s) => (i === 1 && s >= 20 ? rejected : undefined) }, RUN_SELECTOR);
    const cleanup = expectCleanup(RUN_SELECTOR);
    const result = await port(clock).cluster.runLoadTest(spec({ replicas: 2 }));
    expect(result).toMatchObject({ passed: false, running: 1 });
    expect(result.reason).toBe("1 of 2 placeholder pods failed: Pod was rejected: Node didn't have enough resource: cpu, requested: 850, used: 3400, capacity: 3920");
    expect(clock.elapsed()).toBe(20); // not the whole 600 s budget
    expect(cleanup.isDone()).toBe(true);
  });

  test('pods that vanish (preempted by real users) are named in the timeout reason', async () => {
    const clock = fakeClock();
    servePlaceholders(clock, { runAfter: [5, undefined], nodesAt: () => 1, override: (i, s) => (i === 1 && s >= 30 ? 'deleted' : undefined) }, RUN_SELECTOR);
    expectCleanup(RUN_SELECTOR);
    const result = await port(clock).cluster.runLoadTest(spec({ replicas: 2, budgetSeconds: 120 }));
    expect(result.reason).toBe('1 of 2 placeholder pods were not Running after the 2 min budget, 1 disappeared (preempted or deleted)');
  });

  test('an invalid spec makes no API call at all', async () => {
    const clock = fakeClock(T0);
    const result = await port(clock).cluster.runLoadTest(spec({ runId: 'not a label!' }));
    expect(result).toMatchObject({ passed: false, reason: 'load test not started: run id "not a label!" is not a valid Kubernetes label value' });
    const zero = await port(clock).cluster.runLoadTest(spec({ replicas: 0 }));
    expect(zero.reason).toBe('load test not started: replicas must be 1–1000, got 0');
  });
});
