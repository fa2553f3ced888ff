import { createHash } from 'node:crypto';
import { ApiException, CoordinationV1Api, KubeConfig, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import type { Claim, IssueLock, LeaseCredentials } from './coordination.js';
import { toKubeError } from './errors.js';

/**
 * One reconcile per issue across the replicas of the Deployment, through a `coordination.k8s.io/v1`
 * Lease per issue key, as client-go's leader election uses them: the holder writes its identity and
 * renew time, renews while it works, and gives the Lease up when done; a crashed holder's Lease simply
 * expires. Nothing is ever stored in GitHub to coordinate.
 */

/** `workshop-readiness-<16 hex>`: a valid DNS-1123 name for any repository and issue number. */
export function leaseName(key: string): string {
  return `workshop-readiness-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

export interface LeaseLockOptions {
  api: Pick<CoordinationV1Api, 'createNamespacedLease' | 'readNamespacedLease' | 'replaceNamespacedLease'>;
  namespace: string;
  identity: string;
  /** How long a holder that stopped renewing keeps the Lease. */
  leaseSeconds?: number;
  now?: () => number;
  /** Renewal timer; injected so tests run without real time. */
  every?: (run: () => void, ms: number) => { stop(): void };
}

const realEvery = (run: () => void, ms: number) => {
  const timer = setInterval(run, ms);
  timer.unref();
  return { stop: () => clearInterval(timer) };
};

const codeOf = (error: unknown) => (error instanceof ApiException ? (error as ApiException<unknown>).code : undefined);

export class LeaseLock implements IssueLock {
  private readonly leaseSeconds: number;
  private readonly now: () => number;
  private readonly every: NonNullable<LeaseLockOptions['every']>;
  /** Lease names known to exist: acquiring those starts with a read, not a create bound to conflict. */
  private readonly known = new Set<string>();

  constructor(private readonly options: LeaseLockOptions) {
    this.leaseSeconds = options.leaseSeconds ?? 30;
    this.now = options.now ?? Date.now;
    this.every = options.every ?? realEvery;
  }

  get description(): string {
    return `Lease per issue in namespace ${this.options.namespace} as ${this.options.identity}`;
  }

  async acquire(key: string): Promise<Claim> {
    const { api, namespace, identity } = this.options;
    const name = leaseName(key);
    const now = this.now();
    if (!this.known.has(name)) {
      try {
        const created = await api.createNamespacedLease({ namespace, body: this.lease(name, key, now, 0) });
        this.remember(name);
        return this.held(name, created);
      } catch (error) {
        if (codeOf(error) !== 409) throw toKubeError(error, `creating Lease ${name}`, undefined);
        this.remember(name);
      }
    }
    let current: V1Lease;
    try {
      current = await api.readNamespacedLease({ name, namespace });
    } catch (error) {
      // Deleted by someone between our create and read: try again shortly.
      if (codeOf(error) === 404) {
        this.known.delete(name);
        return { acquired: false, holder: '(deleted)', retryAfterMs: 100 };
      }
      throw toKubeError(error, `reading Lease ${name}`, undefined);
    }
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const expiresAt = renewed + (spec.leaseDurationSeconds ?? this.leaseSeconds) * 1000;
    // Our own identity here is a previous run of this process that died mid-reconcile: the queue never
    // runs one key twice at once in a process, so taking it back is safe.
    if (holder && holder !== identity && expiresAt > now) {
      return { acquired: false, holder, retryAfterMs: Math.min(Math.max(expiresAt - now, 200), 2000) };
    }
    const transitions = (spec.leaseTransitions ?? 0) + (holder && holder !== identity ? 1 : 0);
    const body: V1Lease = { ...this.lease(name, key, now, transitions), metadata: { ...current.metadata, name } };
    try {
      // The resourceVersion makes this a compare-and-swap: if another replica got there first, 409.
      const taken = await api.replaceNamespacedLease({ name, namespace, body });
      return this.held(name, taken);
    } catch (error) {
      if (codeOf(error) === 409) return { acquired: false, holder: '(another replica, just now)', retryAfterMs: 500 };
      throw toKubeError(error, `taking Lease ${name}`, undefined);
    }
  }

  private remember(name: string): void {
    // Bounded: forgetting a name only costs one create that answers 409.
    if (this.known.size > 10_000) this.known.clear();
    this.known.add(name);
  }

  private lease(name: string, key: string, now: number, transitions: number): V1Lease {
    const at = new V1MicroTime(now);
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, labels: { 'app.kubernetes.io/name': 'workshop-readiness' }, annotations: { 'workshop-readiness/issue': key } },
      spec: { holderIdentity: this.options.identity, leaseDurationSeconds: this.leaseSeconds, acquireTime: at, renewTime: at, leaseTransitions: transitions },
    };
  }

  /** Renews while the reconcile runs; release hands the Lease back so the next replica need not wait. */
  private held(name: string, lease: V1Lease): Claim {
    const { api, namespace } = this.options;
    let latest = lease;
    let chain: Promise<void> = Promise.resolve();
    const write = (spec: V1Lease['spec']) => {
      chain = chain.then(async () => {
        try {
          latest = await api.replaceNamespacedLease({ name, namespace, body: { ...latest, spec } });
        } catch {
          // Lost or unreachable: the Lease expires on its own; the next acquire sorts it out.
        }
      });
      return chain;
    };
    const renewal = this.every(() => void write({ ...latest.spec, renewTime: new V1MicroTime(this.now()) }), (this.leaseSeconds * 1000) / 3);
    return {
      acquired: true,
      release: async () => {
        renewal.stop();
        const { holderIdentity: _released, ...rest } = latest.spec ?? {};
        await write({ ...rest, leaseDurationSeconds: 1 });
      },
    };
  }
}

/**
 * Leases with exactly the credentials decided in coordination.ts: the pod's service account
 * (`loadFromCluster`) or the named kubeconfig file, never `loadFromDefault`'s search through `$KUBECONFIG`
 * and `~/.kube/config`. In `namespace`, else the credentials' own (the service account's namespace).
 */
export function leaseLockWith(credentials: LeaseCredentials, options: { namespace: string | undefined; identity: string; leaseSeconds: number }): LeaseLock {
  const kubeConfig = new KubeConfig();
  if (credentials.from === 'service-account') {
    kubeConfig.loadFromCluster(credentials.pathPrefix);
  } else {
    kubeConfig.loadFromFile(credentials.path);
  }
  const namespace = options.namespace ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
  return new LeaseLock({ api: kubeConfig.makeApiClient(CoordinationV1Api), namespace, identity: options.identity, leaseSeconds: options.leaseSeconds });
}
