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

/**
 * The issue lock for this process. In a cluster (KUBERNETES_SERVICE_HOST) or with COORDINATION=lease
 * (a kubeconfig from KUBECONFIG): a Lease per issue in POD_NAMESPACE, held as POD_NAME (else
 * hostname-pid); COORDINATION=none turns them off. Otherwise one process.
 */
export async function issueLockFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<IssueLock> {
  const mode = env.COORDINATION;
  if (mode === 'none') return singleProcess;
  if (mode !== 'lease' && !env.KUBERNETES_SERVICE_HOST) return singleProcess;
  const { leaseLockFromKubeconfig } = await import('./lease.js');
  return leaseLockFromKubeconfig({
    namespace: env.POD_NAMESPACE,
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    leaseSeconds: Number(env.LEASE_SECONDS ?? 30),
  });
}
