import type { V1Pod } from '@kubernetes/client-node';
import {
  ANNOTATION_DEADLINE,
  ANNOTATION_FRACTION,
  ANNOTATION_REPLICAS,
  ANNOTATION_STARTED_AT,
  isLabelValue,
  LABEL_ISSUE,
  LABEL_MANAGED_BY,
  LABEL_RUN,
  placeholderPodName,
  poolNodeSelector,
} from './labels.js';
import { cpuQuantity, memoryQuantity } from './quantity.js';
import type { LoadTestSpec } from './types.js';

/** Image of every placeholder: does nothing, weighs ~300 KB, runs as 65535. */
export const PLACEHOLDER_IMAGE = 'registry.k8s.io/pause:3.10';
/** Seconds a placeholder may outlive the budget, so the app has time to measure and clean up. */
export const DEADLINE_MARGIN_SECONDS = 300;
/** Guard against a typo creating thousands of pods; a workshop's seats fit in far fewer big pods. */
export const MAX_REPLICAS = 1000;

/**
 * Pure: the i-th placeholder pod. Requests equal limits (Guaranteed QoS, as users get during events);
 * `activeDeadlineSeconds` ends a pod that got scheduled even if the app dies, but it only counts from
 * when a kubelet starts the pod — an unscheduled pod stays until the sweeper reads the deadline
 * annotation. The security context passes the Pod Security "restricted" profile.
 */
export function placeholderPod(spec: LoadTestSpec, index: number, startedAtMs: number): V1Pod {
  const lifetimeSeconds = spec.budgetSeconds + DEADLINE_MARGIN_SECONDS;
  const resources = { cpu: cpuQuantity(spec.cpu), memory: memoryQuantity(spec.memoryBytes) };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: placeholderPodName(spec.issueNumber, spec.runId, index),
      namespace: spec.namespace,
      labels: { [LABEL_ISSUE]: String(spec.issueNumber), [LABEL_RUN]: spec.runId, [LABEL_MANAGED_BY]: 'workshop-readiness' },
      annotations: {
        [ANNOTATION_STARTED_AT]: new Date(startedAtMs).toISOString(),
        [ANNOTATION_DEADLINE]: new Date(startedAtMs + lifetimeSeconds * 1000).toISOString(),
        [ANNOTATION_FRACTION]: String(spec.fraction),
        [ANNOTATION_REPLICAS]: String(spec.replicas),
        // A bare pod (no controller) otherwise blocks the autoscaler from removing its node; if a
        // leftover outlives the clean-up, it must not keep a node up.
        'cluster-autoscaler.kubernetes.io/safe-to-evict': 'true',
      },
    },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: lifetimeSeconds,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      nodeSelector: poolNodeSelector(spec.pool),
      tolerations: spec.pool.tolerations.map((t) => ({ ...t })),
      ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
      securityContext: { runAsNonRoot: true, runAsUser: 65535, runAsGroup: 65535, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'placeholder',
          image: PLACEHOLDER_IMAGE,
          resources: { requests: resources, limits: { ...resources } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/** Why a spec cannot run, before anything is created; null when it can. */
export function specProblem(spec: LoadTestSpec): string | null {
  if (!Number.isInteger(spec.issueNumber) || spec.issueNumber <= 0) return `issue number ${spec.issueNumber} is not a positive integer`;
  if (!spec.runId || !isLabelValue(spec.runId)) return `run id "${spec.runId}" is not a valid Kubernetes label value`;
  if (!Number.isInteger(spec.replicas) || spec.replicas < 1 || spec.replicas > MAX_REPLICAS) return `replicas must be 1–${MAX_REPLICAS}, got ${spec.replicas}`;
  if (!(spec.cpu > 0) || !(spec.memoryBytes > 0)) return 'placeholder pods need positive CPU and memory requests';
  if (!(spec.budgetSeconds > 0)) return 'the time budget must be positive';
  try {
    poolNodeSelector(spec.pool);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
}
