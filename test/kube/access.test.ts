import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { jest } from '@jest/globals';
import nock from 'nock';
import { clusterAccessSchema, resolveAccess, type ClusterAccess } from '../../src/kube/access.js';
import { loadClusterAccess, operatorClusters, reapTargets } from '../../src/kube/operator.js';
import type { LoadTestSpec } from '../../src/kube/types.js';
import { exampleConfig } from '../support/config.js';
import { JSON_HEADERS, POOL, status } from './support.js';

const DIR = dirname(fileURLToPath(new URL('../fixtures/kube/kubeconfig.yaml', import.meta.url)));
const TAINT = { key: 'hub.jupyter.org_dedicated', operator: 'Equal', value: 'user', effect: 'NoSchedule' };

/** The operator's file: workshops of example-org on the pilot cluster, one team also on staging. */
const ACCESS_YAML = `
grants:
  - repositories: [example-org/*]
    kubeconfig: kubeconfig.yaml
    contexts: [pilot-hubs]
    namespaces: [workshop-readiness, workshop-tests]
    priorityClasses: [workshop-readiness-placeholder]
    tolerations:
      - { key: hub.jupyter.org_dedicated, operator: Equal, value: user, effect: NoSchedule }
    hubNamespaces: [workshops]
  - repositories: [other-org/workshops]
    kubeconfig: kubeconfig.yaml
    contexts: [staging]
`;
const access = clusterAccessSchema.parse(loadClusterAccess('access.yaml', DIR, () => ACCESS_YAML).access);
const decide = (repository: string, kubernetes: Record<string, unknown>, grants: ClusterAccess = access) =>
  resolveAccess(grants, { repository, clusterName: 'pilot', kubernetes: { inCluster: false, ...kubernetes }, kubeconfigDir: DIR });

describe('resolveAccess: repository config chooses only within what the operator granted', () => {
  test('a granted choice gets the operator defaults for what it leaves out', () => {
    expect(decide('example-org/workshops', { kubeconfig: 'kubeconfig.yaml' })).toEqual({
      ok: true,
      access: { kubeconfigPath: join(DIR, 'kubeconfig.yaml'), context: 'pilot-hubs', namespace: 'workshop-readiness', priorityClassName: 'workshop-readiness-placeholder', tolerations: [TAINT], hubNamespaces: ['workshops'] },
    });
    expect(decide('Example-Org/Anything', { kubeconfig: `${DIR}/kubeconfig.yaml`, context: 'pilot-hubs', namespace: 'workshop-tests' })).toMatchObject({ ok: true, access: { namespace: 'workshop-tests' } });
    expect(decide('other-org/workshops', { kubeconfig: 'kubeconfig.yaml', context: 'staging' })).toEqual({
      ok: true,
      access: { kubeconfigPath: join(DIR, 'kubeconfig.yaml'), context: 'staging', namespace: 'workshop-readiness', priorityClassName: null, tolerations: [], hubNamespaces: [] },
    });
  });

  test.each([
    ['another account', 'mallory/workshops', { kubeconfig: 'kubeconfig.yaml' }, 'mallory/workshops has no cluster access granted'],
    ['a repository of a granted account, not the one granted', 'other-org/infra', { kubeconfig: 'kubeconfig.yaml', context: 'staging' }, 'other-org/infra has no cluster access granted'],
    ['a context alone (used to pick from ~/.kube/config)', 'example-org/workshops', { context: 'pilot-hubs' }, 'clusters.pilot.kubernetes names no kubeconfig (nor inCluster: true); the app never falls back to a default kubeconfig'],
    ['a file outside KUBECONFIG_DIR', 'example-org/workshops', { kubeconfig: '../../../package.json' }, 'clusters.pilot.kubernetes.kubeconfig: ../../../package.json is not granted to example-org/workshops; granted: kubeconfig.yaml'],
    ['another file inside it', 'example-org/workshops', { kubeconfig: 'leftover-pods.json' }, 'clusters.pilot.kubernetes.kubeconfig: leftover-pods.json is not granted to example-org/workshops; granted: kubeconfig.yaml'],
    ['a context of the file not granted', 'example-org/workshops', { kubeconfig: 'kubeconfig.yaml', context: 'staging' }, 'clusters.pilot.kubernetes.context: staging is not granted to example-org/workshops; granted: pilot-hubs'],
    ['a namespace not granted', 'example-org/workshops', { kubeconfig: 'kubeconfig.yaml', namespace: 'kube-system' }, 'clusters.pilot.kubernetes.namespace: kube-system is not granted to example-org/workshops; granted: workshop-readiness, workshop-tests'],
    ['a priority class that would preempt users', 'example-org/workshops', { kubeconfig: 'kubeconfig.yaml', priorityClassName: 'system-cluster-critical' }, 'clusters.pilot.kubernetes.priorityClassName: system-cluster-critical is not granted to example-org/workshops; granted: workshop-readiness-placeholder'],
    ['any priority class where none is granted', 'other-org/workshops', { kubeconfig: 'kubeconfig.yaml', context: 'staging', priorityClassName: 'high' }, 'clusters.pilot.kubernetes.priorityClassName: high is not granted to other-org/workshops; granted: (none)'],
    ['the app\'s own cluster, not granted', 'example-org/workshops', { inCluster: true }, 'clusters.pilot.kubernetes.inCluster: the app\'s own cluster is not granted to example-org/workshops'],
  ])('refused: %s', (_what, repository, kubernetes, reason) => {
    expect(decide(repository, kubernetes)).toEqual({ ok: false, reason: `${reason} (the operator's cluster access file decides this; ask the app's operator)` });
  });

  test('in-cluster credentials only when a grant says inCluster: true', () => {
    const inCluster = clusterAccessSchema.parse({ grants: [{ repositories: ['example-org/workshops'], inCluster: true }] });
    expect(decide('example-org/workshops', { inCluster: true }, inCluster)).toEqual({
      ok: true,
      access: { kubeconfigPath: null, context: null, namespace: 'workshop-readiness', priorityClassName: null, tolerations: [], hubNamespaces: [] },
    });
    expect(decide('example-org/workshops', { kubeconfig: 'kubeconfig.yaml' }, inCluster)).toMatchObject({ ok: false });
  });
});

describe('the cluster access file', () => {
  test('no file → no grants and no problem; the decision says the operator granted nothing', () => {
    expect(loadClusterAccess(null, DIR, () => '')).toEqual({ access: { grants: [] }, problems: [] });
    const clusters = operatorClusters({ accessFile: null, kubeconfigDir: DIR, logger: { info: jest.fn(), warn: jest.fn(), error: jest.fn() } });
    const config = withKubernetes({ kubeconfig: 'kubeconfig.yaml' });
    expect(clusters.decide(config, 'demo-cluster', 'example-org/workshops')).toEqual({ ok: false, reason: 'the operator has not granted any cluster access (CLUSTER_ACCESS_FILE is not set)' });
    expect(clusters.portFor(config, 'demo-cluster', 'example-org/workshops')).toBeNull();
  });

  test.each([
    ['unreadable', () => { throw Object.assign(new Error('no'), { code: 'ENOENT' }); }, 'could not read the cluster access file access.yaml (ENOENT)'],
    ['not YAML', () => 'grants: [', 'could not read the cluster access file access.yaml (not valid YAML or JSON)'],
    ['a typo', () => 'grants:\n  - repositories: [a/b]\n    kubeconfig: k\n    namespace: [x]\n', 'access.yaml: grants.0: unknown key `namespace` under grants.0 — did you mean `namespaces`?'],
    ['a bad repository pattern', () => '{"grants": [{"repositories": ["*"], "kubeconfig": "k"}]}', 'access.yaml: grants.0.repositories.0: write each repository as owner/name or owner/*'],
    ['both a file and inCluster', () => '{"grants": [{"repositories": ["a/*"], "kubeconfig": "k", "inCluster": true}]}', 'access.yaml: grants.0: a grant names either a kubeconfig file or inCluster: true, not both'],
    ['a kubeconfig outside KUBECONFIG_DIR', () => 'grants:\n  - repositories: [a/*]\n    kubeconfig: /root/.kube/config\n', `access.yaml: grants.0.kubeconfig: /root/.kube/config is outside KUBECONFIG_DIR (${DIR})`],
  ])('%s: refused whole, with a line for the operator, and nobody gets access', (_what, read, problem) => {
    const error = jest.fn();
    const loaded = loadClusterAccess('access.yaml', DIR, read as () => string);
    expect(loaded).toEqual({ access: { grants: [] }, problems: [problem] });
    const clusters = operatorClusters({ accessFile: 'access.yaml', kubeconfigDir: DIR, readFile: read as () => string, logger: { info: jest.fn(), warn: jest.fn(), error } });
    expect(error).toHaveBeenCalledWith({ problem }, 'cluster access file refused: no repository gets cluster access');
    expect(clusters.decide(withKubernetes({ kubeconfig: 'k' }), 'demo-cluster', 'a/b')).toEqual({ ok: false, reason: "the operator's cluster access file is not valid (see the app's logs), so no repository has cluster access" });
  });

  test('reap targets: every granted (file, context, namespace) once', () => {
    expect(reapTargets(access, DIR)).toEqual([
      { kubeconfigPath: join(DIR, 'kubeconfig.yaml'), context: 'pilot-hubs', namespace: 'workshop-readiness' },
      { kubeconfigPath: join(DIR, 'kubeconfig.yaml'), context: 'pilot-hubs', namespace: 'workshop-tests' },
      { kubeconfigPath: join(DIR, 'kubeconfig.yaml'), context: 'staging', namespace: 'workshop-readiness' },
    ]);
  });
});

function withKubernetes(kubernetes: Record<string, unknown>) {
  const config = exampleConfig();
  config.clusters['demo-cluster']!.kubernetes = { inCluster: false, ...kubernetes };
  return config;
}

describe('the granted port', () => {
  const STAGING = 'https://k8s.test';
  const token = { reqheaders: { authorization: 'Bearer fake-service-account-token' } };
  const clusters = () => operatorClusters({ accessFile: 'access.yaml', kubeconfigDir: DIR, readFile: () => ACCESS_YAML, logger: { info: jest.fn(), warn: jest.fn(), error: jest.fn() }, now: () => Date.parse('2025-03-01T10:00:00Z') });
  const request = (overrides: Partial<LoadTestSpec> = {}): LoadTestSpec => ({
    issueNumber: 42, runId: 'lt-42-a', namespace: 'kube-system', pool: { ...POOL, tolerations: [] }, replicas: 1, cpu: 0.5, memoryBytes: 2 ** 30, fraction: 1, budgetSeconds: 60, priorityClassName: 'system-cluster-critical', ...overrides,
  });

  test('a load test runs in the granted namespace with the granted priority class, whatever the request says', async () => {
    const port = clusters().portFor(withKubernetes({ kubeconfig: 'kubeconfig.yaml', context: 'staging' }), 'demo-cluster', 'other-org/workshops');
    expect(port).not.toBeNull();
    const created: Array<Record<string, any>> = [];
    nock(STAGING, token).get('/api/v1/nodes').query(true).times(2).reply(200, { kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [] }, JSON_HEADERS);
    nock(STAGING, token)
      .post('/api/v1/namespaces/workshop-readiness/pods', (body) => created.push(body) > 0)
      .reply(403, status(403, 'Forbidden', 'exceeded quota: workshop-readiness, requested: pods=1, used: pods=200, limited: pods=200'), JSON_HEADERS);
    nock(STAGING, token).delete('/api/v1/namespaces/workshop-readiness/pods').query({ labelSelector: 'workshop-readiness/issue=42,workshop-readiness/run=lt-42-a' }).reply(200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] }, JSON_HEADERS);
    const result = await port!.runLoadTest(request());
    expect(created).toHaveLength(1);
    expect(created[0]!.metadata.namespace).toBe('workshop-readiness');
    expect(created[0]!.spec.priorityClassName).toBeUndefined(); // other-org was granted none
    expect(result.reason).toMatch(/^created 0 of 1 placeholder pods, then a ResourceQuota blocked/);
  });

  test('a pool toleration the operator did not grant: not started, no API call, a line for the comment', async () => {
    const port = clusters().portFor(withKubernetes({ kubeconfig: 'kubeconfig.yaml' }), 'demo-cluster', 'example-org/workshops');
    const tainted = { ...POOL, tolerations: [TAINT, { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] };
    const result = await port!.runLoadTest(request({ pool: tainted }));
    expect(result).toMatchObject({ passed: false, running: 0, reason: 'load test not started: the toleration nvidia.com/gpu:NoSchedule of pool n2-highmem-4 is not granted by the operator\'s cluster access file' });
  });

  test('hub placeholders: only in the granted hub namespaces, refused before any call elsewhere', async () => {
    const placeholders = clusters().placeholdersFor(withKubernetes({ kubeconfig: 'kubeconfig.yaml' }), 'demo-cluster', 'example-org/workshops');
    const PILOT = 'https://34.121.0.10';
    nock(PILOT, token)
      .get('/apis/apps/v1/namespaces/workshops/statefulsets/user-placeholder/scale')
      .reply(200, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'user-placeholder', namespace: 'workshops', resourceVersion: '812' }, spec: { replicas: 3 }, status: { replicas: 3 } }, JSON_HEADERS);
    await expect(placeholders!.replicas('workshops')).resolves.toBe(3);
    await expect(placeholders!.scale('kube-system', 0)).rejects.toThrow('namespace kube-system is not among the hub namespaces the operator granted to example-org/workshops (hubNamespaces in the cluster access file: workshops)');
    await expect(placeholders!.replicas('research')).rejects.toThrow(/^namespace research is not among the hub namespaces/);
    expect(clusters().placeholdersFor(withKubernetes({ kubeconfig: 'kubeconfig.yaml' }), 'demo-cluster', 'mallory/workshops')).toBeNull();
  });

  test('reapAll sweeps each granted namespace and logs what a fresh list showed; a failing one does not stop the others', async () => {
    const info = jest.fn();
    const error = jest.fn();
    const operator = operatorClusters({ accessFile: 'access.yaml', kubeconfigDir: DIR, readFile: () => ACCESS_YAML, logger: { info, warn: jest.fn(), error }, now: () => Date.parse('2025-03-01T10:00:00Z') });
    const PILOT = 'https://34.121.0.10';
    const empty = { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] };
    nock(PILOT, token).get('/api/v1/namespaces/workshop-readiness/pods').query({ labelSelector: 'workshop-readiness/issue' }).reply(200, empty, JSON_HEADERS);
    nock(PILOT, token).get('/api/v1/namespaces/workshop-tests/pods').query({ labelSelector: 'workshop-readiness/issue' }).reply(403, status(403, 'Forbidden', 'pods is forbidden'), JSON_HEADERS);
    nock(STAGING, token).get('/api/v1/namespaces/workshop-readiness/pods').query({ labelSelector: 'workshop-readiness/issue' }).reply(200, empty, JSON_HEADERS);
    const reports = await operator.reapAll();
    expect(reports.map((r) => r.namespace)).toEqual(['workshop-readiness', 'workshop-readiness']);
    expect(info).toHaveBeenCalledWith(expect.objectContaining({ context: 'pilot-hubs', namespace: 'workshop-readiness' }), 'namespace workshop-readiness: no expired load-test pods');
    expect(error).toHaveBeenCalledWith(expect.objectContaining({ namespace: 'workshop-tests', err: expect.stringMatching(/^Kubernetes refused listing load-test pods in namespace workshop-tests/) }), 'sweeping load-test pods failed');
  });
});
