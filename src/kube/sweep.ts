import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../pipeline/ports.js';
import { toKubeError } from './errors.js';
import { ANNOTATION_DEADLINE, ANNOTATION_REPLICAS, ANNOTATION_STARTED_AT, equalitySelector, LABEL_ISSUE, LABEL_RUN } from './labels.js';
import type { RunningLoadTest } from './types.js';

/**
 * Finding load tests from the pods they left in the namespace. Everything is read off the pods'
 * labels and annotations, so it works from any replica and after a restart.
 */

/** What the sweeper and the finder need. */
export interface SweepDeps {
  api: CoreV1Api;
  namespace: string;
  server: string | undefined;
  now: () => number;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/**
 * When a pod becomes garbage: its deadline annotation, else creation + `activeDeadlineSeconds`;
 * null when neither is there (then it is left alone — we cannot tell it is ours to remove).
 */
export function deadlineOf(pod: V1Pod): number | null {
  const annotated = Date.parse(pod.metadata?.annotations?.[ANNOTATION_DEADLINE] ?? '');
  if (Number.isFinite(annotated)) return annotated;
  const created = pod.metadata?.creationTimestamp;
  const lifetime = pod.spec?.activeDeadlineSeconds;
  if (created && lifetime !== undefined) return new Date(created).getTime() + lifetime * 1000;
  return null;
}

interface RunGroup {
  issue: string;
  runId: string;
  pods: V1Pod[];
}

/** The app's pods in the namespace (any pod with the issue label), grouped by run. */
async function listRuns(deps: SweepDeps): Promise<{ runs: RunGroup[]; loose: V1Pod[] }> {
  let pods: V1Pod[];
  try {
    pods = (await deps.api.listNamespacedPod({ namespace: deps.namespace, labelSelector: LABEL_ISSUE })).items;
  } catch (error) {
    throw toKubeError(error, `listing load-test pods in namespace ${deps.namespace}`, deps.server);
  }
  const runs = new Map<string, RunGroup>();
  const loose: V1Pod[] = [];
  for (const pod of pods) {
    const issue = pod.metadata?.labels?.[LABEL_ISSUE] ?? '';
    const runId = pod.metadata?.labels?.[LABEL_RUN];
    if (!runId) {
      loose.push(pod);
      continue;
    }
    const key = `${issue}\u0000${runId}`;
    const group = runs.get(key) ?? { issue, runId, pods: [] };
    group.pods.push(pod);
    runs.set(key, group);
  }
  return { runs: [...runs.values()], loose };
}

/** A run's deadline is its latest pod's, so a run is never cut short while any pod is in time. */
function runDeadline(group: RunGroup): number | null {
  const deadlines = group.pods.map(deadlineOf);
  if (deadlines.some((d) => d === null)) return null;
  return Math.max(...(deadlines as number[]));
}

/** A deadline that has come; a pod or run without one is never past it (not known to be ours to remove). */
const isPast = (deadline: number | null, now: number): boolean => deadline !== null && deadline <= now;

/**
 * What one sweep of a namespace did, and what it checked afterwards. `verified` is true only when a
 * list made after the deletions shows none of the expired pods still there (Terminating counts as
 * gone: the API accepted the deletion and the kubelet is stopping it).
 */
export interface ReapReport {
  namespace: string;
  /** Expired runs (and loose pods, `runId` null) whose deletion the API accepted. */
  deleted: Array<{ issue: string; runId: string | null; pods: number; pending: number }>;
  /** One line per deletion the API refused. */
  failures: string[];
  /** Pods of the app within their deadline, or without one (left alone: we cannot tell they are garbage). */
  kept: number;
  /** Expired pods still listed (not Terminating) after the deletions. */
  remaining: number;
  verified: boolean;
}

const isPending = (pod: V1Pod) => pod.status?.phase !== 'Running' && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

/** Expired pods not yet being deleted, from a fresh list. */
async function expiredPods(deps: SweepDeps): Promise<V1Pod[]> {
  const { runs, loose } = await listRuns(deps);
  const now = deps.now();
  const expiredRuns = runs.filter((group) => isPast(runDeadline(group), now));
  const expiredLoose = loose.filter((pod) => isPast(deadlineOf(pod), now));
  return [...expiredRuns.flatMap((group) => group.pods), ...expiredLoose].filter((pod) => !pod.metadata?.deletionTimestamp);
}

/**
 * Deletes load-test pods past their deadline, Pending ones included (`activeDeadlineSeconds` only
 * counts once a kubelet starts a pod, so an unscheduled pod is bounded by the deadline annotation):
 * one `deletecollection` per expired run (by its issue and run labels), one `delete` per expired pod
 * without a run label. A refused deletion is recorded and the others still go. When anything was
 * deleted, the namespace is listed again to verify. Throws a KubeError only when the first list fails.
 */
export async function sweepLeftovers(deps: SweepDeps): Promise<ReapReport> {
  const { runs, loose } = await listRuns(deps);
  const now = deps.now();
  const report: ReapReport = { namespace: deps.namespace, deleted: [], failures: [], kept: 0, remaining: 0, verified: true };
  const attempt = async (what: string, target: { issue: string; runId: string | null; pods: V1Pod[] }, call: () => Promise<unknown>) => {
    try {
      await call();
      report.deleted.push({ issue: target.issue, runId: target.runId, pods: target.pods.length, pending: target.pods.filter(isPending).length });
      deps.logger.info({ runId: target.runId, issue: target.issue, pods: target.pods.length }, 'swept expired load-test pods');
    } catch (error) {
      const cause = toKubeError(error, `deleting ${what}`, deps.server);
      report.failures.push(cause.message);
      deps.logger.error({ err: cause }, 'sweep failed for a run');
    }
  };
  for (const group of runs) {
    if (!isPast(runDeadline(group), now)) {
      report.kept += group.pods.length;
      continue;
    }
    const labelSelector = equalitySelector({ [LABEL_ISSUE]: group.issue, [LABEL_RUN]: group.runId });
    await attempt(`pods ${labelSelector}`, group, () => deps.api.deleteCollectionNamespacedPod({ namespace: deps.namespace, labelSelector }));
  }
  for (const pod of loose) {
    const name = pod.metadata?.name;
    if (!name || !isPast(deadlineOf(pod), now)) {
      report.kept += 1;
      continue;
    }
    await attempt(`pod ${name}`, { issue: pod.metadata?.labels?.[LABEL_ISSUE] ?? '', runId: null, pods: [pod] }, () => deps.api.deleteNamespacedPod({ name, namespace: deps.namespace }));
  }
  if (report.deleted.length > 0 || report.failures.length > 0) {
    try {
      report.remaining = (await expiredPods(deps)).length;
      report.verified = report.remaining === 0;
    } catch (error) {
      report.verified = false;
      report.failures.push(toKubeError(error, 'listing the pods again to verify the sweep', deps.server).message);
    }
  }
  return report;
}

/** One line for logs and comments: what was deleted and what the re-list showed. */
export function describeReap(report: ReapReport): string {
  const pods = report.deleted.reduce((sum, d) => sum + d.pods, 0);
  const pending = report.deleted.reduce((sum, d) => sum + d.pending, 0);
  if (pods === 0 && report.failures.length === 0) return `namespace ${report.namespace}: no expired load-test pods`;
  const deleted = `deleted ${pods} expired load-test pod${pods === 1 ? '' : 's'} (${pending} Pending) in namespace ${report.namespace}`;
  const check = report.verified ? 'a fresh list shows none left' : `not verified: ${report.remaining} expired pod${report.remaining === 1 ? '' : 's'} still listed`;
  const failed = report.failures.length ? `; ${report.failures.length} deletion${report.failures.length === 1 ? '' : 's'} refused: ${report.failures[0]}` : '';
  return `${deleted}; ${check}${failed}`;
}

/** Load tests whose pods are still present and within their deadline, oldest first. */
export async function findRunningLoadTests(deps: SweepDeps): Promise<RunningLoadTest[]> {
  const { runs } = await listRuns(deps);
  const now = deps.now();
  const found: RunningLoadTest[] = [];
  for (const group of runs) {
    const deadline = runDeadline(group);
    const issueNumber = Number(group.issue);
    if (isPast(deadline, now) || !Number.isInteger(issueNumber) || issueNumber <= 0) continue;
    const first = group.pods[0]?.metadata;
    const annotatedStart = Date.parse(first?.annotations?.[ANNOTATION_STARTED_AT] ?? '');
    const created = group.pods.map((p) => p.metadata?.creationTimestamp).filter((d): d is Date => d !== undefined).map((d) => new Date(d).getTime());
    const startedAt = Number.isFinite(annotatedStart) ? annotatedStart : Math.min(...created);
    const replicas = Number(first?.annotations?.[ANNOTATION_REPLICAS]);
    found.push({
      issueNumber,
      runId: group.runId,
      startedAt: Number.isFinite(startedAt) ? new Date(startedAt).toISOString() : new Date(now).toISOString(),
      deadline: deadline === null ? null : new Date(deadline).toISOString(),
      replicas: Number.isInteger(replicas) && replicas > 0 ? replicas : null,
      pods: group.pods.length,
      running: group.pods.filter((p) => p.status?.phase === 'Running').length,
    });
  }
  return found.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}
