import { existsSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who may reconcile an issue key now. Kept apart from the Lease implementation so a process that does
 * not coordinate never loads @kubernetes/client-node (about 75 MB of resident memory).
 */

export type Claim =
  | { acquired: true; release(): Promise<void> }
  | { acquired: false; holder: string; retryAfterMs: number };

export interface IssueLock {
  acquire(key: string): Promise<Claim>;
  readonly description: string;
}

/** Outside a cluster: one process, so the work queue alone keeps one reconcile per issue. */
export const singleProcess: IssueLock = {
  description: 'single process (no Lease coordination)',
  acquire: async () => ({ acquired: true, release: async () => {} }),
};

/** Where a pod's service account is mounted (the token, its CA and namespace). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Whose credentials the Leases are written with. Never the default kubeconfig lookup: in a cluster only the
 * pod's service account (an operator's `$KUBECONFIG` or `~/.kube/config` there is not the app's to use);
 * outside one only the file `KUBECONFIG` names, and only with an explicit `COORDINATION=lease`.
 */
export type LeaseCredentials =
  /** `pathPrefix` is client-node's: '' in a pod, a fixture directory in tests. */
  | { from: 'service-account'; pathPrefix: string }
  | { from: 'kubeconfig'; path: string };

export type CoordinationDecision =
  | { coordinate: false }
  | { coordinate: true; credentials: LeaseCredentials }
  /** Coordination is asked for but cannot work: said in the log, and reconciles fail rather than run uncoordinated. */
  | { coordinate: true; problem: string };

/**
 * Decides from the environment whether this process coordinates through Leases, and with which
 * credentials. In a cluster (KUBERNETES_SERVICE_HOST): Leases with the service account, unless
 * COORDINATION=none. Outside: one process, unless COORDINATION=lease with a KUBECONFIG.
 */
export function decideCoordination(env: NodeJS.ProcessEnv, serviceAccount: { pathPrefix: string; tokenMounted: boolean }): CoordinationDecision {
  const mode = env.COORDINATION;
  if (mode === 'none') return { coordinate: false };
  if (env.KUBERNETES_SERVICE_HOST) {
    if (serviceAccount.tokenMounted) return { coordinate: true, credentials: { from: 'service-account', pathPrefix: serviceAccount.pathPrefix } };
    return {
      coordinate: true,
      problem:
        `the app runs in a Kubernetes pod (KUBERNETES_SERVICE_HOST is set) but no service account token is mounted at ${serviceAccount.pathPrefix}${SERVICE_ACCOUNT_DIR}/token, ` +
        'so it cannot take the per-issue Leases: mount the workshop-readiness service account (deploy/app.yaml, automountServiceAccountToken not false), ' +
        'or set COORDINATION=none to run a single replica without Leases',
    };
  }
  if (mode !== 'lease') return { coordinate: false };
  if (env.KUBECONFIG) return { coordinate: true, credentials: { from: 'kubeconfig', path: env.KUBECONFIG } };
  return { coordinate: true, problem: 'COORDINATION=lease outside a cluster needs KUBECONFIG to name the kubeconfig whose credentials write the Leases (~/.kube/config is never used implicitly)' };
}

/**
 * The issue lock for this process (see decideCoordination): a Lease per issue in POD_NAMESPACE (else the
 * credentials' namespace), held as POD_NAME (else hostname-pid). Rejects, with a message for the log, when
 * coordination is asked for but its credentials are missing.
 */
export async function issueLockFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  pathPrefix = '',
): Promise<IssueLock> {
  const decision = decideCoordination(env, { pathPrefix, tokenMounted: existsSync(`${pathPrefix}${SERVICE_ACCOUNT_DIR}/token`) });
  if (!decision.coordinate) return singleProcess;
  if ('problem' in decision) throw new Error(decision.problem);
  const { leaseLockWith } = await import('./lease.js');
  return leaseLockWith(decision.credentials, {
    namespace: env.POD_NAMESPACE,
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    leaseSeconds: Number(env.LEASE_SECONDS ?? 30),
  });
}
