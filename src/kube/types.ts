import type { ReapReport } from './sweep.js';
import type { MeasuredNode, PoolConfig } from '../config/schema.js';

/** What the cluster says about one node pool. */
export interface ObservedPool extends MeasuredNode {
  readyNodes: number;
  pendingPods: number;
  /** Instance type read off the nodes' `node.kubernetes.io/instance-type` label. */
  instanceType: string;
  /** The nodes' `status.allocatable.pods` (110 on GKE, ENI-bound on EKS), when reported. */
  maxPods?: number;
}

/** One `/loadtest` run: placeholder pods shaped like the workshop's users, on the workshop's pool. */
export interface LoadTestSpec {
  issueNumber: number;
  runId: string;
  namespace: string;
  pool: PoolConfig;
  /** Placeholder pods to create and their per-pod requests. */
  replicas: number;
  cpu: number;
  memoryBytes: number;
  /** Fraction of planned seats being tested (1 = all). */
  fraction: number;
  budgetSeconds: number;
  priorityClassName?: string;
}

/**
 * What a load test measured. `passed` = all replicas reached Running within the budget. `reason` is
 * one line when it failed (quota, RBAC, timeout); on a pass it is null unless the clean-up failed.
 * Times are seconds from the first pod's creation; `secondsToLastRunning` is null unless all ran.
 * Node counts are the pool's Ready, uncordoned nodes.
 */
export interface LoadTestResult {
  runId: string;
  passed: boolean;
  replicas: number;
  running: number;
  nodesBefore: number;
  nodesAfter: number;
  secondsToFirstRunning: number | null;
  secondsToLastRunning: number | null;
  fraction: number;
  /** A one-line reason when it failed (quota, RBAC, timeout). */
  reason: string | null;
}

/** Reported while a load test waits, at most once per progress interval. */
export interface LoadTestProgress {
  running: number;
  replicas: number;
  nodes: number;
  nodesBefore: number;
  elapsedSeconds: number;
}

/**
 * A load test whose pods are still in the cluster and not past their deadline. Read from the pods'
 * labels and annotations, so any replica (or the app after a restart) can finish or clean it.
 */
export interface RunningLoadTest {
  issueNumber: number;
  runId: string;
  /** ISO 8601, from the pods' annotation (or their earliest creation time). */
  startedAt: string;
  /** ISO 8601 instant after which the sweeper deletes the pods; null if unknown. */
  deadline: string | null;
  /** Planned replicas from the annotation; null if absent. */
  replicas: number | null;
  /** Pods present now, and how many of them are Running. */
  pods: number;
  running: number;
}

/** Narrow port over one Kubernetes cluster; the domain never sees the client. */
export interface ClusterPort {
  observePool(pool: PoolConfig): Promise<ObservedPool | null>;
  runLoadTest(spec: LoadTestSpec, onProgress?: (progress: LoadTestProgress) => void | Promise<void>): Promise<LoadTestResult>;
  /** Deletes load-test pods past their deadline (Pending included) and lists again to verify. */
  sweepLeftovers(): Promise<ReapReport>;
  /** Load tests with pods still in the cluster and within their deadline, oldest first. */
  findRunningLoadTests(): Promise<RunningLoadTest[]>;
}
