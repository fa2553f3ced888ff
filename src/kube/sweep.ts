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

/**
 * Deletes load-test pods past their deadline: one `deletecollection` per expired run (by its issue
 * and run labels), one `delete` per expired pod that has no run label. Returns how many pods it
 * deleted. A failed deletion is logged and skipped so one stuck run does not block the others.
 */
export async function sweepLeftovers(deps: SweepDeps): Promise<number> {
  const { runs, loose } = await listRuns(deps);
  const now = deps.now();
  let deleted = 0;
  for (const group of runs) {
    const deadline = runDeadline(group);
    if (deadline === null || deadline > now) continue;
    const labelSelector = equalitySelector({ [LABEL_ISSUE]: group.issue, [LABEL_RUN]: group.runId });
    try {
      await deps.api.deleteCollectionNamespacedPod({ namespace: deps.namespace, labelSelector });
      deleted += group.pods.length;
      deps.logger.info({ runId: group.runId, issue: group.issue, pods: group.pods.length }, 'swept expired load-test pods');
    } catch (error) {
      deps.logger.error({ err: toKubeError(error, `deleting pods ${labelSelector}`, deps.server) }, 'sweep failed for a run');
    }
  }
  for (const pod of loose) {
    const deadline = deadlineOf(pod);
    const name = pod.metadata?.name;
    if (!name || deadline === null || deadline > now) continue;
    try {
      await deps.api.deleteNamespacedPod({ name, namespace: deps.namespace });
      deleted += 1;
    } catch (error) {
      deps.logger.error({ err: toKubeError(error, `deleting pod ${name}`, deps.server) }, 'sweep failed for a pod');
    }
  }
  return deleted;
}

/** Load tests whose pods are still present and within their deadline, oldest first. */
export async function findRunningLoadTests(deps: SweepDeps): Promise<RunningLoadTest[]> {
  const { runs } = await listRuns(deps);
  const now = deps.now();
  const found: RunningLoadTest[] = [];
  for (const group of runs) {
    const deadline = runDeadline(group);
    const issueNumber = Number(group.issue);
    if ((deadline !== null && deadline <= now) || !Number.isInteger(issueNumber) || issueNumber <= 0) continue;
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
