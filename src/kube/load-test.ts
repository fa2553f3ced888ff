import { ApiException, type CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../pipeline/ports.js';
import { oneLine, toKubeError } from './errors.js';
import { equalitySelector, poolNodeSelector, runSelector } from './labels.js';
import { isSchedulableReady } from './observe.js';
import { placeholderPod, specProblem } from './placeholder.js';
import type { LoadTestProgress, LoadTestResult, LoadTestSpec } from './types.js';

/** What the load test needs from its surroundings; `createClusterPort` fills it in. */
export interface LoadTestDeps {
  api: CoreV1Api;
  server: string | undefined;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  pollIntervalMs: number;
  progressIntervalMs: number;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** When a Running pod started, on the server's clock (container start, else Ready transition). */
function serverRunningAt(pod: V1Pod): number | null {
  const started = pod.status?.containerStatuses?.[0]?.state?.running?.startedAt;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True')?.lastTransitionTime;
  const at = started ?? ready;
  return at ? new Date(at).getTime() : null;
}

interface Tally {
  pods: number;
  running: number;
  failed: number;
  /** Seconds to Running per running pod. */
  seconds: number[];
  /** The scheduler's message on a Pending pod ("0/3 nodes are available: …"), worth quoting. */
  pendingHint: string | null;
  /** Why a pod failed (kubelet message or reason). */
  failedHint: string | null;
}

/**
 * Counts the run's pods and times each Running one from the earliest creation, both on the server's
 * clock, so the figure does not depend on the poll interval; pods without timestamps fall back to
 * when this replica first saw them Running.
 */
function tally(pods: V1Pod[], seenRunning: Map<string, number>, startedAtMs: number, nowMs: number): Tally {
  const created = pods.map((p) => p.metadata?.creationTimestamp).filter((d): d is Date => d !== undefined).map((d) => new Date(d).getTime());
  const origin = created.length > 0 ? Math.min(...created) : null;
  const result: Tally = { pods: pods.length, running: 0, failed: 0, seconds: [], pendingHint: null, failedHint: null };
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Running') {
      result.running += 1;
      const name = pod.metadata?.name ?? '';
      if (!seenRunning.has(name)) seenRunning.set(name, nowMs);
      const serverAt = serverRunningAt(pod);
      const seconds = serverAt !== null && origin !== null ? (serverAt - origin) / 1000 : ((seenRunning.get(name) ?? nowMs) - startedAtMs) / 1000;
      result.seconds.push(Math.max(0, Math.round(seconds)));
    } else if (phase === 'Failed') {
      result.failed += 1;
      result.failedHint ??= pod.status?.message ?? pod.status?.reason ?? null;
    } else {
      const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
      if (unscheduled?.message) result.pendingHint = unscheduled.message;
    }
  }
  return result;
}

function duration(seconds: number): string {
  return seconds < 120 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

/** The pool's Ready, uncordoned node count (the figure a load test reports before and after). */
async function countNodes(deps: LoadTestDeps, spec: LoadTestSpec): Promise<number> {
  const list = await deps.api.listNode({ labelSelector: equalitySelector(poolNodeSelector(spec.pool)) });
  return list.items.filter(isSchedulableReady).length;
}

/** Creates the pods one by one; stops at the first refusal and returns why (null = all exist). */
async function createPods(deps: LoadTestDeps, spec: LoadTestSpec, startedAtMs: number): Promise<string | null> {
  for (let index = 0; index < spec.replicas; index += 1) {
    try {
      await deps.api.createNamespacedPod({ namespace: spec.namespace, body: placeholderPod(spec, index, startedAtMs) });
    } catch (error) {
      // AlreadyExists: a redelivered /loadtest or another replica made this pod; it is ours to count.
      if (error instanceof ApiException && (error as ApiException<unknown>).code === 409) continue;
      const cause = toKubeError(error, `creating placeholder pod ${index + 1} of ${spec.replicas}`, deps.server);
      return `created ${index} of ${spec.replicas} placeholder pods, then ${cause.message}`;
    }
  }
  return null;
}

/** Polls the run's pods until all run or the budget is spent; fills in `result`. */
async function waitForPods(
  deps: LoadTestDeps,
  spec: LoadTestSpec,
  startedAtMs: number,
  result: LoadTestResult,
  onProgress?: (progress: LoadTestProgress) => void | Promise<void>,
): Promise<void> {
  const budgetMs = spec.budgetSeconds * 1000;
  const seenRunning = new Map<string, number>();
  let lastProgressAt = Number.NEGATIVE_INFINITY;
  let failures = 0;
  let last: Tally | null = null;
  for (;;) {
    try {
      const pods = (await deps.api.listNamespacedPod({ namespace: spec.namespace, labelSelector: runSelector(spec.issueNumber, spec.runId) })).items;
      failures = 0;
      last = tally(pods, seenRunning, startedAtMs, deps.now());
    } catch (error) {
      // One failed poll (API server hiccup, rolling upgrade) should not fail the test; three in a row do.
      failures += 1;
      if (failures >= 3) throw error;
      deps.logger.warn({ err: error, runId: spec.runId }, 'load test poll failed; retrying');
    }
    const elapsedMs = deps.now() - startedAtMs;
    if (last) {
      result.running = last.running;
      result.secondsToFirstRunning = last.seconds.length > 0 ? Math.min(...last.seconds) : null;
      if (last.running >= spec.replicas) {
        result.secondsToLastRunning = Math.max(...last.seconds);
        return;
      }
      if (last.failed > 0) {
        // restartPolicy Never: a failed placeholder never runs again, so the test cannot pass.
        result.reason = oneLine(`${last.failed} of ${spec.replicas} placeholder pods failed${last.failedHint ? `: ${last.failedHint}` : ''}`);
        return;
      }
      if (onProgress && deps.now() - lastProgressAt >= deps.progressIntervalMs) {
        lastProgressAt = deps.now();
        const running = last.running;
        await report(deps, spec, onProgress, async () => ({
          running,
          replicas: spec.replicas,
          nodes: await countNodes(deps, spec),
          nodesBefore: result.nodesBefore,
          elapsedSeconds: Math.round(elapsedMs / 1000),
        }));
      }
    }
    if (elapsedMs >= budgetMs) {
      // Fewer pods than created: something deleted them (preemption by real users, a person).
      const missing = last && last.pods < spec.replicas ? `, ${spec.replicas - last.pods} disappeared (preempted or deleted)` : '';
      const hint = last?.pendingHint ? `; last message: ${last.pendingHint}` : '';
      result.reason = oneLine(`${spec.replicas - result.running} of ${spec.replicas} placeholder pods were not Running after the ${duration(spec.budgetSeconds)} budget${missing}${hint}`);
      return;
    }
    await deps.sleep(Math.min(deps.pollIntervalMs, budgetMs - elapsedMs));
  }
}

/**
 * Progress is best effort: a failing node count or callback (GitHub down) must not abort the test or
 * its clean-up. Nodes are listed only when a report is due, not on every poll.
 */
async function report(
  deps: LoadTestDeps,
  spec: LoadTestSpec,
  onProgress: (p: LoadTestProgress) => void | Promise<void>,
  progress: () => Promise<LoadTestProgress>,
): Promise<void> {
  try {
    await onProgress(await progress());
  } catch (error) {
    deps.logger.warn({ err: error, runId: spec.runId }, 'load test progress callback failed');
  }
}

/** Deletes every pod of the run, retrying twice; returns a reason line when it could not. */
async function deleteRun(deps: LoadTestDeps, spec: LoadTestSpec): Promise<string | null> {
  const labelSelector = runSelector(spec.issueNumber, spec.runId);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await deps.api.deleteCollectionNamespacedPod({ namespace: spec.namespace, labelSelector });
      return null;
    } catch (error) {
      const cause = toKubeError(error, `deleting the placeholder pods (${labelSelector})`, deps.server);
      deps.logger.error({ err: error, runId: spec.runId, attempt }, 'load test clean-up failed');
      if (attempt >= 3) return `${cause.message}; the sweeper deletes them after their deadline`;
      await deps.sleep(1000 * attempt);
    }
  }
}

/** The result of a load test refused before anything was created. */
export function notStarted(spec: LoadTestSpec, why: string): LoadTestResult {
  return {
    runId: spec.runId,
    passed: false,
    replicas: spec.replicas,
    running: 0,
    nodesBefore: 0,
    nodesAfter: 0,
    secondsToFirstRunning: null,
    secondsToLastRunning: null,
    fraction: spec.fraction,
    reason: oneLine(`load test not started: ${why}`),
  };
}

/**
 * Runs one load test: counts the pool's nodes, creates `spec.replicas` placeholder pods, polls until
 * all are Running or the budget is spent, counts the nodes again, and — whatever happened — deletes
 * the run's pods. Never throws: every failure becomes `reason`.
 */
export async function runLoadTest(
  deps: LoadTestDeps,
  spec: LoadTestSpec,
  onProgress?: (progress: LoadTestProgress) => void | Promise<void>,
): Promise<LoadTestResult> {
  const startedAtMs = deps.now();
  const result: LoadTestResult = { ...notStarted(spec, ''), reason: null };
  const problem = specProblem(spec);
  if (problem) return notStarted(spec, problem);

  let step = `listing the nodes of pool ${spec.pool.instanceType}`;
  try {
    result.nodesBefore = result.nodesAfter = await countNodes(deps, spec);
    step = 'creating placeholder pods';
    result.reason = await createPods(deps, spec, startedAtMs);
    step = 'watching the placeholder pods';
    if (result.reason === null) await waitForPods(deps, spec, startedAtMs, result, onProgress);
    result.nodesAfter = await countNodes(deps, spec).catch((error: unknown) => {
      // The measurement is done; a failed recount keeps the last figure rather than failing the test.
      deps.logger.warn({ err: error, runId: spec.runId }, 'could not count nodes after the load test');
      return result.nodesAfter;
    });
  } catch (error) {
    result.reason ??= toKubeError(error, step, deps.server).message;
  } finally {
    result.passed = result.reason === null && result.running >= spec.replicas;
    const cleanup = await deleteRun(deps, spec);
    if (cleanup) result.reason = oneLine(result.reason ? `${result.reason}; ${cleanup}` : cleanup);
  }
  deps.logger.info({ runId: spec.runId, issue: spec.issueNumber, passed: result.passed, running: result.running, replicas: spec.replicas }, 'load test finished');
  return result;
}
