import { basename } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { PoolConfig, Toleration } from '../config/schema.js';
import { describeToleration, toleranceOutside, type ResolvedAccess } from './access.js';
import type { Logger } from '../pipeline/ports.js';
import { toKubeError } from './errors.js';
import { poolNodeSelector } from './labels.js';
import { notStarted, runLoadTest } from './load-test.js';
import { listActivePods, listPoolNodes, summarizePool } from './observe.js';
import { findRunningLoadTests, sweepLeftovers } from './sweep.js';
import type { ClusterPort, LoadTestSpec } from './types.js';

/** Options of `createClusterPort`; everything but the kubeconfig and namespace has a default. */
export interface ClusterPortOptions {
  kubeConfig: KubeConfig;
  /** The granted namespace: load tests run here, and the sweeper and `findRunningLoadTests` look here. */
  namespace: string;
  /** The granted PriorityClass of placeholder pods: null = none; absent = as the spec asks (no operator: tests, CLI). */
  priorityClassName?: string | null;
  /**
   * Tolerations the operator allows on placeholder pods; a load test whose pool asks for another is
   * not started. Absent = no limit (tests and the CLI, which have no operator).
   */
  allowedTolerations?: Toleration[];
  /** Milliseconds since the epoch; injected so tests drive time. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Between two polls of a running load test; default 10 s, the cluster autoscaler's scan interval. */
  pollIntervalMs?: number;
  /** Minimum time between two `onProgress` calls; default 30 s. */
  progressIntervalMs?: number;
  /** Page size of the cluster-wide pod list; default 500. */
  listPageSize?: number;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
}

const quiet: Pick<Logger, 'info' | 'warn' | 'error'> = { info() {}, warn() {}, error() {} };

/**
 * The Kubernetes adapter behind `ClusterPort`. A load test waits by polling the run's pods (one
 * label-selected list per interval) rather than with a Watch: polling survives API-server restarts
 * and dropped connections without resync logic, a missed poll costs nothing, and tests drive it with
 * an injected clock instead of a streaming mock. At a 10 s interval a 15-minute test is ~90 lists.
 */
export function createClusterPort(options: ClusterPortOptions): ClusterPort {
  const api = options.kubeConfig.makeApiClient(CoreV1Api);
  const server = options.kubeConfig.getCurrentCluster()?.server;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const logger = options.logger ?? quiet;
  const sweepDeps = { api, namespace: options.namespace, server, now, logger };

  return {
    /**
     * Two calls (nodes of the pool, then all active pods) or one when the pool has no nodes: then it
     * returns null, because a pool scaled to zero has nothing to measure and the plan falls back to
     * the formulas. Throws a KubeError with a one-line message when the cluster says no.
     */
    async observePool(pool: PoolConfig) {
      poolNodeSelector(pool); // a config mistake, not a cluster one: thrown as is, before any call
      let step = `listing the nodes of pool ${pool.instanceType}`;
      try {
        const nodes = await listPoolNodes(api, pool);
        if (nodes.length === 0) return null;
        step = 'listing pods in all namespaces (daemonset overhead, pending pods)';
        const pods = await listActivePods(api, options.listPageSize ?? 500);
        return summarizePool(pool, nodes, pods);
      } catch (error) {
        throw toKubeError(error, step, server);
      }
    },
    runLoadTest(requested, onProgress) {
      // What the operator granted wins over what the repository's config asked for.
      const { priorityClassName: asked, ...rest } = requested;
      const priorityClassName = options.priorityClassName === undefined ? asked : options.priorityClassName;
      const spec: LoadTestSpec = { ...rest, namespace: options.namespace, ...(priorityClassName ? { priorityClassName } : {}) };
      const outside = options.allowedTolerations ? toleranceOutside(spec.pool.tolerations, options.allowedTolerations) : null;
      if (outside) return Promise.resolve(notStarted(spec, `the toleration ${describeToleration(outside)} of pool ${spec.pool.instanceType} is not granted by the operator's cluster access file`));
      const deps = {
        api,
        server,
        now,
        sleep,
        logger,
        pollIntervalMs: options.pollIntervalMs ?? 10_000,
        progressIntervalMs: options.progressIntervalMs ?? 30_000,
      };
      return runLoadTest(deps, spec, onProgress);
    },
    sweepLeftovers: () => sweepLeftovers(sweepDeps),
    findRunningLoadTests: () => findRunningLoadTests(sweepDeps),
  };
}

/**
 * The KubeConfig for what the operator granted: the kubeconfig file (its current context, or the
 * granted one) or, only when a grant says `inCluster: true`, the pod's service account. Never the
 * default kubeconfig (`$KUBECONFIG`, `~/.kube/config`): those are the operator's own credentials.
 * Throws an Error with a one-line message when the file or the context is missing.
 */
export function kubeConfigFor(access: Pick<ResolvedAccess, 'kubeconfigPath' | 'context'>): KubeConfig {
  const config = new KubeConfig();
  if (access.kubeconfigPath === null) {
    if (!process.env.KUBERNETES_SERVICE_HOST) {
      throw new Error('in-cluster access is granted but the app is not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set)');
    }
    config.loadFromCluster();
    return config;
  }
  const name = basename(access.kubeconfigPath);
  try {
    config.loadFromFile(access.kubeconfigPath);
  } catch (error) {
    // Only the error code: a YAML parser's message quotes the file, and this line may reach a comment.
    const code = (error as NodeJS.ErrnoException).code ?? 'not a valid kubeconfig';
    throw new Error(`could not read kubeconfig ${name} (${code})`);
  }
  if (access.context !== null) {
    const names = config.getContexts().map((context) => context.name);
    if (!names.includes(access.context)) {
      throw new Error(`kubeconfig ${name} has no context "${access.context}"; it has: ${names.join(', ') || '(none)'}`);
    }
    config.setCurrentContext(access.context);
  }
  return config;
}
