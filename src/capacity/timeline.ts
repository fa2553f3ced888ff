import type { Provider } from '../config/schema.js';

/**
 * Seconds for a new node to be ready for users, by provider, when a GPU is not needed (GKE 3–4 min,
 * EKS 2–2.5 min, AKS about 4 min), and for GPU nodes (about 9 min, drivers included). Named defaults.
 */
export const NODE_START_SECONDS: Record<Provider, number> = { gcp: 210, aws: 135, azure: 240 };
export const GPU_NODE_START_SECONDS = 540;
/** The cluster autoscaler scans for pending pods every 10 s. */
export const AUTOSCALER_SCAN_SECONDS = 10;

export interface TimelineInput {
  attendees: number;
  usersPerNode: number;
  arrivalWindowSeconds: number;
  /** Seconds from asking for a node to a user's server running on it (node start + image pull). */
  nodeReadySeconds: number;
  /** Seats ready before arrivals begin (warm nodes' seats). */
  warmSeats: number;
  /** Placeholders keep the buffer moving: evicted ones ask for nodes as users arrive. */
  placeholders: boolean;
  concurrentSpawnLimit: number;
}

export interface TimelineResult {
  worstWaitSeconds: number;
  fractionWaiting: number;
  /** Users waiting at the busiest moment, for the spawn limit. */
  peakPending: number;
}

/**
 * Arrivals spread evenly over the window. A user beyond the warm seats waits for a node asked for
 * when the first user needing it arrived (or, with placeholders, when that capacity's placeholder was
 * evicted, `warmSeats` users earlier), ready one scan plus the node time later.
 */
export function simulateArrivals(input: TimelineInput): TimelineResult {
  const n = Math.max(0, Math.floor(input.attendees));
  const perNode = Math.max(1, input.usersPerNode);
  if (n === 0) return { worstWaitSeconds: 0, fractionWaiting: 0, peakPending: 0 };
  const arrival = (i: number) => (input.arrivalWindowSeconds * (i + 0.5)) / n;
  const delay = AUTOSCALER_SCAN_SECONDS + input.nodeReadySeconds;
  // Typed arrays, no tuples: this runs for every plan and must not churn the heap.
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  let waiting = 0;
  let worst = 0;
  for (let i = Math.min(n, Math.max(0, input.warmSeats)); i < n; i++) {
    const beyond = i - input.warmSeats;
    const firstOfNode = beyond - (beyond % perNode);
    const askedAt = input.placeholders ? arrival(firstOfNode) : arrival(input.warmSeats + firstOfNode);
    const wait = askedAt + delay - arrival(i);
    if (wait <= 0) continue;
    starts[waiting] = arrival(i);
    ends[waiting] = arrival(i) + wait;
    waiting++;
    if (wait > worst) worst = wait;
  }
  // Sweep line over the waiting intervals [arrival, arrival + wait): arrivals are already in order.
  const sortedEnds = ends.subarray(0, waiting).sort();
  let peakPending = 0;
  let ended = 0;
  for (let k = 0; k < waiting; k++) {
    while (ended < waiting && (sortedEnds[ended] ?? Infinity) <= (starts[k] ?? 0)) ended++;
    peakPending = Math.max(peakPending, k + 1 - ended);
  }
  return { worstWaitSeconds: Math.round(worst), fractionWaiting: round(waiting / n), peakPending };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
