import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/**
 * What deploy/ promises an operator, checked on the parsed manifests: every pod passes the
 * "restricted" Pod Security profile and is bounded, the Deployment survives rollouts and drains,
 * something always sweeps, and RBAC grants exactly what the code calls.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
type Obj = Record<string, any>; // parsed YAML

function load(dir: string): Obj[] {
  return readdirSync(path.join(root, dir))
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(path.join(root, dir, file), 'utf8')).map((doc): Obj => ({ ...(doc.toJS() as Obj), __file: `${dir}/${file}` })))
    .filter((obj) => obj.kind);
}

const manifests = load('deploy');
const optional = load('deploy/optional');
const only = (kind: string, from = manifests) => from.filter((obj) => obj.kind === kind);
const one = (kind: string) => {
  const found = only(kind);
  expect(found).toHaveLength(1);
  return found[0] as Obj;
};

/** Every pod template in a set of manifests, with where it came from. */
function podTemplates(objects: Obj[]): { where: string; spec: Obj; bounded: 'probes' | 'deadline' }[] {
  return objects.flatMap((obj): { where: string; spec: Obj; bounded: 'probes' | 'deadline' }[] => {
    if (obj.kind === 'Deployment' || obj.kind === 'StatefulSet' || obj.kind === 'DaemonSet') return [{ where: `${obj.kind}/${obj.metadata.name}`, spec: obj.spec.template.spec, bounded: 'probes' }];
    if (obj.kind === 'Job') return [{ where: `Job/${obj.metadata.name}`, spec: { ...obj.spec.template.spec, activeDeadlineSeconds: obj.spec.activeDeadlineSeconds }, bounded: 'deadline' }];
    if (obj.kind === 'CronJob') {
      const job = obj.spec.jobTemplate.spec;
      return [{ where: `CronJob/${obj.metadata.name}`, spec: { ...job.template.spec, activeDeadlineSeconds: job.activeDeadlineSeconds }, bounded: 'deadline' }];
    }
    if (obj.kind === 'Pod') return [{ where: `Pod/${obj.metadata.name}`, spec: obj.spec, bounded: 'probes' }];
    return [];
  });
}

/** The "restricted" Pod Security profile, plus what this project asks of every pod. Empty = fine. */
function podProblems(spec: Obj, bounded: 'probes' | 'deadline'): string[] {
  const problems: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) problems.push('shares a host namespace');
  if ((spec.volumes ?? []).some((v: Obj) => v.hostPath)) problems.push('mounts a hostPath');
  if (bounded === 'deadline' && !(spec.activeDeadlineSeconds > 0)) problems.push('a Job without activeDeadlineSeconds can hang forever');
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Obj[]) {
    const c = container.securityContext ?? {};
    const say = (what: string) => problems.push(`${container.name}: ${what}`);
    if ((c.runAsNonRoot ?? pod.runAsNonRoot) !== true) say('runAsNonRoot is not true');
    if ((c.runAsUser ?? pod.runAsUser) === 0) say('runs as uid 0');
    if ((c.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault') say('seccompProfile is not RuntimeDefault');
    if (c.allowPrivilegeEscalation !== false) say('allowPrivilegeEscalation is not false');
    if (!(c.capabilities?.drop ?? []).includes('ALL')) say('capabilities do not drop ALL');
    if ((c.capabilities?.add ?? []).some((cap: string) => cap !== 'NET_BIND_SERVICE')) say('adds capabilities');
    if (c.privileged) say('is privileged');
    if (c.readOnlyRootFilesystem !== true) say('root filesystem is writable');
    for (const kind of ['requests', 'limits']) {
      for (const resource of ['cpu', 'memory']) if (!container.resources?.[kind]?.[resource]) say(`no ${resource} ${kind}`);
    }
    if (bounded === 'probes' && (!container.readinessProbe || !container.livenessProbe)) say('no readiness or liveness probe');
  }
  return problems;
}

describe('every pod passes Pod Security "restricted" and is bounded', () => {
  test('the namespace enforces restricted', () => {
    const namespace = one('Namespace');
    expect(namespace.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  const pods = podTemplates(manifests);
  test('the Deployment and the sweep CronJob are both checked', () => {
    expect(pods.map((p) => p.where).sort()).toEqual(['CronJob/workshop-readiness-sweep', 'Deployment/workshop-readiness']);
  });

  test.each(pods.map((p) => [p.where, p] as const))('%s', (_where, pod) => {
    expect(podProblems(pod.spec, pod.bounded)).toEqual([]);
  });

  // The checker itself must catch what it names: a pod like the sweep's before it was fixed.
  test.each([
    ['no securityContext at all', { containers: [{ name: 'sweep', resources: { requests: { cpu: '1m', memory: '1Mi' }, limits: { cpu: '1m', memory: '1Mi' } } }], activeDeadlineSeconds: 60 }, 'deadline', /runAsNonRoot.*seccomp.*allowPrivilegeEscalation.*ALL.*writable/s],
    ['no limits, no probes', { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }, resources: { requests: { cpu: '1m', memory: '1Mi' } } }] }, 'probes', /no cpu limits.*no memory limits.*no readiness or liveness probe/s],
    ['a Job with no deadline, as root', { securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } }, containers: [] }, 'deadline', /can hang forever/],
    ['a hostPath and added capabilities', { securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, volumes: [{ name: 'h', hostPath: { path: '/' } }], containers: [{ name: 'x', securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } }, resources: { requests: { cpu: '1m', memory: '1Mi' }, limits: { cpu: '1m', memory: '1Mi' } }, readinessProbe: {}, livenessProbe: {} }] }, 'probes', /hostPath.*adds capabilities/s],
  ] as const)('the check refuses a pod with %s', (_name, spec, bounded, expected) => {
    expect(podProblems(spec as Obj, bounded).join('\n')).toMatch(expected);
  });
});

describe('the Deployment', () => {
  const deployment = () => one('Deployment');
  const container = () => deployment().spec.template.spec.containers[0] as Obj;
  const env = (name: string) => (container().env as Obj[]).find((e) => e.name === name);

  test('2 replicas, a rollout that never drops below them, and a disruption budget that keeps one', () => {
    expect(deployment().spec.replicas).toBe(2);
    expect(deployment().spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const budget = one('PodDisruptionBudget');
    expect(budget.spec.selector.matchLabels).toEqual(deployment().spec.selector.matchLabels);
    expect(budget.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(budget.spec.minAvailable).toBeLessThan(deployment().spec.replicas);
  });

  test('the pod has its service account token: the Leases are taken with it, never with a kubeconfig', () => {
    expect(deployment().spec.template.spec.serviceAccountName).toBe('workshop-readiness');
    expect(deployment().spec.template.spec.automountServiceAccountToken).not.toBe(false);
  });

  test('the pod knows its name and namespace (Lease holder identity) from the downward API', () => {
    expect(env('POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(env('POD_NAMESPACE')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.namespace');
  });

  test('the grace period outlasts the app own shutdown budget (src/server/main.ts: 5 s + 45 s)', () => {
    const source = readFileSync(path.join(root, 'src/server/main.ts'), 'utf8');
    const drain = Number(/SHUTDOWN_DRAIN_DELAY_SECONDS', ([\d_]+)/.exec(source)?.[1]?.replace(/_/g, ''));
    const hooks = Number(/SHUTDOWN_HOOK_BUDGET_SECONDS', ([\d_]+)/.exec(source)?.[1]?.replace(/_/g, ''));
    expect(drain + hooks).toBeGreaterThan(0);
    expect(deployment().spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(drain + hooks);
  });

  test('the only writable place is an emptyDir on /tmp', () => {
    const mounts = container().volumeMounts as Obj[];
    const volumes = deployment().spec.template.spec.volumes as Obj[];
    const writable = mounts.filter((m) => !m.readOnly).map((m) => ({ path: m.mountPath, volume: volumes.find((v) => v.name === m.name) }));
    expect(writable).toEqual([{ path: '/tmp', volume: expect.objectContaining({ emptyDir: expect.anything() }) }]);
  });

  test('the folders the app reads credentials from are mounted, read-only', () => {
    const mounts = container().volumeMounts as Obj[];
    const kubeconfigDir = env('KUBECONFIG_DIR')?.value;
    expect(mounts).toContainEqual(expect.objectContaining({ mountPath: kubeconfigDir, readOnly: true }));
    expect(mounts).toContainEqual(expect.objectContaining({ mountPath: '/etc/workshop-readiness/access', readOnly: true }));
  });

  test('the heap cap in the Dockerfile leaves room under the memory limit', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
    const heapMiB = Number(/--max-old-space-size=(\d+)/.exec(dockerfile)?.[1]);
    const limit = /^(\d+)Mi$/.exec(container().resources.limits.memory)?.[1];
    expect(heapMiB).toBeGreaterThan(0);
    expect(heapMiB).toBeLessThanOrEqual(Number(limit) * 0.7);
  });
});

describe('something always sweeps', () => {
  test('with the in-process timer off, a CronJob POSTs /sweep to the Service with the same token', () => {
    const deployment = one('Deployment');
    const env = deployment.spec.template.spec.containers[0].env as Obj[];
    const interval = env.find((e) => e.name === 'SWEEP_INTERVAL_MINUTES')?.value;
    if (interval !== '0') return expect(Number(interval)).toBeGreaterThan(0); // the timer sweeps
    const token = env.find((e) => e.name === 'SWEEP_TOKEN')?.valueFrom?.secretKeyRef;
    // Named and not optional: a Secret without the key stops the pod visibly instead of turning /sweep off.
    expect(token).toEqual({ name: 'workshop-readiness', key: 'SWEEP_TOKEN' });

    const cron = one('CronJob');
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec.startingDeadlineSeconds).toBeGreaterThan(0);
    const minutes = Number(/^\*\/(\d+) \* \* \* \*$/.exec(cron.spec.schedule)?.[1]);
    expect(minutes).toBeGreaterThan(0);
    expect(minutes).toBeLessThanOrEqual(15);
    const job = cron.spec.jobTemplate.spec;
    const sweep = job.template.spec.containers[0] as Obj;
    expect(sweep.env.find((e: Obj) => e.name === 'SWEEP_TOKEN').valueFrom.secretKeyRef).toEqual(token);
    const args = (sweep.args as string[]).join(' ');
    const service = one('Service');
    expect(args).toContain(`-X POST -H Authorization: Bearer $(SWEEP_TOKEN) http://${service.metadata.name}.${service.metadata.namespace}.svc/sweep`);
    expect(args).toContain('--fail-with-body');
    const maxTime = Number(/--max-time (\d+)/.exec(args)?.[1]);
    expect(maxTime).toBeLessThan(job.activeDeadlineSeconds);
    expect(job.activeDeadlineSeconds).toBeLessThanOrEqual(minutes * 60); // done before the next one is due
  });
});

/** The Kubernetes API calls the source makes, as RBAC sees them. */
function apiCallsInSource(): { resource: string; verb: string; scope: 'namespace' | 'cluster'; where: string }[] {
  const verbs: Record<string, string> = { create: 'create', read: 'get', list: 'list', replace: 'update', patch: 'patch', delete: 'delete', deleteCollection: 'deletecollection' };
  const resources: Record<string, string> = { Pod: 'pods', Node: 'nodes', Lease: 'leases', StatefulSet: 'statefulsets', StatefulSetScale: 'statefulsets/scale', ConfigMap: 'configmaps', Secret: 'secrets', Event: 'events' };
  const calls: { resource: string; verb: string; scope: 'namespace' | 'cluster'; where: string }[] = [];
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  for (const file of walk(path.join(root, 'src'))) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/\.(create|read|list|replace|patch|delete|deleteCollection)(Namespaced)?(PodTemplate|StatefulSetScale|StatefulSet|ConfigMap|Secret|Event|Lease|Node|Pod)(ForAllNamespaces)?\(/g)) {
      const [, verb, namespaced, kind, allNamespaces] = match;
      calls.push({ resource: resources[kind!] ?? `unknown kind ${kind}`, verb: verbs[verb!]!, scope: namespaced && !allNamespaces ? 'namespace' : 'cluster', where: path.relative(root, file) });
    }
  }
  return calls;
}

function grants(objects: Obj[], kind: 'Role' | 'ClusterRole'): { resource: string; verb: string; name: string }[] {
  return only(kind, objects).flatMap((role) =>
    (role.rules as Obj[]).flatMap((rule) => (rule.resources as string[]).flatMap((resource) => (rule.verbs as string[]).map((verb) => ({ resource, verb, name: role.metadata.name })))),
  );
}

describe('RBAC: least privilege, namespaced wherever possible', () => {
  const roles = grants(manifests, 'Role');
  const clusterRoles = grants(manifests, 'ClusterRole');
  const optionalClusterRoles = grants(optional, 'ClusterRole');

  test('no wildcard, no secrets, nothing written cluster-wide', () => {
    for (const grant of [...roles, ...clusterRoles, ...optionalClusterRoles]) {
      expect(grant.verb).not.toBe('*');
      expect(grant.resource).not.toBe('*');
      expect(grant.resource).not.toBe('secrets');
    }
    expect([...clusterRoles, ...optionalClusterRoles].filter((g) => g.verb !== 'list')).toEqual([]);
  });

  test('cluster-wide, the app reads only nodes; reading every pod is a separate, optional grant', () => {
    expect(clusterRoles.map((g) => `${g.resource}:${g.verb}`)).toEqual(['nodes:list']);
    expect(optionalClusterRoles.map((g) => `${g.resource}:${g.verb}`)).toEqual(['pods:list']);
  });

  test('every Kubernetes call in src/ is granted, at the narrowest scope', () => {
    const calls = apiCallsInSource();
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const pool = call.scope === 'namespace' ? [...roles, ...clusterRoles] : [...clusterRoles, ...optionalClusterRoles];
      expect({ ...call, granted: pool.some((g) => g.resource === call.resource && g.verb === call.verb) }).toEqual({ ...call, granted: true });
    }
  });

  test('every pod and node verb granted is one the code calls (no get or watch "for later")', () => {
    const used = new Set(apiCallsInSource().map((c) => `${c.resource}:${c.verb}`));
    const granted = [...roles, ...clusterRoles, ...optionalClusterRoles].filter((g) => g.resource === 'pods' || g.resource === 'nodes');
    expect(granted.filter((g) => !used.has(`${g.resource}:${g.verb}`))).toEqual([]);
  });

  test('Leases: get, create and update in the app namespace only, bound to its service account', () => {
    const deployment = one('Deployment');
    const namespace = deployment.metadata.namespace;
    const leaseRoles = only('Role').filter((role) => (role.rules as Obj[]).some((rule) => (rule.resources as string[]).includes('leases')));
    expect(leaseRoles).toHaveLength(1);
    const role = leaseRoles[0] as Obj;
    expect(role.metadata.namespace).toBe(namespace);
    expect(role.rules).toEqual([{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }]);
    const binding = only('RoleBinding').find((b) => b.roleRef.name === role.metadata.name);
    expect(binding?.metadata.namespace).toBe(namespace);
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: deployment.spec.template.spec.serviceAccountName, namespace }]);
  });

  test('placeholder pods are written only in the namespace a Role covers', () => {
    const podWriters = only('Role').filter((role) => (role.rules as Obj[]).some((rule) => rule.resources.includes('pods') && rule.verbs.includes('create')));
    expect(podWriters.map((role) => role.metadata.namespace)).toEqual(['workshop-readiness']);
  });
});
