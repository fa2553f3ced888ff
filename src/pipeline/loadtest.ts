import type { Config } from '../config/schema.js';
import type { Plan } from '../capacity/types.js';
import type { LoadTestProgress, LoadTestResult, LoadTestSpec } from '../kube/types.js';
import type { LoadTestRecord, MarkerState } from '../workshop/marker.js';
import type { WorkshopRequest } from '../workshop/types.js';
import { assumed } from '../workshop/plan-input.js';
import type { Assumption } from '../workshop/replay.js';

/**
 * The automated `/loadtest`: what to create, how its progress and result are recorded in the state
 * marker, and when a run is considered lost. The cluster work itself is the Kubernetes adapter's.
 */

/** A change to the marker's load-test record, from the run's progress or its end. */
export interface LoadTestUpdate {
  runId: string;
  status: 'running' | 'passed' | 'failed';
  summary: string;
  finishedAt?: string;
}

/**
 * Placeholder pods for the planned seats: one per seat of the plan as computed (engineers'
 * `/assume` values included: the result is bound to that plan), with its per-user guarantees, a
 * fraction of them if asked. The namespace and priority class are requests: the cluster port
 * replaces them with what the operator granted.
 */
export function loadTestSpec(input: { plan: Plan; request: WorkshopRequest; assumptions: Assumption[]; config: Config; issueNumber: number; runId: string; fraction: number | null }): LoadTestSpec {
  const { plan, config } = input;
  const cluster = config.clusters[plan.cluster];
  const pool = cluster?.pools[plan.pool];
  const fraction = input.fraction ?? 1;
  const { perUser } = assumed(input.request, input.assumptions);
  const seats = Math.ceil(plan.attendees * (1 + config.policy.headroom));
  return {
    issueNumber: input.issueNumber,
    runId: input.runId,
    namespace: cluster?.kubernetes?.namespace ?? 'workshop-readiness',
    // `/assume instance-type=` plans another type: test that type, not the pool's usual one.
    pool: pool ? { ...pool, instanceType: plan.instanceType } : { instanceType: plan.instanceType, maxNodes: plan.nodes, nodeSelector: {}, tolerations: [] },
    replicas: Math.max(1, Math.ceil(seats * fraction)),
    cpu: perUser.cpuGuarantee,
    memoryBytes: perUser.memoryGuaranteeBytes,
    fraction,
    budgetSeconds: config.policy.loadTestBudgetMinutes * 60,
    ...(cluster?.kubernetes?.priorityClassName ? { priorityClassName: cluster.kubernetes.priorityClassName } : {}),
  };
}

export function progressLine(progress: LoadTestProgress): string {
  const elapsed = `${Math.floor(progress.elapsedSeconds / 60)}m${String(Math.round(progress.elapsedSeconds % 60)).padStart(2, '0')}s`;
  return `seats running ${progress.running}/${progress.replicas} · nodes ${progress.nodesBefore}→${progress.nodes} · ${elapsed}`;
}

export function resultSummary(result: LoadTestResult): string {
  const part = result.fraction < 1 ? ` (${Math.round(result.fraction * 100)}% of the planned seats)` : '';
  const timing = result.secondsToLastRunning !== null ? `all running after ${Math.round(result.secondsToLastRunning)} s` : `${result.running} of ${result.replicas} running`;
  return `${result.replicas} placeholder pods${part}: ${timing}; nodes ${result.nodesBefore}→${result.nodesAfter}${result.reason ? `. ${result.reason}` : ''}`;
}

/** Applies a progress or result update to the record it belongs to (by run id); others are ignored. */
export function applyLoadTestUpdate(state: MarkerState, update: LoadTestUpdate | undefined): MarkerState {
  if (!update || state.loadTest?.runId !== update.runId || state.loadTest.status !== 'running') return state;
  const record: LoadTestRecord = { ...state.loadTest, status: update.status, summary: update.summary, finishedAt: update.finishedAt ?? null };
  return { ...state, loadTest: record };
}

/** A run still "running" long after its budget lost its watcher (a restart): it is failed, and says so. */
export function expireLostLoadTest(state: MarkerState, now: string, budgetMinutes: number): MarkerState {
  const test = state.loadTest;
  if (!test || test.status !== 'running') return state;
  const lostAfter = Date.parse(test.startedAt) + (budgetMinutes + 10) * 60_000;
  if (Date.parse(now) < lostAfter) return state;
  return { ...state, loadTest: { ...test, status: 'failed', finishedAt: now, summary: 'interrupted: the app restarted during the run, so nobody watched or deleted its pods. They carry a deadline (start + budget + 5 min); the app\'s sweeper deletes them after it, Pending ones included, and logs what a fresh list then shows. Comment `/loadtest` to run it again' } };
}
