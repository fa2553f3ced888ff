import { isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { tolerationSchema, type ClusterConfig, type Toleration } from '../config/schema.js';
import { strictObject } from '../config/strict.js';

/**
 * Operator-owned cluster access. Repository config (`clusters.<name>.kubernetes`) is written by
 * whoever can push to the repository; it may only *choose among* what the operator granted in a
 * file on the app's host: which repositories may use which kubeconfig file, context, namespace,
 * priority class and tolerations. Nothing is granted by default.
 */

const REPOSITORY_PATTERN = /^[A-Za-z0-9_.-]+\/(?:[A-Za-z0-9_.-]+|\*)$/;
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export const grantSchema = strictObject({
  /** `owner/name`, or `owner/*` for every repository of an account (an installation). */
  repositories: z.array(z.string().regex(REPOSITORY_PATTERN, 'write each repository as owner/name or owner/*')).min(1),
  /** A kubeconfig file inside KUBECONFIG_DIR (a path relative to it, or absolute inside it). */
  kubeconfig: z.string().min(1).optional(),
  /** The app's own service account, for an app that runs in the cluster it tests. */
  inCluster: z.boolean().default(false),
  /** Contexts of the file the repositories may pick; empty = only the file's current context. */
  contexts: z.array(z.string().min(1)).default([]),
  /** Namespaces for placeholder pods; the first is the default. */
  namespaces: z.array(z.string().regex(NAME, 'a namespace is a DNS label (lower-case letters, digits, -)')).min(1).default(['workshop-readiness']),
  /** PriorityClasses placeholder pods may carry; the first is the default, none = no priority class. */
  priorityClasses: z.array(z.string().regex(NAME, 'a PriorityClass name is lower-case letters, digits, - and .')).default([]),
  /** Tolerations placeholder pods may carry (the pools' `tolerations` must all be listed here). */
  tolerations: z.array(tolerationSchema).default([]),
  /** Hub namespaces whose z2jh `user-placeholder` StatefulSet the app may scale to follow daily windows. */
  hubNamespaces: z.array(z.string().regex(NAME, 'a namespace is a DNS label (lower-case letters, digits, -)')).default([]),
}).refine((grant) => (grant.kubeconfig === undefined) !== !grant.inCluster, 'a grant names either a kubeconfig file or inCluster: true, not both');
export type Grant = z.infer<typeof grantSchema>;

export const clusterAccessSchema = strictObject({ grants: z.array(grantSchema).default([]) });
export type ClusterAccess = z.infer<typeof clusterAccessSchema>;

/** What a repository may use on one cluster, once its choice was found within a grant. */
export interface ResolvedAccess {
  /** Absolute path inside KUBECONFIG_DIR; null for in-cluster credentials. */
  kubeconfigPath: string | null;
  context: string | null;
  namespace: string;
  priorityClassName: string | null;
  /** Tolerations placeholder pods may carry. */
  tolerations: Toleration[];
  /** Hub namespaces whose placeholders the app may scale. */
  hubNamespaces: string[];
}

export type AccessDecision = { ok: true; access: ResolvedAccess } | { ok: false; reason: string };

/** Whether `owner/name` is covered by a grant's `owner/name` or `owner/*` entry (GitHub names are case-insensitive). */
export function repositoryMatches(pattern: string, repository: string): boolean {
  const [owner, name] = pattern.toLowerCase().split('/');
  const [repoOwner, repoName] = repository.toLowerCase().split('/');
  return owner === repoOwner && (name === '*' || name === repoName);
}

/** The absolute path of `file` inside `dir`, or null when it would leave the directory. */
export function insideDirectory(file: string, dir: string): string | null {
  const path = resolve(dir, file);
  const inside = relative(resolve(dir), path);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? null : path;
}

/** Problems with the operator's file that no repository can fix: grants outside KUBECONFIG_DIR. */
export function accessProblems(access: ClusterAccess, kubeconfigDir: string): string[] {
  return access.grants.flatMap((grant, index) =>
    grant.kubeconfig !== undefined && insideDirectory(grant.kubeconfig, kubeconfigDir) === null
      ? [`grants.${index}.kubeconfig: ${grant.kubeconfig} is outside KUBECONFIG_DIR (${kubeconfigDir})`]
      : [],
  );
}

const same = (a: Toleration, b: Toleration) => a.key === b.key && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;

/** The first toleration not in `allowed`, or null when all are. */
export function toleranceOutside(wanted: readonly Toleration[], allowed: readonly Toleration[]): Toleration | null {
  return wanted.find((t) => !allowed.some((a) => same(a, t))) ?? null;
}

export function describeToleration(t: Toleration): string {
  return `${t.key}${t.operator === 'Exists' ? '' : `=${t.value ?? ''}`}:${t.effect}`;
}

const list = (items: readonly string[]) => (items.length ? items.join(', ') : '(none)');

/**
 * Finds the grant that allows what `kubernetes` (a repository's cluster block) asks for, and fills in
 * the operator's defaults. Every refusal is one line saying what was asked, what is allowed, and who
 * can change it. Never loads anything: reading the file is `kubeConfigFor`'s job.
 */
export function resolveAccess(
  access: ClusterAccess,
  input: { repository: string; clusterName: string; kubernetes: NonNullable<ClusterConfig['kubernetes']>; kubeconfigDir: string },
): AccessDecision {
  const { repository, clusterName, kubernetes, kubeconfigDir } = input;
  const refuse = (why: string): AccessDecision => ({ ok: false, reason: `${why} (the operator's cluster access file decides this; ask the app's operator)` });
  const mine = access.grants.filter((grant) => grant.repositories.some((pattern) => repositoryMatches(pattern, repository)));
  if (mine.length === 0) return refuse(`${repository} has no cluster access granted`);

  let candidates: Grant[];
  let kubeconfigPath: string | null = null;
  if (kubernetes.inCluster) {
    candidates = mine.filter((grant) => grant.inCluster);
    if (candidates.length === 0) return refuse(`clusters.${clusterName}.kubernetes.inCluster: the app's own cluster is not granted to ${repository}`);
  } else if (kubernetes.kubeconfig !== undefined) {
    kubeconfigPath = insideDirectory(kubernetes.kubeconfig, kubeconfigDir);
    candidates = kubeconfigPath === null ? [] : mine.filter((grant) => grant.kubeconfig !== undefined && insideDirectory(grant.kubeconfig, kubeconfigDir) === kubeconfigPath);
    if (candidates.length === 0) {
      const files = [...new Set(mine.flatMap((grant) => (grant.kubeconfig ? [grant.kubeconfig] : [])))];
      return refuse(`clusters.${clusterName}.kubernetes.kubeconfig: ${kubernetes.kubeconfig} is not granted to ${repository}; granted: ${list(files)}`);
    }
  } else {
    // The finding this closes: a context alone used to pick from ~/.kube/config.
    return refuse(`clusters.${clusterName}.kubernetes names no kubeconfig (nor inCluster: true); the app never falls back to a default kubeconfig`);
  }

  const context = kubernetes.context ?? null;
  const withContext = candidates.filter((grant) => (context === null ? true : grant.contexts.includes(context)));
  if (withContext.length === 0) {
    return refuse(`clusters.${clusterName}.kubernetes.context: ${context} is not granted to ${repository}; granted: ${list([...new Set(candidates.flatMap((g) => g.contexts))])}`);
  }
  const namespaceOf = (grant: Grant) => kubernetes.namespace ?? grant.namespaces[0]!;
  const withNamespace = withContext.filter((grant) => grant.namespaces.includes(namespaceOf(grant)));
  if (withNamespace.length === 0) {
    return refuse(`clusters.${clusterName}.kubernetes.namespace: ${kubernetes.namespace} is not granted to ${repository}; granted: ${list([...new Set(withContext.flatMap((g) => g.namespaces))])}`);
  }
  const priorityOf = (grant: Grant) => kubernetes.priorityClassName ?? grant.priorityClasses[0] ?? null;
  const granted = withNamespace.find((grant) => {
    const priority = priorityOf(grant);
    return priority === null || grant.priorityClasses.includes(priority);
  });
  if (!granted) {
    return refuse(
      `clusters.${clusterName}.kubernetes.priorityClassName: ${kubernetes.priorityClassName} is not granted to ${repository}; granted: ${list([...new Set(withNamespace.flatMap((g) => g.priorityClasses))])}`,
    );
  }
  return {
    ok: true,
    access: {
      kubeconfigPath: granted.inCluster ? null : kubeconfigPath,
      // Naming no context takes the grant's first; a grant without contexts allows only the file's current one.
      context: context ?? granted.contexts[0] ?? null,
      namespace: namespaceOf(granted),
      priorityClassName: priorityOf(granted),
      tolerations: granted.tolerations,
      hubNamespaces: granted.hubNamespaces,
    },
  };
}
