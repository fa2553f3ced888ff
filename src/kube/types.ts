import type { MeasuredNode, PoolConfig } from '../config/schema.js';

/** What the cluster says about one node pool (issue 7). */
export interface ObservedPool extends MeasuredNode {
  readyNodes: number;
  pendingPods: number;
  /** Instance type read off the nodes' `node.kubernetes.io/instance-type` label. */
  instanceType: string;
}

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

export interface LoadTestProgress {
  running: number;
  replicas: number;
  nodes: number;
  nodesBefore: number;
  elapsedSeconds: number;
}

/** Narrow port over one Kubernetes cluster; the domain never sees the client. */
export interface ClusterPort {
  observePool(pool: PoolConfig): Promise<ObservedPool | null>;
  runLoadTest(spec: LoadTestSpec, onProgress?: (progress: LoadTestProgress) => void | Promise<void>): Promise<LoadTestResult>;
  /** Deletes load-test pods older than their deadline; returns how many were deleted. */
  sweepLeftovers(): Promise<number>;
}
