import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Config } from '../config/schema.js';
import type { Logger } from '../pipeline/ports.js';
import { accessProblems, clusterAccessSchema, insideDirectory, resolveAccess, type AccessDecision, type ClusterAccess } from './access.js';
import { createClusterPort, kubeConfigFor } from './cluster.js';
import { KubeError } from './errors.js';
import { placeholderScale, type PlaceholderScalePort } from './placeholder-scale.js';
import { describeReap, type ReapReport } from './sweep.js';
import type { ClusterPort } from './types.js';

/**
 * The operator's side of cluster access, read once at start-up: the cluster access file
 * (CLUSTER_ACCESS_FILE, YAML or JSON) and the directory kubeconfig files live in (KUBECONFIG_DIR).
 * Without a valid file no repository gets any cluster: the plan uses the formulas, and `/loadtest`
 * says why it cannot run.
 */

export const DEFAULT_KUBECONFIG_DIR = '/etc/workshop-readiness/kubeconfigs';

type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface OperatorClusterOptions {
  /** Path of the cluster access file; null/absent = no access for anyone. */
  accessFile?: string | null;
  kubeconfigDir?: string;
  logger: Log;
  /** Injected so tests need no file. */
  readFile?: (path: string) => string;
  now?: () => number;
}

export interface OperatorClusters {
  /** Whether `repository` may use cluster `clusterName` as its config asks, and with what. */
  decide(config: Config, clusterName: string, repository: string): AccessDecision;
  /** The port for a granted cluster, or null (the reason is logged). */
  portFor(config: Config, clusterName: string, repository: string): ClusterPort | null;
  /**
   * The hub placeholders of a granted cluster, limited to the hub namespaces the grant lists: a
   * namespace outside them is refused before any call, with a line that says so. Null without access.
   */
  placeholdersFor(config: Config, clusterName: string, repository: string): PlaceholderScalePort | null;
  /** Sweeps every granted namespace of every granted kubeconfig; never throws. */
  reapAll(): Promise<ReapReport[]>;
}

const NO_ACCESS: ClusterAccess = { grants: [] };

/** Reads and validates the cluster access file; every problem is one line for the operator's log. */
export function loadClusterAccess(file: string | null | undefined, kubeconfigDir: string, readFile: (path: string) => string): { access: ClusterAccess; problems: string[] } {
  if (!file) return { access: NO_ACCESS, problems: [] };
  let raw: unknown;
  try {
    raw = parse(readFile(file));
  } catch (error) {
    // A read error's code (ENOENT, EACCES), else a parse error: never the file's text, which may quote secrets.
    const code = (error as NodeJS.ErrnoException).code;
    const why = code && /^E[A-Z]+$/.test(code) ? code : 'not valid YAML or JSON';
    return { access: NO_ACCESS, problems: [`could not read the cluster access file ${file} (${why})`] };
  }
  const result = clusterAccessSchema.safeParse(raw ?? {});
  if (!result.success) {
    return { access: NO_ACCESS, problems: result.error.issues.map((issue) => `${file}: ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`) };
  }
  const problems = accessProblems(result.data, kubeconfigDir).map((line) => `${file}: ${line}`);
  return problems.length ? { access: NO_ACCESS, problems } : { access: result.data, problems: [] };
}

export function operatorClusters(options: OperatorClusterOptions): OperatorClusters {
  const kubeconfigDir = options.kubeconfigDir ?? DEFAULT_KUBECONFIG_DIR;
  const { access, problems } = loadClusterAccess(options.accessFile, kubeconfigDir, options.readFile ?? ((path) => readFileSync(path, 'utf8')));
  for (const problem of problems) options.logger.error({ problem }, 'cluster access file refused: no repository gets cluster access');
  const unusable = problems.length
    ? 'the operator\'s cluster access file is not valid (see the app\'s logs), so no repository has cluster access'
    : !options.accessFile
      ? 'the operator has not granted any cluster access (CLUSTER_ACCESS_FILE is not set)'
      : null;

  const decide = (config: Config, clusterName: string, repository: string): AccessDecision => {
    const kubernetes = config.clusters[clusterName]?.kubernetes;
    if (!kubernetes) return { ok: false, reason: `clusters.${clusterName} has no kubernetes block` };
    if (unusable) return { ok: false, reason: unusable };
    return resolveAccess(access, { repository, clusterName, kubernetes, kubeconfigDir });
  };

  const portOf = (grant: { kubeconfigPath: string | null; context: string | null; namespace: string; priorityClassName: string | null; tolerations?: ClusterAccess['grants'][number]['tolerations'] }) =>
    createClusterPort({
      kubeConfig: kubeConfigFor(grant),
      namespace: grant.namespace,
      priorityClassName: grant.priorityClassName,
      ...(grant.tolerations ? { allowedTolerations: grant.tolerations } : {}),
      logger: options.logger,
      ...(options.now ? { now: options.now } : {}),
    });

  return {
    decide,
    portFor(config, clusterName, repository) {
      const decision = decide(config, clusterName, repository);
      if (!decision.ok) {
        options.logger.warn({ cluster: clusterName, repository, reason: decision.reason }, 'no access to the cluster');
        return null;
      }
      try {
        return portOf(decision.access);
      } catch (error) {
        options.logger.warn({ cluster: clusterName, repository, err: (error as Error).message }, 'no access to the cluster');
        return null;
      }
    },
    placeholdersFor(config, clusterName, repository) {
      const decision = decide(config, clusterName, repository);
      if (!decision.ok) return null;
      let port: PlaceholderScalePort;
      try {
        port = placeholderScale(kubeConfigFor(decision.access));
      } catch (error) {
        options.logger.warn({ cluster: clusterName, repository, err: (error as Error).message }, 'no access to the cluster');
        return null;
      }
      const granted = decision.access.hubNamespaces;
      const guard = (namespace: string) => {
        if (!granted.includes(namespace)) {
          throw new KubeError(`namespace ${namespace} is not among the hub namespaces the operator granted to ${repository} (hubNamespaces in the cluster access file: ${granted.join(', ') || 'none'})`, 403, 'Forbidden');
        }
      };
      return {
        async replicas(namespace) {
          guard(namespace);
          return port.replicas(namespace);
        },
        async scale(namespace, replicas) {
          guard(namespace);
          return port.scale(namespace, replicas);
        },
      };
    },
    async reapAll() {
      const reports: ReapReport[] = [];
      for (const target of reapTargets(access, kubeconfigDir)) {
        const where = { kubeconfig: target.kubeconfigPath ?? '(in cluster)', context: target.context, namespace: target.namespace };
        try {
          const report = await portOf({ ...target, priorityClassName: null }).sweepLeftovers();
          reports.push(report);
          options.logger.info({ ...where, deleted: report.deleted.length, verified: report.verified }, describeReap(report));
        } catch (error) {
          options.logger.error({ ...where, err: (error as Error).message }, 'sweeping load-test pods failed');
        }
      }
      return reports;
    },
  };
}

/** Every distinct (credentials, context, namespace) the operator granted: where load-test pods can be. */
export function reapTargets(access: ClusterAccess, kubeconfigDir: string): Array<{ kubeconfigPath: string | null; context: string | null; namespace: string }> {
  const targets = new Map<string, { kubeconfigPath: string | null; context: string | null; namespace: string }>();
  for (const grant of access.grants) {
    const kubeconfigPath = grant.inCluster ? null : insideDirectory(grant.kubeconfig ?? '', kubeconfigDir);
    if (!grant.inCluster && kubeconfigPath === null) continue;
    const contexts = grant.contexts.length ? grant.contexts : [null];
    for (const context of contexts) {
      for (const namespace of grant.namespaces) targets.set(JSON.stringify([kubeconfigPath, context, namespace]), { kubeconfigPath, context, namespace });
    }
  }
  return [...targets.values()];
}
