import type { CoreV1Api, V1Node, V1Pod } from '@kubernetes/client-node';
import type { PoolConfig } from '../config/schema.js';
import { equalitySelector, INSTANCE_TYPE_LABEL, poolNodeSelector } from './labels.js';
import { quantityOf } from './quantity.js';
import type { ObservedPool } from './types.js';

/**
 * Reading one node pool: the figures the capacity model needs, from two list calls (nodes of the
 * pool, then every non-terminated pod in the cluster, paginated). One cluster-wide pod list answers
 * both "what do daemonsets take on these nodes" and "how many pods wait for this pool", so the call
 * count does not grow with the pool (a `spec.nodeName=` list per node would be N calls).
 */

/** A node that takes new pods: the kubelet reports Ready and nobody cordoned it. */
export function isSchedulableReady(node: V1Node): boolean {
  const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  return ready && node.spec?.unschedulable !== true;
}

/**
 * Requests the scheduler charges for a pod: the larger of the app containers (plus sidecar init
 * containers, which keep running) and the biggest regular init container, plus the RuntimeClass
 * overhead. Same rule as the scheduler's, minus the sidecar-ordering fine print.
 */
export function podRequests(pod: V1Pod): { cpu: number; memory: number } {
  const sum = (resource: string): number => {
    const spec = pod.spec;
    if (!spec) return 0;
    const sidecars = (spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
    const regularInits = (spec.initContainers ?? []).filter((c) => c.restartPolicy !== 'Always');
    const running = [...spec.containers, ...sidecars].reduce((total, c) => total + quantityOf(c.resources?.requests, resource), 0);
    const init = Math.max(0, ...regularInits.map((c) => quantityOf(c.resources?.requests, resource)));
    return Math.max(running, init) + quantityOf(spec.overhead, resource);
  };
  return { cpu: sum('cpu'), memory: sum('memory') };
}

/**
 * Pods that sit on every node whatever the workload: DaemonSet pods, and static (mirror) pods, whose
 * owner is the Node — GKE's kube-proxy is one and requests 100m, so leaving it out would overstate
 * the room for users.
 */
export function isPerNodePod(pod: V1Pod): boolean {
  return (pod.metadata?.ownerReferences ?? []).some((owner) => owner.kind === 'DaemonSet' || owner.kind === 'Node');
}

/**
 * An unscheduled Pending pod aimed at the pool: its nodeSelector agrees with the pool's labels on at
 * least one key and contradicts none, or its required node affinity asks for the instance type.
 */
export function waitsForPool(pod: V1Pod, selector: Record<string, string>): boolean {
  if (pod.status?.phase !== 'Pending' || pod.spec?.nodeName) return false;
  const podSelector = pod.spec?.nodeSelector ?? {};
  const shared = Object.keys(selector).filter((key) => key in podSelector);
  if (shared.length > 0 && shared.every((key) => podSelector[key] === selector[key])) return true;
  const instanceType = selector[INSTANCE_TYPE_LABEL];
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms.some((term) =>
    (term.matchExpressions ?? []).some(
      (e) => e.key === INSTANCE_TYPE_LABEL && e.operator === 'In' && instanceType !== undefined && (e.values ?? []).includes(instanceType),
    ),
  );
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * Pure: the pool's figures from listed nodes and pods; `null` when the pool has no nodes.
 *
 * - allocatable = the **minimum** over the pool's Ready, uncordoned nodes (all nodes if none is
 *   Ready yet), per resource. Nodes of one type differ by a few MiB at most; taking the smallest
 *   means users/node computed from it fits on every node, at a negligible cost in seats.
 * - daemonset overhead = per node, the summed requests of its DaemonSet and static pods; the
 *   **maximum** over those nodes, per resource, for the same reason. `daemonsetPods` likewise.
 * - pendingPods counts unscheduled Pending pods aimed at the pool (see `waitsForPool`).
 */
export function summarizePool(pool: PoolConfig, nodes: V1Node[], pods: V1Pod[]): ObservedPool | null {
  if (nodes.length === 0) return null;
  const ready = nodes.filter(isSchedulableReady);
  const measured = ready.length > 0 ? ready : nodes;
  const names = new Set(measured.map((node) => node.metadata?.name ?? ''));

  const perNode = new Map<string, { cpu: number; memory: number; pods: number }>();
  for (const name of names) perNode.set(name, { cpu: 0, memory: 0, pods: 0 });
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed' || !isPerNodePod(pod)) continue;
    const entry = perNode.get(pod.spec?.nodeName ?? '');
    if (!entry) continue;
    const requests = podRequests(pod);
    entry.cpu += requests.cpu;
    entry.memory += requests.memory;
    entry.pods += 1;
  }
  const overhead = [...perNode.values()];
  const allocatable = (resource: string): number => Math.min(...measured.map((node) => quantityOf(node.status?.allocatable, resource)));
  const selector = poolNodeSelector(pool);
  const maxPods = allocatable('pods');

  return {
    allocatableCpu: allocatable('cpu'),
    allocatableMemory: allocatable('memory'),
    // Summing 0.05 + 0.1 + … in floating point leaves noise (0.44300000000000006); nanocores suffice.
    daemonsetCpu: Math.round(Math.max(0, ...overhead.map((o) => o.cpu)) * 1e9) / 1e9,
    daemonsetMemory: Math.max(0, ...overhead.map((o) => o.memory)),
    daemonsetPods: Math.max(0, ...overhead.map((o) => o.pods)),
    ...(maxPods > 0 ? { maxPods } : {}),
    readyNodes: ready.length,
    pendingPods: pods.filter((pod) => waitsForPool(pod, selector)).length,
    instanceType: mostCommon(nodes.map((node) => node.metadata?.labels?.[INSTANCE_TYPE_LABEL] ?? '').filter(Boolean)) ?? pool.instanceType,
  };
}

/** Lists the pool's nodes by label selector (instance type + the pool's nodeSelector). */
export async function listPoolNodes(api: CoreV1Api, pool: PoolConfig): Promise<V1Node[]> {
  const list = await api.listNode({ labelSelector: equalitySelector(poolNodeSelector(pool)) });
  return list.items;
}

/** Every non-terminated pod in the cluster, following `continue` tokens so no response is huge. */
export async function listActivePods(api: CoreV1Api, pageSize: number): Promise<V1Pod[]> {
  const pods: V1Pod[] = [];
  let token: string | undefined;
  do {
    const page = await api.listPodForAllNamespaces({
      fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
      limit: pageSize,
      ...(token ? { _continue: token } : {}),
    });
    pods.push(...page.items);
    token = page.metadata?._continue || undefined;
  } while (token);
  return pods;
}
