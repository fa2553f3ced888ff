import { fmtGiB, nodeCapacity } from './allocatable.js';
import { familyOf, knownTypes, lookupInstanceType, priceIn, type InstanceType } from './catalog.js';
import { checkQuotas } from './quotas.js';
import { AUTOSCALER_IDLE_MINUTES, eventDays, hoursIn, overlaps, readyWindows } from './ready-mode.js';
import { aggregateThroughput } from './storage.js';
import { GPU_NODE_START_SECONDS, NODE_START_SECONDS, noWaitFigures, simulateStarts, START_TIMEOUT_SECONDS } from './timeline.js';
import type { NodeCapacity, PlanInput, Plan, Risk } from './types.js';
import { sizeWarmNodes, startRisks } from './warm-nodes.js';

/** Headroom kept inside each node so exactly one whole-node placeholder fits (kubelet rounding, sidecars). */
const PLACEHOLDER_MARGIN = { cpu: 0.05, memory: 256 * 1024 ** 2 };

/** Users per node and the resource that binds: the smallest of CPU, memory and pod slots. */
export function usersPerNode(node: NodeCapacity, perUser: PlanInput['perUser']): { users: number; binding: Plan['bindingResource'] } {
  const cpu = perUser.cpuGuarantee > 0 ? Math.floor(node.availableCpu / perUser.cpuGuarantee + 1e-9) : Infinity;
  const memory = perUser.memoryGuaranteeBytes > 0 ? Math.floor(node.availableMemoryBytes / perUser.memoryGuaranteeBytes) : Infinity;
  const pods = Math.max(0, node.maxPods - node.daemonsetPods);
  const users = Math.max(0, Math.min(cpu, memory, pods));
  // Ties go to the resource used most fully: that is the one an engineer should look at.
  const cpuUse = (users * perUser.cpuGuarantee) / (node.availableCpu || 1);
  const memUse = (users * perUser.memoryGuaranteeBytes) / (node.availableMemoryBytes || 1);
  const binding = users === pods && pods < Math.min(cpu, memory) ? 'pods' : cpu < memory || (cpu === memory && cpuUse > memUse) ? 'cpu' : 'memory';
  return { users: Number.isFinite(users) ? users : pods, binding };
}

/**
 * The capacity plan for one workshop: node capacity, users per node, nodes, ready mode, the spawn
 * timeline, quotas, cost, storage, overlaps and lead time, each risk with a plain message. Pure and
 * total: any input that type-checks gives a plan (an unknown instance type is a blocking risk).
 */
export function computePlan(input: PlanInput): Plan {
  const assumptions: string[] = [];
  const risks: Risk[] = [];
  const type = lookupInstanceType(input.pool.instanceType);
  const days = eventDays(input);
  const windows = readyWindows(days, input.policy.readyModeLeadMinutes);
  const scaleDownAt = days.at(-1)?.end ?? input.end;
  const leadTimeDays = Math.floor((Date.parse(input.start) - Date.parse(input.now)) / 86_400_000);
  // Once the workshop has started the notice it was given no longer matters.
  if (leadTimeDays < input.policy.leadTimeDays && Date.parse(input.start) > Date.parse(input.now)) {
    risks.push({ code: 'short-notice', severity: 'warning', message: `The workshop starts in ${Math.max(0, leadTimeDays)} day${Math.max(0, leadTimeDays) === 1 ? '' : 's'}; the team asks for ${input.policy.leadTimeDays}. Quota increases and load tests may not fit in the time left.` });
  }
  if (!type || type.provider !== input.provider) {
    risks.push({ code: 'unknown-instance-type', severity: 'blocking', message: `Instance type ${input.pool.instanceType} is not in the catalog for ${input.provider} (known: ${knownTypes(input.provider).join(', ')}). Fix the pool's instanceType in the config.` });
    return emptyPlan(input, { days, windows, scaleDownAt, leadTimeDays, assumptions, risks });
  }

  const node = nodeCapacity(type, input.provider, input.measured, input.observed);
  if (node.source === 'formula') assumptions.push(`Node capacity of ${type.name} from the ${input.provider.toUpperCase()} reservation formula and default daemonset overhead; measured figures (instanceOverrides) or cluster access make it exact.`);
  const { users, binding } = usersPerNode(node, input.perUser);
  const nodes = users > 0 ? Math.ceil((input.attendees * (1 + input.policy.headroom)) / users - 1e-9) : 0;
  if (users === 0) {
    risks.push({ code: 'few-users-per-node', severity: 'blocking', message: `Not even one user fits on a ${type.name} (${fmtGiB(node.availableMemoryBytes)} and ${node.availableCpu} CPU free for users). Use a bigger instance type.` });
  } else if (users < input.policy.minUsersPerNode) {
    risks.push({ code: 'few-users-per-node', severity: 'warning', message: `Only ${users} users per ${type.name} node: every few arrivals need a new node, which makes starts slow.${suggest(type, input, (u) => u >= input.policy.minUsersPerNode, 'bigger')}` });
  } else if (users > input.policy.maxUsersPerNode) {
    risks.push({ code: 'many-users-per-node', severity: 'warning', message: `${users} users per ${type.name} node is close to the ${node.maxPods}-pod limit and puts many users on one failure.${suggest(type, input, (u) => u <= input.policy.maxUsersPerNode && u >= input.policy.minUsersPerNode, 'smaller')}` });
  }
  const over = [
    input.perUser.cpuLimit > input.perUser.cpuGuarantee ? `CPU ${input.perUser.cpuGuarantee} guaranteed, limit ${input.perUser.cpuLimit}` : null,
    input.perUser.memoryLimitBytes > input.perUser.memoryGuaranteeBytes ? `memory ${fmtGiB(input.perUser.memoryGuaranteeBytes)} guaranteed, limit ${fmtGiB(input.perUser.memoryLimitBytes)}` : null,
  ].filter(Boolean);
  if (over.length) {
    risks.push({ code: 'oversubscribed', severity: 'warning', message: `Limits exceed guarantees (${over.join('; ')}): during an event everyone works at once, so ${input.cluster.infra?.helmValuesPath ? 'the ready-mode PR sets guarantee = limit for the event (the hub\'s values come back with the scale-down)' : 'set guarantee = limit for the event'}, or expect slowdowns and out-of-memory kills.` });
  }
  if (input.gpu && !type.gpu) {
    risks.push({ code: 'gpu-quota', severity: 'blocking', message: `The workshop needs GPUs but pool ${input.poolName} (${type.name}) has none: plan it on a GPU pool.` });
  }

  // Overlapping workshops on the same cluster: their nodes add to this pool's max and the quotas.
  const overlapping = input.others.filter((o) => o.windows.some((w) => windows.some((mine) => overlaps(w, mine))));
  const otherNodes = Math.max(0, ...windows.map((mine) => overlapping.filter((o) => o.pool === input.poolName && o.windows.some((w) => overlaps(w, mine))).reduce((sum, o) => sum + o.nodes, 0)));
  if (overlapping.length) {
    risks.push({ code: 'overlap', severity: 'warning', message: `Overlaps with ${overlapping.map((o) => `#${o.issueNumber} (${o.nodes} nodes on ${o.pool})`).join(', ')} on cluster ${input.clusterName}: their nodes count against the same pool and quotas.` });
  }
  if (nodes + otherNodes > input.pool.maxNodes) {
    risks.push({ code: 'exceeds-pool-max', severity: 'blocking', message: `The peak needs ${nodes}${otherNodes ? ` + ${otherNodes} (overlapping workshops)` : ''} nodes but pool ${input.poolName} allows at most ${input.pool.maxNodes}: raise its max (the infra PR can) or use a bigger instance type.` });
  }
  const otherVcpu = overlapping.reduce((sum, o) => sum + o.nodes * (lookupInstanceType(o.instanceType)?.vcpu ?? type.vcpu), 0);
  const quota = checkQuotas({ type, nodes, otherVcpu, otherNodes: overlapping.reduce((s, o) => s + o.nodes, 0), gpuWanted: input.gpu }, input.cluster.quotas);
  risks.push(...quota.risks);
  assumptions.push(...quota.assumptions);

  // Ready mode: warm nodes for the arrivals that come while new nodes start, sized with the same
  // start model that gives the waits shown (with and without ready mode).
  const nodeStart = type.gpu ? GPU_NODE_START_SECONDS : NODE_START_SECONDS[input.provider];
  const imagePull = Math.round((input.imageSizeGB * 1000) / input.policy.imagePullMBps);
  assumptions.push(`A new ${type.gpu ? 'GPU ' : ''}node takes ~${Math.round(nodeStart / 60 * 10) / 10} min to start on ${input.provider.toUpperCase()}, plus ${imagePull} s to pull a ${input.imageSizeGB} GB image at ${input.policy.imagePullMBps} MB/s; attendees press Start evenly over ${input.policy.arrivalWindowMinutes} min; JupyterHub starts at most ${input.concurrentSpawnLimit} servers at once and gives up on a start after ${START_TIMEOUT_SECONDS} s (z2jh defaults).`);
  const arrivalSeconds = input.policy.arrivalWindowMinutes * 60;
  const setting = { attendees: input.attendees, usersPerNode: users, arrivalWindowSeconds: arrivalSeconds, nodeReadySeconds: nodeStart + imagePull, maxNodes: Math.max(0, input.pool.maxNodes - otherNodes), concurrentSpawnLimit: input.concurrentSpawnLimit };
  const sizing = users > 0 ? sizeWarmNodes(setting, input.policy.maxWaitingFraction) : { warmNodes: 0, policyHolds: true };
  const minNodes = sizing.warmNodes;
  const withoutReadyMode = users > 0 ? simulateStarts({ ...setting, minNodes: 0, placeholders: 0 }) : noWaitFigures();
  // With no warm nodes, ready mode is the same setting: one run serves both.
  const withReadyMode = minNodes > 0 ? simulateStarts({ ...setting, minNodes, placeholders: minNodes }) : withoutReadyMode;
  if (users > 0) risks.push(...startRisks({ setting, warmNodes: minNodes, policyHolds: sizing.policyHolds, withReadyMode, maxWaitingFraction: input.policy.maxWaitingFraction, arrivalWindowMinutes: input.policy.arrivalWindowMinutes }));

  const price = priceIn(type, input.region);
  if (price.assumption) assumptions.push(price.assumption);
  const followsWindows = input.followWindows === true && minNodes > 0;
  const held = heldSpan(windows, scaleDownAt, minNodes, followsWindows);
  const cost = {
    pricePerNodeHourUSD: price.usd,
    workshopUSD: money(nodes * hoursIn(days) * price.usd),
    ...held,
    heldUSD: money(held.heldNodes * held.heldHours * price.usd),
  };

  const storage = storagePlan(input, risks, assumptions);
  return {
    attendees: input.attendees,
    timeZone: input.timeZone,
    instanceType: type.name,
    pool: input.poolName,
    cluster: input.clusterName,
    provider: input.provider,
    node,
    usersPerNode: users,
    bindingResource: binding,
    nodes,
    otherNodes,
    perUser: input.perUser,
    readyMode: {
      minNodes,
      placeholders: {
        replicas: minNodes,
        cpu: Math.max(0, Math.floor((node.availableCpu - PLACEHOLDER_MARGIN.cpu) * 1000) / 1000),
        memory: Math.max(0, node.availableMemoryBytes - PLACEHOLDER_MARGIN.memory),
      },
      seatsToReserve: minNodes * users,
      leadMinutes: input.policy.readyModeLeadMinutes,
      windows,
      days,
      scaleDownAt,
      followsWindows,
    },
    timeline: {
      nodeStartSeconds: nodeStart,
      imagePullSeconds: imagePull,
      arrivalWindowSeconds: arrivalSeconds,
      concurrentSpawnLimit: input.concurrentSpawnLimit,
      startTimeoutSeconds: START_TIMEOUT_SECONDS,
      maxWaitingShare: input.policy.maxWaitingFraction,
      policyHolds: sizing.policyHolds,
      withReadyMode,
      withoutReadyMode,
    },
    cost,
    storage,
    quotas: quota.checks,
    overlaps: overlapping.map((o) => ({ issueNumber: o.issueNumber, title: o.title, nodes: o.nodes })),
    leadTimeDays,
    assumptions,
    risks: sortRisks(risks),
  };
}

function storagePlan(input: PlanInput, risks: Risk[], assumptions: string[]): Plan['storage'] {
  if (!input.homeStorage) {
    if (input.dataPerUserGB) assumptions.push('No homeStorage configured for this hub: shared-storage throughput not checked.');
    return { type: null, aggregateMiBps: null, perUserMiBps: null };
  }
  const { mibps, basis } = aggregateThroughput(input.homeStorage);
  assumptions.push(`Home storage: ${basis}.`);
  const perUser = mibps === null || input.attendees === 0 ? null : Math.round((mibps / input.attendees) * 100) / 100;
  if (perUser !== null && input.dataPerUserGB && perUser < input.policy.minPerUserThroughputMiBps) {
    const minutes = Math.round((input.dataPerUserGB * 1e9) / (perUser * 1024 ** 2) / 60);
    risks.push({ code: 'storage-throughput', severity: 'warning', message: `${input.attendees} attendees share ~${mibps} MiB/s of ${input.homeStorage.type}: ${perUser} MiB/s each, so reading ${input.dataPerUserGB} GB takes ~${minutes} min per person when all read at once. Stage the data in object storage or on a faster file system.` });
  }
  return { type: input.homeStorage.type, aggregateMiBps: mibps, perUserMiBps: perUser };
}

function suggest(type: InstanceType, input: PlanInput, fits: (users: number) => boolean, direction: 'bigger' | 'smaller'): string {
  const family = familyOf(type).filter((t) => (direction === 'bigger' ? t.vcpu > type.vcpu : t.vcpu < type.vcpu));
  const ordered = direction === 'bigger' ? family : [...family].reverse();
  const found = ordered.find((t) => fits(usersPerNode(nodeCapacity(t, input.provider, null, null), input.perUser).users));
  return found ? ` Consider ${found.name}.` : '';
}

const SEVERITY_ORDER = { blocking: 0, warning: 1 } as const;
function sortRisks(risks: Risk[]): Risk[] {
  return [...risks].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

function emptyPlan(input: PlanInput, parts: Pick<Plan, 'leadTimeDays' | 'assumptions' | 'risks'> & { days: Plan['readyMode']['days']; windows: Plan['readyMode']['windows']; scaleDownAt: string }): Plan {
  return {
    attendees: input.attendees,
    timeZone: input.timeZone,
    instanceType: input.pool.instanceType,
    pool: input.poolName,
    cluster: input.clusterName,
    provider: input.provider,
    node: { instanceType: input.pool.instanceType, vcpu: 0, memoryBytes: 0, maxPods: 0, allocatableCpu: 0, allocatableMemoryBytes: 0, daemonsetCpu: 0, daemonsetMemoryBytes: 0, daemonsetPods: 0, availableCpu: 0, availableMemoryBytes: 0, source: 'formula', arithmetic: [] },
    usersPerNode: 0,
    bindingResource: 'memory',
    nodes: 0,
    otherNodes: 0,
    perUser: input.perUser,
    readyMode: { minNodes: 0, placeholders: { replicas: 0, cpu: 0, memory: 0 }, seatsToReserve: 0, leadMinutes: input.policy.readyModeLeadMinutes, windows: parts.windows, days: parts.days, scaleDownAt: parts.scaleDownAt, followsWindows: false },
    timeline: { nodeStartSeconds: 0, imagePullSeconds: 0, arrivalWindowSeconds: input.policy.arrivalWindowMinutes * 60, concurrentSpawnLimit: input.concurrentSpawnLimit, startTimeoutSeconds: START_TIMEOUT_SECONDS, maxWaitingShare: input.policy.maxWaitingFraction, policyHolds: true, withReadyMode: noWaitFigures(), withoutReadyMode: noWaitFigures() },
    cost: { pricePerNodeHourUSD: null, workshopUSD: null, ...heldSpan(parts.windows, parts.scaleDownAt, 0, false), heldUSD: null },
    storage: { type: null, aggregateMiBps: null, perUserMiBps: null },
    quotas: [],
    overlaps: [],
    leadTimeDays: parts.leadTimeDays,
    assumptions: parts.assumptions,
    risks: sortRisks(parts.risks),
  };
}

/**
 * The span ready mode holds its warm nodes. From the PR alone: from the merge-by time (the first window's start)
 * to the scale-down, without a break, because the pool's min and the placeholders stay until the scale-down is
 * merged. When the app follows the windows: each window, plus the minutes the autoscaler waits before it removes
 * a node left idle when the placeholders go.
 */
function heldSpan(windows: Plan['readyMode']['windows'], scaleDownAt: string, nodes: number, followsWindows: boolean): Pick<Plan['cost'], 'heldNodes' | 'heldFrom' | 'heldUntil' | 'heldHours'> {
  const from = windows[0]?.start ?? scaleDownAt;
  const hours = followsWindows
    ? hoursIn(windows) + (windows.length * AUTOSCALER_IDLE_MINUTES) / 60
    : Math.max(0, (Date.parse(scaleDownAt) - Date.parse(from)) / 3_600_000);
  return { heldNodes: nodes, heldFrom: from, heldUntil: scaleDownAt, heldHours: Math.round(hours * 100) / 100 };
}

function money(value: number): number {
  return Math.round(value * 100) / 100;
}


