import type { ClusterConfig, HomeStorage, MeasuredNode, Policy, PoolConfig, Provider } from '../config/schema.js';

export type Severity = 'blocking' | 'warning';

export type RiskCode =
  | 'exceeds-pool-max'
  | 'exceeds-quota'
  | 'gpu-quota'
  | 'few-users-per-node'
  | 'many-users-per-node'
  | 'oversubscribed'
  | 'slow-start'
  | 'spawn-limit'
  | 'storage-throughput'
  | 'overlap'
  | 'short-notice'
  | 'unknown-instance-type';

export interface Risk {
  code: RiskCode;
  severity: Severity;
  message: string;
}

/** Per-user resources the plan sizes for. */
export interface PerUser {
  cpuGuarantee: number;
  cpuLimit: number;
  memoryGuaranteeBytes: number;
  memoryLimitBytes: number;
}

/** Another open workshop on the same cluster, as far as the plan needs it. */
export interface OtherWorkshop {
  issueNumber: number;
  title: string;
  pool: string;
  instanceType: string;
  nodes: number;
  /** Daily windows [start, end) ISO, in which its nodes are held. */
  windows: Array<{ start: string; end: string }>;
}

/** Live node figures read from the cluster; they beat config overrides and formulas. */
export interface ObservedNode extends MeasuredNode {
  readyNodes: number;
}

/** Everything the pure capacity model needs; no I/O, no clock (`now` is passed in). */
export interface PlanInput {
  now: string;
  provider: Provider;
  region: string;
  clusterName: string;
  cluster: ClusterConfig;
  poolName: string;
  pool: PoolConfig;
  policy: Policy;
  perUser: PerUser;
  attendees: number;
  gpu: boolean;
  timeZone: string;
  start: string;
  end: string;
  dailyHours: { start: string; end: string };
  /** ISO weekdays the workshop runs on (1 = Monday); absent or null = every day. */
  weekdays?: number[] | null;
  imageSizeGB: number;
  dataPerUserGB: number | null;
  homeStorage: HomeStorage | null;
  concurrentSpawnLimit: number;
  /**
   * The app scales the hub's placeholders at each window's start and end (it has cluster access and knows the
   * hub's namespace): ready mode then holds nodes in the daily windows only. Absent = false.
   */
  followWindows?: boolean;
  measured: MeasuredNode | null;
  observed: ObservedNode | null;
  others: OtherWorkshop[];
}

/** One line of the shown arithmetic ("allocatable memory = 32 GiB − 2.6 GiB reserved − 100 MiB eviction = …"). */
export type ArithmeticLine = string;

export interface NodeCapacity {
  instanceType: string;
  vcpu: number;
  memoryBytes: number;
  maxPods: number;
  allocatableCpu: number;
  allocatableMemoryBytes: number;
  daemonsetCpu: number;
  daemonsetMemoryBytes: number;
  daemonsetPods: number;
  availableCpu: number;
  availableMemoryBytes: number;
  /** Where the allocatable figures came from. */
  source: 'formula' | 'config' | 'cluster';
  arithmetic: ArithmeticLine[];
}

export interface Window {
  start: string;
  end: string;
}

export interface Plan {
  /** Peak simultaneous attendees the plan is for (after any engineer's assumption). */
  attendees: number;
  /** IANA zone of the workshop: days, windows and messages are in it. */
  timeZone: string;
  instanceType: string;
  pool: string;
  cluster: string;
  provider: Provider;
  node: NodeCapacity;
  usersPerNode: number;
  bindingResource: 'cpu' | 'memory' | 'pods';
  /** Nodes for the peak with headroom. */
  nodes: number;
  /** Nodes of other overlapping workshops on the same pool, at their busiest overlap. */
  otherNodes: number;
  readyMode: {
    minNodes: number;
    placeholders: { replicas: number; cpu: number; memory: number };
    /** Seats warm before arrivals: warm nodes × users per node. */
    seatsToReserve: number;
    leadMinutes: number;
    /** Per event day: ready mode from (day start − lead) to day end. */
    windows: Window[];
    /** Event days, local day start/end. */
    days: Window[];
    scaleDownAt: string;
    /**
     * True when the app scales the placeholders to follow `windows` (and the PR leaves the pool's min alone);
     * false when the PR's min and placeholders hold the nodes from the merge-by time to the scale-down.
     */
    followsWindows: boolean;
  };
  /** How the starts unfold as attendees arrive: one model, run with and without ready mode. */
  timeline: {
    nodeStartSeconds: number;
    imagePullSeconds: number;
    arrivalWindowSeconds: number;
    concurrentSpawnLimit: number;
    startTimeoutSeconds: number;
    /** The policy's largest share of people who may wait for a node, and whether the warm nodes meet it. */
    maxWaitingShare: number;
    policyHolds: boolean;
    /** With `readyMode.minNodes` warm nodes, each held by a whole-node placeholder. */
    withReadyMode: WaitFigures;
    /** With no warm node and no placeholder: every node is asked for when someone needs it. */
    withoutReadyMode: WaitFigures;
  };
  /** Per-user resources the plan sized for; the ready-mode PR sets them for the event with guarantee = limit. */
  perUser: PerUser;
  cost: {
    pricePerNodeHourUSD: number | null;
    /** Nodes at peak during the event hours. */
    workshopUSD: number | null;
    /**
     * What ready mode holds: `heldNodes` nodes (the pool's min, each filled by a whole-node placeholder)
     * without a break from `heldFrom` (the merge-by time) to `heldUntil` (the scale-down after the event), so
     * `heldHours` covers days and nights. Only when `readyMode.followsWindows` (the app scales the placeholders
     * at each window's start and end) is it the daily windows' hours, each with the autoscaler's idle tail.
     */
    heldNodes: number;
    heldFrom: string;
    heldUntil: string;
    heldHours: number;
    heldUSD: number | null;
  };
  storage: {
    type: string | null;
    aggregateMiBps: number | null;
    perUserMiBps: number | null;
  };
  quotas: Array<{ name: string; needed: number; limit: number }>;
  overlaps: Array<{ issueNumber: number; title: string; nodes: number }>;
  leadTimeDays: number;
  assumptions: string[];
  risks: Risk[];
}

/**
 * How long people wait for their server, from one run of the start model. A wait is the time beyond
 * a normal start (`SPAWN_SECONDS` on a warm seat): waiting for a node, for a spawn slot after HTTP 429,
 * or starting again after a timeout. Figures are over the people who got a server.
 */
export interface WaitFigures {
  /** Share of people whose pod found no free seat and waited for a node. */
  shareWaitingForNode: number;
  meanWaitSeconds: number;
  p95WaitSeconds: number;
  maxWaitSeconds: number;
  shareWaitingOverMinute: number;
  /** People told "too many users trying to log in" (HTTP 429) at least once, and all such refusals. */
  peopleRefused: number;
  refusedClicks: number;
  /** Starts that failed on the start timeout, and the people they happened to. */
  failedStarts: number;
  peopleWithFailedStart: number;
  peakSpawnsInFlight: number;
  /** Most nodes held or asked for at once (users plus placeholders). */
  peakNodes: number;
  /** People who never get a server (the pool's maximum is reached). */
  peopleWithoutServer: number;
  /** Seconds from the start of the arrival window until the last server runs. */
  lastServerSeconds: number;
}
