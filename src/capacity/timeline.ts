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
  const waits: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    if (i < input.warmSeats) {
      waits.push([arrival(i), 0]);
      continue;
    }
    const beyond = i - input.warmSeats;
    const firstOfNode = beyond - (beyond % perNode);
    const askedAt = input.placeholders ? arrival(firstOfNode) : arrival(input.warmSeats + firstOfNode);
    waits.push([arrival(i), Math.max(0, askedAt + delay - arrival(i))]);
  }
  const waiting = waits.filter(([, wait]) => wait > 0);
  // Sweep line over the waiting intervals [arrival, arrival + wait): O(n log n).
  const ends = waiting.map(([t, w]) => t + w).sort((a, b) => a - b);
  let peakPending = 0;
  let ended = 0;
  waiting.forEach(([t], started) => {
    while (ended < ends.length && (ends[ended] ?? Infinity) <= t) ended++;
    peakPending = Math.max(peakPending, started + 1 - ended);
  });
  return {
    worstWaitSeconds: Math.round(Math.max(0, ...waits.map(([, w]) => w))),
    fractionWaiting: round(waiting.length / n),
    peakPending,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
