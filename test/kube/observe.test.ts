import type { V1Pod } from '@kubernetes/client-node';
import nock from 'nock';
import { createClusterPort } from '../../src/kube/cluster.js';
import { KubeError } from '../../src/kube/errors.js';
import { podRequests } from '../../src/kube/observe.js';
import { api, fixture, JSON_HEADERS, NAMESPACE, poolNodes, POOL, POOL_SELECTOR, status, testKubeConfig } from './support.js';

type Json = Record<string, any>;
const ACTIVE = 'status.phase!=Succeeded,status.phase!=Failed';

const cluster = (listPageSize?: number) =>
  createClusterPort({ kubeConfig: testKubeConfig(), namespace: NAMESPACE, ...(listPageSize ? { listPageSize } : {}) });
const nodeListOf = (items: Json[]) => ({ kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '4811920' }, items });
const podList = fixture<{ items: Json[] }>('pods-all-namespaces.json');

/** The figures DESIGN.md quotes for n2-highmem-4, measured on a real GKE cluster. */
const N2_HIGHMEM_4 = {
  allocatableCpu: 3.92,
  allocatableMemory: 29_783_904_256,
  daemonsetCpu: 0.443,
  daemonsetMemory: 624_951_296,
  daemonsetPods: 10,
  maxPods: 110,
  readyNodes: 3,
  pendingPods: 2,
  instanceType: 'n2-highmem-4',
};

describe('observePool (nock, real NodeList / PodList shapes)', () => {

  test('3 GKE n2-highmem-4 nodes → allocatable, daemonset overhead (DaemonSet + static pods), pending pods; two calls', async () => {
    const scope = api()
      .get('/api/v1/nodes')
      .query({ labelSelector: POOL_SELECTOR })
      .reply(200, nodeListOf(poolNodes()), JSON_HEADERS)
      .get('/api/v1/pods')
      .query({ fieldSelector: ACTIVE, limit: 500 })
      .reply(200, podList, JSON_HEADERS);
    // Node 3 is missing its ip-masq-agent pod (433m); the overhead is the worst node's, 443m.
    // Pending: jupyter-bob (nodeSelector) and a dask worker (node affinity); not jupyter-carol
    // (another instance type) nor jupyter-eve (scheduled, pulling its image).
    await expect(cluster().observePool(POOL)).resolves.toEqual(N2_HIGHMEM_4);
    expect(scope.isDone()).toBe(true);
  });

  test('follows continue tokens when the pod list is paginated', async () => {
    const items = podList.items;
    const page = (from: number, to: number, token?: string) => ({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '4812377', ...(token ? { continue: token } : {}) }, items: items.slice(from, to) });
    const scope = api()
      .get('/api/v1/nodes')
      .query({ labelSelector: POOL_SELECTOR })
      .reply(200, nodeListOf(poolNodes()), JSON_HEADERS)
      .get('/api/v1/pods')
      .query({ fieldSelector: ACTIVE, limit: 20 })
      .reply(200, page(0, 20, 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgxMjM3N30'), JSON_HEADERS)
      .get('/api/v1/pods')
      .query({ fieldSelector: ACTIVE, limit: 20, continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgxMjM3N30' })
      .reply(200, page(20, 40, 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgxMjM3N30yIn0'), JSON_HEADERS)
      .get('/api/v1/pods')
      .query({ fieldSelector: ACTIVE, limit: 20, continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgxMjM3N30yIn0' })
      .reply(200, page(40, items.length), JSON_HEADERS);
    await expect(cluster(20).observePool(POOL)).resolves.toEqual(N2_HIGHMEM_4);
    expect(scope.isDone()).toBe(true);
  });

  test('NotReady and cordoned nodes are left out; allocatable is the minimum of the Ready ones', async () => {
    const [a, b, c] = poolNodes() as [Json, Json, Json];
    a.status.allocatable.memory = '29085000Ki'; // slightly smaller node: the minimum wins
    b.status.conditions = b.status.conditions.map((cond: Json) => (cond.type === 'Ready' ? { ...cond, status: 'Unknown', reason: 'NodeStatusUnknown' } : cond));
    b.status.allocatable.memory = '20000000Ki'; // ignored: not Ready
    c.spec.unschedulable = true;
    c.spec.taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: '2025-03-01T09:40:00Z' });
    api()
      .get('/api/v1/nodes')
      .query({ labelSelector: POOL_SELECTOR })
      .reply(200, nodeListOf([a, b, c]), JSON_HEADERS)
      .get('/api/v1/pods')
      .query({ fieldSelector: ACTIVE, limit: 500 })
      .reply(200, podList, JSON_HEADERS);
    await expect(cluster().observePool(POOL)).resolves.toMatchObject({ readyNodes: 1, allocatableMemory: 29_085_000 * 1024, daemonsetCpu: 0.443 });
  });

  test('a pool scaled to zero → null after one call (the plan uses the formulas)', async () => {
    const scope = api().get('/api/v1/nodes').query({ labelSelector: POOL_SELECTOR }).reply(200, nodeListOf([]), JSON_HEADERS);
    await expect(cluster().observePool(POOL)).resolves.toBeNull();
    expect(scope.isDone()).toBe(true);
  });

  test.each([
    [
      'RBAC 403 on the cluster-wide pod list',
      (scope: nock.Scope) =>
        scope
          .get('/api/v1/nodes')
          .query({ labelSelector: POOL_SELECTOR })
          .reply(200, nodeListOf(poolNodes()), JSON_HEADERS)
          .get('/api/v1/pods')
          .query(true)
          .reply(
            403,
            status(403, 'Forbidden', 'pods is forbidden: User "system:serviceaccount:workshop-readiness:workshop-readiness" cannot list resource "pods" in API group "" at the cluster scope', { kind: 'pods' }),
            JSON_HEADERS,
          ),
      'Kubernetes refused listing pods in all namespaces (daemonset overhead, pending pods): pods is forbidden: User "system:serviceaccount:workshop-readiness:workshop-readiness" cannot list resource "pods" in API group "" at the cluster scope (grant it as in deploy/rbac.yaml)',
    ],
    [
      'expired token (401)',
      (scope: nock.Scope) => scope.get('/api/v1/nodes').query(true).reply(401, status(401, 'Unauthorized', 'Unauthorized'), JSON_HEADERS),
      "Kubernetes rejected the app's credentials while listing the nodes of pool n2-highmem-4 (HTTP 401); check the kubeconfig user or the service account token",
    ],
  ])('%s → a KubeError with one human line', async (_name, serve, message) => {
    serve(api());
    const error = await cluster()
      .observePool(POOL)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect((error as KubeError).message).toBe(message);
    expect((error as KubeError).message).not.toContain('\n');
  });

  test('unreachable API server → a KubeError naming the server', async () => {
    // A real refused connection on the loopback port 1 (nock's replyWithError races with node-fetch's
    // socket listeners and sometimes surfaces as an unhandled error instead of a rejected request).
    nock.enableNetConnect('127.0.0.1:1');
    const config = testKubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'down', server: 'https://127.0.0.1:1' }],
      users: [{ name: 'u', token: 'test-token' }],
      contexts: [{ name: 'down', cluster: 'down', user: 'u' }],
      currentContext: 'down',
    });
    const error = await createClusterPort({ kubeConfig: config, namespace: NAMESPACE })
      .observePool(POOL)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeError);
    expect((error as KubeError).message).toBe(
      'could not reach the Kubernetes API at https://127.0.0.1:1 while listing the nodes of pool n2-highmem-4: connect ECONNREFUSED 127.0.0.1:1',
    );
    expect((error as KubeError).status).toBeUndefined();
  });

  test('a node selector value that would inject selector terms is refused before any call', async () => {
    const bad = { ...POOL, nodeSelector: { 'cloud.google.com/gke-nodepool': 'nb,env!=prod' } };
    await expect(cluster().observePool(bad)).rejects.toThrow(
      new Error('pool node selector "cloud.google.com/gke-nodepool: nb,env!=prod" is not a valid Kubernetes label value (letters, digits, - _ . and at most 63 characters)'),
    );
  });
});

describe('podRequests (what the scheduler charges)', () => {
  const container = (cpu: string, memory: string, restartPolicy?: string) => ({
    name: 'c',
    resources: { requests: { cpu, memory } },
    ...(restartPolicy ? { restartPolicy } : {}),
  });
  test.each([
    ['containers are summed', { containers: [container('100m', '100Mi'), container('50m', '28Mi')] }, 0.15, 128 * 2 ** 20],
    ['a big init container dominates', { containers: [container('10m', '10Mi')], initContainers: [container('1', '1Gi')] }, 1, 2 ** 30],
    ['sidecar init containers add up with the app', { containers: [container('100m', '64Mi')], initContainers: [container('50m', '64Mi', 'Always')] }, 0.15, 128 * 2 ** 20],
    ['RuntimeClass overhead is added', { containers: [container('250m', '1Gi')], overhead: { cpu: '250m', memory: '120Mi' } }, 0.5, 2 ** 30 + 120 * 2 ** 20],
    ['no requests → 0', { containers: [{ name: 'pause', resources: {} }] }, 0, 0],
  ])('%s', (_name, spec, cpu, memory) => {
    const result = podRequests({ spec } as V1Pod);
    expect(result.cpu).toBeCloseTo(cpu, 9);
    expect(result.memory).toBe(memory);
  });
});
