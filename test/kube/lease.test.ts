import { CoordinationV1Api } from '@kubernetes/client-node';
import nock from 'nock';
import { issueLockFromEnv, singleProcess } from '../../src/kube/coordination.js';
import { LeaseLock, leaseName } from '../../src/kube/lease.js';
import { api, NAMESPACE, testKubeConfig } from './support.js';

const KEY = 'example-org/infrastructure#17';
const NAME = leaseName(KEY);
const LEASES = `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases`;
const JSON_HEADERS = { 'content-type': 'application/json' };
const NOW = Date.parse('2026-11-29T20:00:00Z');

type Json = Record<string, any>;

/** A Lease as the API server returns it (metadata filled in by the server). */
function serverLease(spec: Json, resourceVersion: string): Json {
  return {
    kind: 'Lease',
    apiVersion: 'coordination.k8s.io/v1',
    metadata: { name: NAME, namespace: NAMESPACE, uid: '5c0f2f8e-4d7c-4a53-9f3e-0d8a3f9b1c22', resourceVersion, creationTimestamp: '2026-11-29T19:00:00Z', labels: { 'app.kubernetes.io/name': 'workshop-readiness' }, annotations: { 'workshop-readiness/issue': KEY } },
    spec,
  };
}

const conflict = (message: string, reason: 'AlreadyExists' | 'Conflict') => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  details: { name: NAME, group: 'coordination.k8s.io', kind: 'leases' },
  code: 409,
});

/** Renewals fired by hand. */
function manualEvery() {
  const ticks: Array<() => void> = [];
  let stopped = 0;
  return { ticks, stopped: () => stopped, every: (run: () => void) => (ticks.push(run), { stop: () => void stopped++ }) };
}

function lock(identity: string, every = manualEvery().every) {
  return new LeaseLock({ api: testKubeConfig().makeApiClient(CoordinationV1Api), namespace: NAMESPACE, identity, leaseSeconds: 30, now: () => NOW, every });
}

describe('LeaseLock (coordination.k8s.io/v1 Lease per issue key, nock with real Lease shapes)', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  test('lease names are valid DNS-1123 names, stable per key, distinct across keys', () => {
    expect(NAME).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(NAME.length).toBeLessThanOrEqual(63);
    expect(leaseName(KEY)).toBe(NAME);
    expect(leaseName('example-org/infrastructure#18')).not.toBe(NAME);
  });

  test('free: create → held; renewal and release replace it with the latest resourceVersion', async () => {
    const timer = manualEvery();
    let created: Json = {};
    const replaced: Json[] = [];
    const scope = api()
      .post(LEASES, (body: Json) => ((created = body), true))
      .reply(201, (_uri, body) => serverLease((body as Json).spec, '1001'), JSON_HEADERS)
      .put(`${LEASES}/${NAME}`, (body: Json) => (replaced.push(body), true))
      .reply(200, (_uri, body) => serverLease((body as Json).spec, '1002'), JSON_HEADERS)
      .put(`${LEASES}/${NAME}`, (body: Json) => (replaced.push(body), true))
      .reply(200, (_uri, body) => serverLease((body as Json).spec, '1003'), JSON_HEADERS);
    const claim = await lock('workshop-readiness-7d9f-a', timer.every).acquire(KEY);
    expect(claim.acquired).toBe(true);
    expect(created.metadata.name).toBe(NAME);
    expect(created.spec).toMatchObject({ holderIdentity: 'workshop-readiness-7d9f-a', leaseDurationSeconds: 30, renewTime: '2026-11-29T20:00:00.000000Z', leaseTransitions: 0 });
    timer.ticks[0]?.(); // one renewal
    if (claim.acquired) await claim.release();
    expect(scope.isDone()).toBe(true);
    expect(replaced[0]?.metadata.resourceVersion).toBe('1001');
    expect(replaced[0]?.spec.holderIdentity).toBe('workshop-readiness-7d9f-a');
    expect(replaced[1]?.metadata.resourceVersion).toBe('1002');
    expect(replaced[1]?.spec.holderIdentity).toBeUndefined();
    expect(replaced[1]?.spec.leaseDurationSeconds).toBe(1);
    expect(timer.stopped()).toBe(1);
  });

  test('held by a live replica: create → 409 AlreadyExists, get → busy, no write; retry after the remaining time', async () => {
    const scope = api()
      .post(LEASES)
      .reply(409, conflict(`leases.coordination.k8s.io "${NAME}" already exists`, 'AlreadyExists'), JSON_HEADERS)
      .get(`${LEASES}/${NAME}`)
      .reply(200, serverLease({ holderIdentity: 'workshop-readiness-7d9f-b', leaseDurationSeconds: 30, renewTime: '2026-11-29T19:59:59.500000Z', acquireTime: '2026-11-29T19:59:59.500000Z', leaseTransitions: 3 }, '2001'), JSON_HEADERS);
    const claim = await lock('workshop-readiness-7d9f-a').acquire(KEY);
    expect(scope.isDone()).toBe(true);
    expect(claim).toEqual({ acquired: false, holder: 'workshop-readiness-7d9f-b', retryAfterMs: 2000 });
  });

  test("expired holder (crashed replica): get → replace with its resourceVersion, transitions + 1; the next acquire skips the create", async () => {
    let taken: Json = {};
    const scope = api()
      .post(LEASES)
      .reply(409, conflict(`leases.coordination.k8s.io "${NAME}" already exists`, 'AlreadyExists'), JSON_HEADERS)
      .get(`${LEASES}/${NAME}`)
      .reply(200, serverLease({ holderIdentity: 'workshop-readiness-7d9f-b', leaseDurationSeconds: 30, renewTime: '2026-11-29T19:59:00.000000Z', leaseTransitions: 3 }, '3001'), JSON_HEADERS)
      .put(`${LEASES}/${NAME}`, (body: Json) => ((taken = body), true))
      .reply(200, (_uri, body) => serverLease((body as Json).spec, '3002'), JSON_HEADERS);
    const holder = lock('workshop-readiness-7d9f-a');
    const claim = await holder.acquire(KEY);
    expect(claim.acquired).toBe(true);
    expect(taken.metadata.resourceVersion).toBe('3001');
    expect(taken.spec).toMatchObject({ holderIdentity: 'workshop-readiness-7d9f-a', leaseTransitions: 4 });

    // Released Lease (no holder): the second acquire goes straight to get → replace.
    const again = api()
      .get(`${LEASES}/${NAME}`)
      .reply(200, serverLease({ leaseDurationSeconds: 1, renewTime: '2026-11-29T19:59:59.000000Z', leaseTransitions: 4 }, '3003'), JSON_HEADERS)
      .put(`${LEASES}/${NAME}`)
      .reply(200, (_uri, body) => serverLease((body as Json).spec, '3004'), JSON_HEADERS);
    expect((await holder.acquire(KEY)).acquired).toBe(true);
    expect(scope.isDone() && again.isDone()).toBe(true);
  });

  test('two replicas race for an expired Lease: the replace that loses gets 409 Conflict and backs off', async () => {
    const scope = api()
      .post(LEASES)
      .reply(409, conflict(`leases.coordination.k8s.io "${NAME}" already exists`, 'AlreadyExists'), JSON_HEADERS)
      .get(`${LEASES}/${NAME}`)
      .reply(200, serverLease({ holderIdentity: 'gone', leaseDurationSeconds: 30, renewTime: '2026-11-29T19:00:00.000000Z' }, '4001'), JSON_HEADERS)
      .put(`${LEASES}/${NAME}`)
      .reply(409, conflict(`Operation cannot be fulfilled on leases.coordination.k8s.io "${NAME}": the object has been modified; please apply your changes to the latest version and try again`, 'Conflict'), JSON_HEADERS);
    const claim = await lock('workshop-readiness-7d9f-a').acquire(KEY);
    expect(scope.isDone()).toBe(true);
    expect(claim).toMatchObject({ acquired: false, retryAfterMs: 500 });
  });

  test('RBAC missing: 403 becomes an error naming the Lease and the fix', async () => {
    api()
      .post(LEASES)
      .reply(403, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `leases.coordination.k8s.io is forbidden: User "system:serviceaccount:${NAMESPACE}:workshop-readiness" cannot create resource "leases"`, reason: 'Forbidden', code: 403 }, JSON_HEADERS);
    await expect(lock('a').acquire(KEY)).rejects.toThrow(/Kubernetes refused creating Lease workshop-readiness-[0-9a-f]{16}: leases.coordination.k8s.io is forbidden/);
  });

  test('from the environment: none outside a cluster or with COORDINATION=none; Leases in a cluster', async () => {
    expect(await issueLockFromEnv({})).toBe(singleProcess);
    expect(await issueLockFromEnv({ KUBERNETES_SERVICE_HOST: '10.0.0.1', COORDINATION: 'none' })).toBe(singleProcess);
    const kubeconfig = new URL('../fixtures/kube/kubeconfig.yaml', import.meta.url).pathname;
    const inCluster = await issueLockFromEnv({ COORDINATION: 'lease', KUBECONFIG: kubeconfig, POD_NAMESPACE: 'hubs-ops', POD_NAME: 'workshop-readiness-5d8c7-x2' });
    expect(inCluster.description).toBe('Lease per issue in namespace hubs-ops as workshop-readiness-5d8c7-x2');
  });
});
