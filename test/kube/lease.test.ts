import { CoordinationV1Api } from '@kubernetes/client-node';
import nock from 'nock';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SERVICE_ACCOUNT_DIR, decideCoordination, issueLockFromEnv, singleProcess } from '../../src/kube/coordination.js';
import { LeaseLock, leaseName } from '../../src/kube/lease.js';
import { api, NAMESPACE, testKubeConfig } from './support.js';

const KEY = 'example-org/infrastructure#17';
const NAME = leaseName(KEY);
const LEASES = `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases`;
const JSON_HEADERS = { 'content-type': 'application/json' };
const NOW = Date.parse('2026-11-29T20:00:00Z');
/** A path prefix under which no service account is mounted. */
const NO_SERVICE_ACCOUNT = '/nonexistent-workshop-readiness-test';

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

  test('COORDINATION=lease outside a cluster: Leases with the kubeconfig KUBECONFIG names, in POD_NAMESPACE', async () => {
    const kubeconfig = new URL('../fixtures/kube/kubeconfig.yaml', import.meta.url).pathname;
    const lock = await issueLockFromEnv({ COORDINATION: 'lease', KUBECONFIG: kubeconfig, POD_NAMESPACE: 'hubs-ops', POD_NAME: 'workshop-readiness-5d8c7-x2' }, NO_SERVICE_ACCOUNT);
    expect(lock.description).toBe('Lease per issue in namespace hubs-ops as workshop-readiness-5d8c7-x2');
    // Without POD_NAMESPACE, the kubeconfig context's namespace.
    expect((await issueLockFromEnv({ COORDINATION: 'lease', KUBECONFIG: kubeconfig, POD_NAME: 'p' }, NO_SERVICE_ACCOUNT)).description).toBe('Lease per issue in namespace workshop-readiness as p');
  });

  test('from the environment: one process outside a cluster or with COORDINATION=none', async () => {
    expect(await issueLockFromEnv({}, NO_SERVICE_ACCOUNT)).toBe(singleProcess);
    expect(await issueLockFromEnv({ KUBERNETES_SERVICE_HOST: '10.0.0.1', COORDINATION: 'none' }, NO_SERVICE_ACCOUNT)).toBe(singleProcess);
  });
});

describe('whose credentials write the Leases: the service account in a pod, never the default kubeconfig lookup', () => {
  const KUBECONFIG = '/home/operator/.kube/config';
  const mounted = { pathPrefix: '', tokenMounted: true };
  const missing = { pathPrefix: '', tokenMounted: false };

  test.each([
    ['outside a cluster', {}, mounted, { coordinate: false }],
    ['outside a cluster, a KUBECONFIG alone does not turn Leases on', { KUBECONFIG }, mounted, { coordinate: false }],
    ['in a pod with COORDINATION=none', { KUBERNETES_SERVICE_HOST: '10.0.0.1', COORDINATION: 'none' }, missing, { coordinate: false }],
    ['in a pod', { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, mounted, { coordinate: true, credentials: { from: 'service-account', pathPrefix: '' } }],
    ['in a pod with a KUBECONFIG set: still the service account', { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBECONFIG }, mounted, { coordinate: true, credentials: { from: 'service-account', pathPrefix: '' } }],
    ['in a pod with COORDINATION=lease and a KUBECONFIG: still the service account', { KUBERNETES_SERVICE_HOST: '10.0.0.1', COORDINATION: 'lease', KUBECONFIG }, mounted, { coordinate: true, credentials: { from: 'service-account', pathPrefix: '' } }],
    ['outside a cluster with COORDINATION=lease and a KUBECONFIG', { COORDINATION: 'lease', KUBECONFIG }, missing, { coordinate: true, credentials: { from: 'kubeconfig', path: KUBECONFIG } }],
  ])('%s', (_name, env, serviceAccount, decision) => {
    expect(decideCoordination(env, serviceAccount)).toEqual(decision);
  });

  test.each([
    ['in a pod without a service account token', { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBECONFIG }, /no service account token is mounted at \/var\/run\/secrets\/kubernetes.io\/serviceaccount\/token.*automountServiceAccountToken.*COORDINATION=none/],
    ['COORDINATION=lease outside a cluster without KUBECONFIG', { COORDINATION: 'lease' }, /COORDINATION=lease outside a cluster needs KUBECONFIG.*~\/.kube\/config is never used/],
  ])('%s: no fallback to other credentials, a problem that says how to fix it', (_name, env, message) => {
    const decision = decideCoordination(env, missing);
    expect(decision).toEqual({ coordinate: true, problem: expect.stringMatching(message) });
  });

  describe('in a pod (service account mounted under a fixture directory; nock as the API server)', () => {
    let root: string;
    const saved = { ...process.env };
    beforeEach(() => {
      root = mkdtempSync(path.join(tmpdir(), 'sa-'));
      // client-node's loadFromCluster reads the API server's address from the process environment.
      Object.assign(process.env, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443', KUBECONFIG: new URL('../fixtures/kube/kubeconfig.yaml', import.meta.url).pathname });
    });
    afterEach(() => {
      for (const key of ['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'KUBECONFIG']) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      rmSync(root, { recursive: true, force: true });
    });
    const mountServiceAccount = () => {
      const dir = path.join(root, SERVICE_ACCOUNT_DIR);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'token'), 'pod-service-account-token');
      writeFileSync(path.join(dir, 'namespace'), 'hubs-ops');
      writeFileSync(path.join(dir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nMIIC-fake--\n-----END CERTIFICATE-----\n');
    };

    test("the Lease is written with the pod's token in its namespace, though a KUBECONFIG is set", async () => {
      mountServiceAccount();
      const lock = await issueLockFromEnv({ ...process.env, POD_NAME: 'workshop-readiness-5d8c7-x2', POD_NAMESPACE: undefined, COORDINATION: undefined }, root);
      expect(lock.description).toBe('Lease per issue in namespace hubs-ops as workshop-readiness-5d8c7-x2');
      const scope = nock('https://10.0.0.1:443', { reqheaders: { authorization: 'Bearer pod-service-account-token' } })
        .post('/apis/coordination.k8s.io/v1/namespaces/hubs-ops/leases')
        .reply(201, (_uri, body) => ({ ...(body as Json), metadata: { ...(body as Json).metadata, namespace: 'hubs-ops', resourceVersion: '1' } }), JSON_HEADERS);
      const claim = await lock.acquire(KEY);
      expect(scope.isDone()).toBe(true);
      expect(claim.acquired).toBe(true);
    });

    test('no token mounted: the lock is refused with the message the app logs (no fallback to the KUBECONFIG that is set)', async () => {
      await expect(issueLockFromEnv({ ...process.env, POD_NAME: 'p', COORDINATION: undefined }, root)).rejects.toThrow(
        `the app runs in a Kubernetes pod (KUBERNETES_SERVICE_HOST is set) but no service account token is mounted at ${root}${SERVICE_ACCOUNT_DIR}/token`,
      );
    });
  });
});
