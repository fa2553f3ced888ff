/**
 * An independent, event-driven simulation of a workshop's starts, pod by pod and node by node, to
 * check the plan's start model against. It shares no code with `src/capacity/timeline.ts` and differs
 * from it on purpose where the model simplifies:
 *
 * - the autoscaler's loop has a random phase (the model scans at whole multiples of 10 s);
 * - a refused or failed person retries after a random 30–60 s, as JupyterHub suggests (the model: 45 s);
 * - a pod that gets a seat shortly before its start timeout holds the seat until KubeSpawner gives up
 *   (the model stops seating it once it could no longer be running in time);
 * - nodes are objects holding pods; the scheduler packs users onto the fullest node, then an empty
 *   one, then preempts a placeholder; time is continuous (the model steps by one second).
 */

export interface SimulationSetting {
  attendees: number;
  usersPerNode: number;
  arrivalWindowSeconds: number;
  nodeReadySeconds: number;
  warmNodes: number;
  placeholders: number;
  maxNodes: number;
  spawnLimit: number;
  seed: number;
  /** Seconds from the first instant to the autoscaler's first scan; random in [0, 10) when not given. */
  scanPhase?: number;
}

export interface SimulationResult {
  waits: number[];
  waitedForNode: number;
  peopleRefused: number;
  refusedClicks: number;
  failedStarts: number;
  peopleWithFailedStart: number;
  peakInFlight: number;
  unserved: number;
}

const SCAN = 10;
const SPAWN = 15;
const TIMEOUT = 300;
const RETRY_MIN = 30;
const RETRY_MAX = 60;
const END = 48 * 3600;

interface SimNode {
  users: number;
  placeholder: boolean;
}

interface Person {
  arrivedAt: number;
  acceptedAt: number;
  attempt: number;
  node: SimNode | null;
  refused: boolean;
  failed: boolean;
  waitedForNode: boolean;
  runningAt: number | null;
}

type SimEvent =
  | { at: number; kind: 'click'; person: Person }
  | { at: number; kind: 'running'; person: Person; attempt: number }
  | { at: number; kind: 'timeout'; person: Person; attempt: number }
  | { at: number; kind: 'node'; count: number }
  | { at: number; kind: 'scan' };

/** Runs the simulation to the last server (or to two days, or until no seat can ever come). */
export function simulateWorkshop(setting: SimulationSetting): SimulationResult {
  const random = mulberry32(setting.seed);
  const queue = new EventQueue();
  const perNode = setting.usersPerNode;
  const nodes: SimNode[] = [];
  for (let i = 0; i < Math.min(setting.maxNodes, Math.max(setting.warmNodes, setting.placeholders)); i++) nodes.push({ users: 0, placeholder: i < setting.placeholders });
  let pendingPlaceholders = setting.placeholders - nodes.filter((n) => n.placeholder).length;
  let nodesComing = 0;
  const waitingPods: Person[] = []; // user pods without a node, oldest first
  let inFlight = 0;
  const result: SimulationResult = { waits: [], waitedForNode: 0, peopleRefused: 0, refusedClicks: 0, failedStarts: 0, peopleWithFailedStart: 0, peakInFlight: 0, unserved: 0 };
  const people: Person[] = [];
  for (let i = 0; i < setting.attendees; i++) {
    const person: Person = { arrivedAt: (setting.arrivalWindowSeconds * (i + 0.5)) / setting.attendees, acceptedAt: 0, attempt: 0, node: null, refused: false, failed: false, waitedForNode: false, runningAt: null };
    people.push(person);
    queue.add({ at: person.arrivedAt, kind: 'click', person });
  }
  const phase = setting.scanPhase ?? random() * SCAN;
  queue.add({ at: phase, kind: 'scan' });
  const retryLater = (person: Person, now: number) => queue.add({ at: now + RETRY_MIN + random() * (RETRY_MAX - RETRY_MIN), kind: 'click', person });

  /** A node for one user pod: the fullest with room, else an empty one, else one whose placeholder is preempted. */
  const nodeFor = (): SimNode | null => {
    let best: SimNode | null = null;
    for (const node of nodes) {
      if (node.placeholder || node.users >= perNode) continue;
      if (!best || node.users > best.users) best = node;
    }
    if (best) return best;
    const victim = nodes.find((node) => node.placeholder);
    if (!victim) return null;
    victim.placeholder = false;
    pendingPlaceholders++;
    return victim;
  };
  const place = (person: Person, now: number): boolean => {
    const node = nodeFor();
    if (!node) return false;
    node.users++;
    person.node = node;
    queue.add({ at: now + SPAWN, kind: 'running', person, attempt: person.attempt });
    return true;
  };
  const schedule = (now: number) => {
    while (waitingPods.length) {
      if (!place(waitingPods[0]!, now)) break;
      waitingPods.shift();
    }
    for (const node of nodes) {
      if (pendingPlaceholders === 0) break;
      if (!node.placeholder && node.users === 0) {
        node.placeholder = true;
        pendingPlaceholders--;
      }
    }
  };

  let served = 0;
  let now = 0;
  for (let event = queue.next(); event && event.at <= END; event = queue.next()) {
    now = event.at;
    if (event.kind === 'click') {
      const { person } = event;
      if (inFlight >= setting.spawnLimit) {
        if (!person.refused) result.peopleRefused++;
        person.refused = true;
        result.refusedClicks++;
        retryLater(person, now);
        continue;
      }
      inFlight++;
      result.peakInFlight = Math.max(result.peakInFlight, inFlight);
      person.attempt++;
      person.acceptedAt = now;
      queue.add({ at: now + TIMEOUT, kind: 'timeout', person, attempt: person.attempt });
      if (waitingPods.length || !place(person, now)) {
        if (!person.waitedForNode) result.waitedForNode++;
        person.waitedForNode = true;
        waitingPods.push(person);
      }
    } else if (event.kind === 'running') {
      const { person } = event;
      if (event.attempt !== person.attempt || person.runningAt !== null || now > person.acceptedAt + TIMEOUT) continue;
      person.runningAt = now;
      inFlight--;
      served++;
      result.waits.push(Math.max(0, now - SPAWN - person.arrivedAt));
    } else if (event.kind === 'timeout') {
      const { person } = event;
      if (event.attempt !== person.attempt || person.runningAt !== null) continue;
      // KubeSpawner gives up: the pod is deleted, wherever it was.
      const waiting = waitingPods.indexOf(person);
      if (waiting >= 0) waitingPods.splice(waiting, 1);
      if (person.node) person.node.users--;
      person.node = null;
      inFlight--;
      result.failedStarts++;
      if (!person.failed) result.peopleWithFailedStart++;
      person.failed = true;
      retryLater(person, now);
      schedule(now);
    } else if (event.kind === 'node') {
      nodesComing -= event.count;
      for (let i = 0; i < event.count; i++) nodes.push({ users: 0, placeholder: false });
      schedule(now);
    } else {
      const usersWithoutNode = waitingPods.length;
      const nodesWanted = Math.ceil(usersWithoutNode / perNode) + pendingPlaceholders;
      const ask = Math.min(nodesWanted - nodesComing, setting.maxNodes - nodes.length - nodesComing);
      if (ask > 0) {
        nodesComing += ask;
        queue.add({ at: now + setting.nodeReadySeconds, kind: 'node', count: ask });
      }
      if (served < setting.attendees) queue.add({ at: now + SCAN, kind: 'scan' });
      // No seat can ever come: the pool is at its maximum and every node is full of running servers.
      const full = nodes.length >= setting.maxNodes && nodesComing === 0 && nodes.every((n) => !n.placeholder && n.users >= perNode);
      if (full && !people.some((p) => p.node && p.runningAt === null)) break;
    }
    if (served === setting.attendees) break;
  }
  result.unserved = setting.attendees - served;
  return result;
}

/** Summary figures of one run, computed the plain way. */
export function summary(result: SimulationResult, attendees: number) {
  const waits = [...result.waits].sort((a, b) => a - b);
  const mean = waits.length ? waits.reduce((s, w) => s + w, 0) / waits.length : 0;
  return {
    shareWaitingForNode: result.waitedForNode / attendees,
    mean,
    p95: waits[Math.max(0, Math.ceil(waits.length * 0.95) - 1)] ?? 0,
    max: waits.at(-1) ?? 0,
    shareOverMinute: waits.filter((w) => w > 60).length / attendees,
    shareRefused: result.peopleRefused / attendees,
    peopleWithFailedStart: result.peopleWithFailedStart,
    unserved: result.unserved,
  };
}

/** A binary min-heap of events by time; ties keep insertion order. */
class EventQueue {
  private heap: Array<{ event: SimEvent; order: number }> = [];
  private added = 0;
  add(event: SimEvent): void {
    this.heap.push({ event, order: this.added++ });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      [this.heap[i], this.heap[parent]] = [this.heap[parent]!, this.heap[i]!];
      i = parent;
    }
  }
  next(): SimEvent | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (!top || !last || this.heap.length === 0) return top?.event;
    this.heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === i) break;
      [this.heap[i], this.heap[smallest]] = [this.heap[smallest]!, this.heap[i]!];
      i = smallest;
    }
    return top.event;
  }
  private before(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.event.at < y.event.at || (x.event.at === y.event.at && x.order < y.order);
  }
}

/** A small seeded PRNG, so every run of the tests sees the same numbers. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
