import { homedir } from 'node:os';
import { isAbsolute, relative, resolve } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { ClusterConfig, PoolConfig } from '../config/schema.js';
import type { Logger } from '../pipeline/ports.js';
import { toKubeError } from './errors.js';
import { poolNodeSelector } from './labels.js';
import { runLoadTest } from './load-test.js';
import { listActivePods, listPoolNodes, summarizePool } from './observe.js';
import { findRunningLoadTests, sweepLeftovers } from './sweep.js';
import type { ClusterPort } from './types.js';

/** Options of `createClusterPort`; everything but the kubeconfig and namespace has a default. */
export interface ClusterPortOptions {
  kubeConfig: KubeConfig;
  /** Where the sweeper and `findRunningLoadTests` look (a load test uses its spec's namespace). */
  namespace: string;
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
    runLoadTest(spec, onProgress) {
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

/** Where `kubeConfigFor` may read kubeconfig files from. */
export interface KubeConfigForOptions {
  /**
   * Operator-chosen directory (e.g. from an env var) that relative `kubeconfig` paths resolve
   * against and that every kubeconfig path must stay inside. The path comes from repository config,
   * so without this any installation could name any readable file on the app's host.
   */
  kubeconfigDir?: string;
}

/**
 * A KubeConfig for a cluster's `kubernetes:` block, or null when there is nothing to connect with
 * (no block, or neither `inCluster`, `kubeconfig` nor `context`): the plan then uses the formulas.
 * `inCluster` uses the pod's service account; `kubeconfig` reads that file; `context` picks a
 * context (from the file, or from the default kubeconfig — `$KUBECONFIG` or `~/.kube/config`).
 * Throws an Error with a one-line message when the file or the context is missing.
 */
export function kubeConfigFor(cluster: ClusterConfig['kubernetes'], options: KubeConfigForOptions = {}): KubeConfig | null {
  if (!cluster) return null;
  const config = new KubeConfig();
  if (cluster.inCluster) {
    if (!process.env.KUBERNETES_SERVICE_HOST) {
      throw new Error('kubernetes.inCluster is true but the app is not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST is not set)');
    }
    config.loadFromCluster();
    return config;
  }
  if (cluster.kubeconfig) {
    const path = kubeconfigPath(cluster.kubeconfig, options.kubeconfigDir);
    try {
      config.loadFromFile(path);
    } catch (error) {
      // Only the error code: a YAML parser's message quotes the file, and this line may reach a comment.
      const code = (error as NodeJS.ErrnoException).code ?? 'not a valid kubeconfig';
      throw new Error(`could not read kubeconfig ${cluster.kubeconfig} (${code})`);
    }
  } else if (cluster.context) {
    config.loadFromDefault();
  } else {
    return null;
  }
  if (cluster.context) {
    const names = config.getContexts().map((context) => context.name);
    if (!names.includes(cluster.context)) {
      throw new Error(`kubeconfig has no context "${cluster.context}"; it has: ${names.join(', ') || '(none)'}`);
    }
    config.setCurrentContext(cluster.context);
  }
  return config;
}

function kubeconfigPath(configured: string, dir: string | undefined): string {
  const expanded = configured.startsWith('~/') ? resolve(homedir(), configured.slice(2)) : configured;
  if (!dir) return resolve(expanded);
  const path = resolve(dir, expanded);
  const inside = relative(resolve(dir), path);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new Error(`kubeconfig ${configured} is outside the directory the operator allowed (${dir})`);
  }
  return path;
}
