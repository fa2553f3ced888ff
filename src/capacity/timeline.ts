import type { Provider } from '../config/schema.js';
import type { WaitFigures } from './types.js';

/**
 * Seconds for a new node to be ready for users, by provider, when a GPU is not needed (GKE 3–4 min,
 * EKS 2–2.5 min, AKS about 4 min), and for GPU nodes (about 9 min, drivers included). Named defaults.
 */
export const NODE_START_SECONDS: Record<Provider, number> = { gcp: 210, aws: 135, azure: 240 };
export const GPU_NODE_START_SECONDS = 540;
/** The cluster autoscaler scans for pending pods every 10 s. */
export const AUTOSCALER_SCAN_SECONDS = 10;
/** Seconds for a server to start on a node that has a free seat and the image (named default). */
export const SPAWN_SECONDS = 15;
/** KubeSpawner's `start_timeout` as z2jh sets it (`singleuser.startTimeout`): the start fails after it. */
export const START_TIMEOUT_SECONDS = 300;
/**
 * JupyterHub asks a refused user to retry in 30–60 s (`spawn_throttle_retry_range`). The model gives
 * each person one period in that range, spread evenly over the attendees.
 */
export const RETRY_RANGE_SECONDS = [30, 60] as const;
const RETRY_PERIODS = RETRY_RANGE_SECONDS[1] - RETRY_RANGE_SECONDS[0] + 1;
/** Where each period's ring of buckets starts in one array of buckets (period p has p buckets). */
const RING_OFFSET = Array.from({ length: RETRY_PERIODS + 1 }, (_, k) => k * RETRY_RANGE_SECONDS[0] + (k * (k - 1)) / 2);
/** The model stops after two days of simulated time, whatever happens. */
const HORIZON_SECONDS = 48 * 3600;

export interface StartInput {
  attendees: number;
  usersPerNode: number;
  /** Attendees press Start evenly over this many seconds. */
  arrivalWindowSeconds: number;
  /** Seconds from the autoscaler asking for a node to the node taking users (start + image pull). */
  nodeReadySeconds: number;
  /** Nodes the pool keeps up before the first arrival (its minimum). */
  minNodes: number;
  /** Whole-node placeholder pods (z2jh `userPlaceholder.replicas`, one per node). */
  placeholders: number;
  /** Most nodes the pool can hold for this workshop. */
  maxNodes: number;
  concurrentSpawnLimit: number;
}

/** What one run of the model saw, before it is summarised. */
type StartRun = Pick<WaitFigures, 'peopleRefused' | 'refusedClicks' | 'failedStarts' | 'peopleWithFailedStart' | 'peakSpawnsInFlight' | 'peakNodes' | 'lastServerSeconds'> & {
  /** Seconds each served person waited beyond a normal start, in arrival order; NaN if never served. */
  waits: Float64Array;
  waitedForNode: number;
  served: number;
};

const REFUSED = 1;
const WAITED_FOR_NODE = 2;
const FAILED = 4;

/**
 * How the starts of a workshop's attendees unfold, second by second, as the real system behaves:
 *
 * - Attendees press Start evenly over the arrival window. JupyterHub lets at most
 *   `concurrentSpawnLimit` starts be in flight; a click beyond it gets HTTP 429 and the person
 *   retries 30–60 s later. A start holds its slot until the server runs, including the time
 *   it waits for a node.
 * - A started pod takes a free seat (users are packed, as z2jh's user scheduler does), else an
 *   empty node, else it preempts a whole-node placeholder. The evicted placeholder is re-created and
 *   pending; the server runs `SPAWN_SECONDS` after the pod has a seat.
 * - Every `AUTOSCALER_SCAN_SECONDS` the autoscaler asks for nodes for the pending pods (users packed,
 *   one per placeholder) not covered by nodes already coming, up to the pool's maximum; a node takes
 *   pods `nodeReadySeconds` later. Users go before placeholders.
 * - A start that cannot be running within `START_TIMEOUT_SECONDS` fails (KubeSpawner gives up and
 *   deletes the pod); the person tries again 30–60 s later.
 *
 * Deterministic and allocation-light: typed arrays and ring queues, so that sizing the warm nodes,
 * which runs it a dozen times, stays within a few milliseconds for 5,000 people.
 */
function runStarts(input: StartInput, stopEarly?: { maxWaitingForNode: number }): StartRun {
  const n = Math.max(0, Math.floor(input.attendees));
  const perNode = Math.max(1, Math.floor(input.usersPerNode));
  const cap = Math.max(0, Math.floor(input.maxNodes));
  const limit = Math.max(1, input.concurrentSpawnLimit);
  const nodeReady = Math.max(0, Math.round(input.nodeReadySeconds));
  const arrival = (i: number) => (input.arrivalWindowSeconds * (i + 0.5)) / Math.max(1, n);

  const firstClick = scratch.floats(0, n, 0);
  const acceptedAt = scratch.floats(1, n, 0);
  const seatAt = scratch.floats(2, n, Number.NaN);
  const queuedAt = scratch.floats(3, n, 0);
  const flags = scratch.bytes(n);
  // Three FIFO rings of people: pending for a seat, doomed (will time out), starting (seated).
  const pending = new Ring(scratch.ints(0, n, 0));
  const doomed = new Ring(scratch.ints(1, n, 0));
  const starting = new Ring(scratch.ints(2, n, 0));
  // Retry rings: each person keeps one retry period in the 30–60 s range (spread evenly over people),
  // so someone refused at second t retries at t + p, t + 2p, … and stays put while refused.
  const retries = new Buckets(scratch.ints(3, n, -1), scratch.ints(4, RING_OFFSET[RETRY_PERIODS]!, -1), scratch.ints(5, RING_OFFSET[RETRY_PERIODS]!, -1), scratch.ints(6, RING_OFFSET[RETRY_PERIODS]!, 0));
  const dueNow = new Int32Array(RETRY_PERIODS);
  const periodOf = (person: number) => RETRY_RANGE_SECONDS[0] + ((person * 17) % RETRY_PERIODS);
  // Nodes asked for at a scan arrive together: one entry per scan.
  const upcomingAt: number[] = [];
  const upcomingCount: number[] = [];
  let upcomingHead = 0;

  let readyNodes = Math.min(cap, Math.max(input.minNodes, input.placeholders, 0));
  let placeholderNodes = Math.min(readyNodes, Math.max(0, input.placeholders));
  let pendingPlaceholders = Math.max(0, input.placeholders) - placeholderNodes;
  let emptyNodes = readyNodes - placeholderNodes;
  let freeSeats = 0; // on nodes that already hold users
  let upcoming = 0;
  let inFlight = 0;
  let nextArrival = 0;
  const run: StartRun = { waits: scratch.floats(4, n, Number.NaN), waitedForNode: 0, peopleRefused: 0, refusedClicks: 0, failedStarts: 0, peopleWithFailedStart: 0, peakSpawnsInFlight: 0, peakNodes: readyNodes, served: 0, lastServerSeconds: 0 };

  const takeSeat = (): boolean => {
    if (freeSeats > 0) freeSeats--;
    else if (emptyNodes > 0) (emptyNodes--, (freeSeats += perNode - 1));
    else if (placeholderNodes > 0) (placeholderNodes--, pendingPlaceholders++, (freeSeats += perNode - 1));
    else return false;
    return true;
  };
  const seat = (person: number, at: number) => {
    seatAt[person] = at;
    starting.push(person);
  };
  // Refusals of people in a retry bucket are counted when they get in (or at the end), not one by one.
  const queueForRetry = (person: number, at: number) => {
    queuedAt[person] = at;
    const period = periodOf(person);
    retries.push(RING_OFFSET[period - RETRY_RANGE_SECONDS[0]]! + (at % period), person);
  };
  const countRefusals = (person: number, clicksRefused: number) => {
    if (clicksRefused <= 0) return;
    if (!(flags[person]! & REFUSED)) run.peopleRefused++;
    flags[person]! |= REFUSED;
    run.refusedClicks += clicksRefused;
  };
  const click = (person: number, at: number): boolean => {
    if (inFlight >= limit) return false;
    inFlight++;
    run.peakSpawnsInFlight = Math.max(run.peakSpawnsInFlight, inFlight);
    acceptedAt[person] = at;
    if (pending.length === 0 && takeSeat()) seat(person, at);
    else {
      if (!(flags[person]! & WAITED_FOR_NODE)) run.waitedForNode++;
      flags[person]! |= WAITED_FOR_NODE;
      pending.push(person);
    }
    return true;
  };

  const nodesToAsk = () => {
    const seatsFree = freeSeats + (emptyNodes + placeholderNodes) * perNode;
    const unplacedUsers = Math.max(0, pending.length + doomed.length - seatsFree);
    const wanted = Math.ceil(unplacedUsers / perNode) + pendingPlaceholders - upcoming;
    return Math.min(wanted, cap - readyNodes - upcoming);
  };
  /** The next second at which anything can change; seconds in between are skipped. */
  const nextChange = (t: number): number => {
    // Refused people retry on their own schedules: while a slot is free, step second by second.
    if (inFlight < limit && retries.total > 0) return t + 1;
    let next = Infinity;
    if (upcomingHead < upcomingAt.length) next = Math.min(next, upcomingAt[upcomingHead]!);
    if (starting.length) next = Math.min(next, Math.ceil(seatAt[starting.peek()]! + SPAWN_SECONDS));
    if (doomed.length) next = Math.min(next, Math.ceil(acceptedAt[doomed.peek()]! + START_TIMEOUT_SECONDS));
    if (pending.length) next = Math.min(next, Math.floor(acceptedAt[pending.peek()]! + START_TIMEOUT_SECONDS - SPAWN_SECONDS) + 1);
    if (nextArrival < n) next = Math.min(next, Math.floor(arrival(nextArrival)));
    if (nodesToAsk() > 0) next = Math.min(next, (Math.floor(t / AUTOSCALER_SCAN_SECONDS) + 1) * AUTOSCALER_SCAN_SECONDS);
    return Math.max(t + 1, next);
  };

  let t = 0;
  for (; t <= HORIZON_SECONDS; t = nextChange(t)) {
    // Nodes asked for earlier arrive empty.
    while (upcomingHead < upcomingAt.length && upcomingAt[upcomingHead]! <= t) {
      const count = upcomingCount[upcomingHead++]!;
      upcoming -= count;
      readyNodes += count;
      emptyNodes += count;
    }
    // Servers that are running free their spawn slot.
    while (starting.length && seatAt[starting.peek()]! + SPAWN_SECONDS <= t) {
      const person = starting.shift();
      inFlight--;
      run.served++;
      run.waits[person] = Math.max(0, seatAt[person]! - firstClick[person]!);
      run.lastServerSeconds = seatAt[person]! + SPAWN_SECONDS;
    }
    // Starts past the timeout fail: the slot frees, the person tries again later.
    while (doomed.length && acceptedAt[doomed.peek()]! + START_TIMEOUT_SECONDS <= t) {
      const person = doomed.shift();
      inFlight--;
      run.failedStarts++;
      if (!(flags[person]! & FAILED)) run.peopleWithFailedStart++;
      flags[person]! |= FAILED;
      queueForRetry(person, t);
    }
    // Pending starts that can no longer be running in time are lost (their pod still waits, unplaced).
    while (pending.length && acceptedAt[pending.peek()]! + START_TIMEOUT_SECONDS - SPAWN_SECONDS < t) doomed.push(pending.shift());
    // The scheduler places pending users (oldest first), then placeholders on whole empty nodes.
    while (pending.length && takeSeat()) seat(pending.shift(), t);
    const placed = Math.min(pendingPlaceholders, emptyNodes);
    pendingPlaceholders -= placed;
    emptyNodes -= placed;
    placeholderNodes += placed;
    // The autoscaler asks for nodes for the pods it cannot place on ready or coming nodes (it sees
    // the pods created before this instant; this second's clicks come after).
    if (t % AUTOSCALER_SCAN_SECONDS === 0) {
      const asked = nodesToAsk();
      if (asked > 0) {
        upcomingAt.push(t + nodeReady);
        upcomingCount.push(asked);
        upcoming += asked;
      }
      run.peakNodes = Math.max(run.peakNodes, readyNodes + upcoming);
    }
    // Clicks of this second: retries due now and new arrivals, interleaved evenly (in the real
    // system they are spread over the second). Once one is refused, so is the rest of the second;
    // refused retries stay in their ring.
    let dueRetries = 0;
    // With every slot taken, retries are refused where they stand: nothing to do for them.
    if (inFlight < limit && retries.total > 0) for (let ring = 0; ring < RETRY_PERIODS; ring++) {
      dueNow[ring] = retries.size(RING_OFFSET[ring]! + (t % (RETRY_RANGE_SECONDS[0] + ring)));
      dueRetries += dueNow[ring]!;
    }
    let arrivals = 0;
    while (nextArrival + arrivals < n && arrival(nextArrival + arrivals) < t + 1) arrivals++;
    let retried = 0;
    let arrived = 0;
    let ring = t % RETRY_PERIODS; // rotate which period goes first
    let open = true;
    while (open && (retried < dueRetries || arrived < arrivals)) {
      if (retried < dueRetries && (arrived >= arrivals || retried * arrivals <= arrived * dueRetries)) {
        while (dueNow[ring] === 0) ring = (ring + 1) % RETRY_PERIODS;
        const period = RETRY_RANGE_SECONDS[0] + ring;
        const bucket = RING_OFFSET[ring]! + (t % period);
        if (!click(retries.peek(bucket), t)) break;
        const person = retries.shift(bucket);
        countRefusals(person, Math.round((t - queuedAt[person]!) / period) - 1);
        dueNow[ring]!--;
        retried++;
      } else {
        const person = nextArrival + arrived++;
        firstClick[person] = arrival(person);
        if (!click(person, firstClick[person]!)) (countRefusals(person, 1), queueForRetry(person, t), (open = false));
      }
    }
    for (; arrived < arrivals; arrived++) {
      const person = nextArrival + arrived;
      firstClick[person] = arrival(person);
      countRefusals(person, 1);
      queueForRetry(person, t);
    }
    nextArrival += arrivals;
    if (run.served === n) break;
    // The warm-node search only needs to know that the policy fails.
    if (stopEarly && (run.failedStarts > 0 || run.waitedForNode > stopEarly.maxWaitingForNode)) break;
    // Nobody else can ever get a seat: the pool is at its maximum and full.
    const noSeatEver = upcoming === 0 && readyNodes >= cap && freeSeats === 0 && emptyNodes === 0 && placeholderNodes === 0;
    if (noSeatEver && nextArrival === n && starting.length === 0) break;
  }
  // Those still waiting to retry when the run ends were refused at each retry so far.
  for (const person of retries.all()) countRefusals(person, Math.floor((Math.min(t, HORIZON_SECONDS) - queuedAt[person]!) / periodOf(person)));
  return run;
}

/** The wait figures of one setting: one run, summarised. */
export function simulateStarts(input: StartInput): WaitFigures {
  return summarise(runStarts(input), Math.max(0, Math.floor(input.attendees)));
}

/**
 * Whether at most `maxWaitingFraction` of the attendees wait for a node and no start fails, both
 * with the hub's spawn limit and with the limit raised so that nobody is refused (as the
 * spawn-limit risk advises): throttled clicks hide node waits that a raised limit would show.
 * Only what the warm-node search needs: runs stop once the answer is known, and nothing is sorted.
 */
export function startsMeetPolicy(input: StartInput, maxWaitingFraction: number): boolean {
  const n = Math.max(0, Math.floor(input.attendees));
  const stopEarly = { maxWaitingForNode: Math.floor(maxWaitingFraction * n + 1e-9) };
  const meets = (run: StartRun) => run.served === n && run.failedStarts === 0 && run.waitedForNode <= stopEarly.maxWaitingForNode;
  const limited = runStarts(input, stopEarly);
  if (!meets(limited)) return false;
  // Without a refused click the limit never acted: the run without it would be the same.
  return limited.refusedClicks === 0 || meets(runStarts({ ...input, concurrentSpawnLimit: Number.MAX_SAFE_INTEGER }, stopEarly));
}

/** Figures for a plan that has no start model (no user fits on a node). */
export function noWaitFigures(): WaitFigures {
  return { shareWaitingForNode: 0, meanWaitSeconds: 0, p95WaitSeconds: 0, maxWaitSeconds: 0, shareWaitingOverMinute: 0, peopleRefused: 0, refusedClicks: 0, failedStarts: 0, peopleWithFailedStart: 0, peakSpawnsInFlight: 0, peakNodes: 0, peopleWithoutServer: 0, lastServerSeconds: 0 };
}

function summarise(run: StartRun, n: number): WaitFigures {
  const served = scratch.floats(5, run.served, 0);
  let total = 0;
  let overMinute = 0;
  let longest = 0;
  for (let person = 0, k = 0; person < run.waits.length; person++) {
    // Rounded first, so that the figures agree to the second: the share over a minute is 0 exactly
    // when the longest wait shows 60 s or less.
    const wait = Math.round(run.waits[person]!);
    if (Number.isNaN(wait)) continue;
    served[k++] = wait;
    total += wait;
    if (wait > 60) overMinute++;
    if (wait > longest) longest = wait;
  }
  const share = (count: number) => (n === 0 ? 0 : count / n);
  return {
    shareWaitingForNode: share(run.waitedForNode),
    meanWaitSeconds: served.length ? Math.round(total / served.length) : 0,
    p95WaitSeconds: served.length ? nthSmallest(served, Math.ceil(served.length * 0.95) - 1) : 0,
    maxWaitSeconds: longest,
    shareWaitingOverMinute: share(overMinute),
    peopleRefused: run.peopleRefused,
    refusedClicks: run.refusedClicks,
    failedStarts: run.failedStarts,
    peopleWithFailedStart: run.peopleWithFailedStart,
    peakSpawnsInFlight: run.peakSpawnsInFlight,
    peakNodes: run.peakNodes,
    peopleWithoutServer: n - run.served,
    lastServerSeconds: Math.round(run.lastServerSeconds),
  };
}

/**
 * Typed arrays reused from run to run: sizing the warm nodes runs the model a dozen times per plan,
 * and fresh arrays each time would keep the garbage collector busy. A run's arrays are valid until the
 * next run starts (the model is synchronous, so runs never overlap). Workshops beyond
 * `SCRATCH_LIMIT` people get fresh arrays, so that one huge request does not keep memory forever.
 */
const SCRATCH_LIMIT = 20_000;
const scratch = {
  floatSlots: [] as Float64Array[],
  intSlots: [] as Int32Array[],
  byteSlot: new Uint8Array(0),
  floats(slot: number, length: number, fill: number): Float64Array {
    if (length > SCRATCH_LIMIT) return new Float64Array(length).fill(fill);
    if ((this.floatSlots[slot]?.length ?? -1) < length) this.floatSlots[slot] = new Float64Array(Math.max(length, 1024));
    return this.floatSlots[slot]!.subarray(0, length).fill(fill);
  },
  ints(slot: number, length: number, fill: number): Int32Array {
    if (length > SCRATCH_LIMIT) return new Int32Array(length).fill(fill);
    if ((this.intSlots[slot]?.length ?? -1) < length) this.intSlots[slot] = new Int32Array(Math.max(length, 1024));
    return this.intSlots[slot]!.subarray(0, length).fill(fill);
  },
  bytes(length: number): Uint8Array {
    if (length > SCRATCH_LIMIT) return new Uint8Array(length);
    if (this.byteSlot.length < length) this.byteSlot = new Uint8Array(Math.max(length, 1024));
    return this.byteSlot.subarray(0, length).fill(0);
  },
};

/** The k-th smallest value (0-based), by quickselect: linear, where sorting 5,000 waits is not. Reorders `values`. */
function nthSmallest(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const pivot = values[(low + high) >> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else return values[k]!;
  }
  return values[k]!;
}

/** A FIFO of person indices over a fixed ring (each person is in a ring at most once). */
class Ring {
  private head = 0;
  length = 0;
  constructor(private readonly items: Int32Array) {}
  push(person: number): void {
    this.items[(this.head + this.length++) % this.items.length] = person;
  }
  peek(): number {
    return this.items[this.head]!;
  }
  shift(): number {
    const person = this.items[this.head]!;
    this.head = (this.head + 1) % this.items.length;
    this.length--;
    return person;
  }
}

/** FIFO buckets of people as linked lists over one array: bucket k holds those retrying at seconds ≡ k. */
class Buckets {
  /** People in all buckets together. */
  total = 0;
  /** `next` per person (−1 filled); `first`, `last` (−1 filled) and `sizes` (0 filled) per bucket. */
  constructor(private readonly next: Int32Array, private readonly first: Int32Array, private readonly last: Int32Array, private readonly sizes: Int32Array) {}
  size(bucket: number): number {
    return this.sizes[bucket]!;
  }
  push(bucket: number, person: number): void {
    this.next[person] = -1;
    const tail = this.last[bucket]!;
    if (tail === -1) this.first[bucket] = person;
    else this.next[tail] = person;
    this.last[bucket] = person;
    this.sizes[bucket]!++;
    this.total++;
  }
  peek(bucket: number): number {
    return this.first[bucket]!;
  }
  /** Everyone still waiting to retry, in no particular order. */
  *all(): Iterable<number> {
    for (let bucket = 0; bucket < this.first.length; bucket++) {
      for (let person = this.first[bucket]!; person !== -1; person = this.next[person]!) yield person;
    }
  }
  shift(bucket: number): number {
    const person = this.first[bucket]!;
    this.first[bucket] = this.next[person]!;
    if (this.first[bucket] === -1) this.last[bucket] = -1;
    this.sizes[bucket]!--;
    this.total--;
    return person;
  }
}
