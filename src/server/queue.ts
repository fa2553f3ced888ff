import type { Logger } from '../pipeline/ports.js';
import { silentLogger } from '../pipeline/ports.js';
import type { Metrics } from './metrics.js';

/**
 * A keyed work queue in the manner of client-go's workqueue: a key waits in the queue at most once
 * (events for it coalesce while it waits), never runs twice at once (an event arriving while it runs
 * marks it dirty and it runs again after), failures come back after an exponential backoff, and the
 * queue is bounded. The worker gets the key and the merged job and reconciles from the current
 * state, which is why coalescing loses nothing.
 */

/** Thrown by a worker to run the key again later without counting a failure (e.g. another replica holds its lease). */
export class RetryLater extends Error {
  constructor(
    readonly retryAfterMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'RetryLater';
  }
}

/** Thrown by `add` when the queue cannot take a new key: full, or draining for shutdown. */
export class QueueRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'QueueRejected';
  }
}

export interface Timers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (run, ms) => {
    const handle = setTimeout(run, ms);
    // A retry waiting on its backoff must not keep a finished process alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface QueueSettings {
  /** Distinct keys waiting (queued, backing off, or due again after the running one): beyond it, `add` refuses. */
  maxDepth: number;
  /** Keys worked on at once (never the same key twice). */
  concurrency: number;
  /** Backoff of a failed key: baseMs × 2^(attempt−1), at most maxMs; dropped after maxAttempts (the sweep is the safety net). */
  backoff: { baseMs: number; maxMs: number; maxAttempts: number };
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  maxDepth: 1000,
  concurrency: 4,
  backoff: { baseMs: 1000, maxMs: 60_000, maxAttempts: 5 },
};

export interface QueueOptions<J, R> extends Partial<QueueSettings> {
  work: (key: string, job: J) => Promise<R>;
  /** Combines a waiting job with a newer one for the same key. */
  merge: (waiting: J, incoming: J) => J;
  metrics?: Metrics;
  log?: Logger;
  timers?: Timers;
  now?: () => number;
  /** Told of every failed run (tests surface them; production has the log and the failures metric). */
  onFailure?: (key: string, error: Error) => void;
}

interface Waiter<R> {
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

interface Pending<J, R> {
  job: J;
  waiters: Array<Waiter<R>>;
  enqueuedAt: number;
}

interface Entry<J, R> {
  state: 'queued' | 'running' | 'delayed';
  /** The job waiting to run (queued or delayed), or the one running. */
  pending: Pending<J, R>;
  /** Arrived while running: runs once the current run is done. */
  dirty: Pending<J, R> | null;
  attempts: number;
  timer: unknown;
}

export type AddOutcome = 'queued' | 'coalesced';

export class WorkQueue<J, R = unknown> {
  private readonly entries = new Map<string, Entry<J, R>>();
  private readonly ready: string[] = [];
  private running = 0;
  private draining = false;
  private idleWaiters: Array<() => void> = [];
  private readonly settings: QueueSettings;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly options: QueueOptions<J, R>) {
    this.settings = {
      maxDepth: options.maxDepth ?? DEFAULT_QUEUE_SETTINGS.maxDepth,
      concurrency: options.concurrency ?? DEFAULT_QUEUE_SETTINGS.concurrency,
      backoff: options.backoff ?? DEFAULT_QUEUE_SETTINGS.backoff,
    };
    this.timers = options.timers ?? realTimers;
    this.now = options.now ?? (() => performance.now());
    this.log = options.log ?? silentLogger;
    this.gauge();
  }

  /** Keys waiting to run: queued, backing off, or due again after the running one. */
  get depth(): number {
    let depth = 0;
    for (const entry of this.entries.values()) depth += entry.state === 'running' ? (entry.dirty ? 1 : 0) : 1;
    return depth;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** Enqueues a job for the key; throws QueueRejected when full or draining (the caller fails the delivery). */
  add(key: string, job: J): AddOutcome {
    return this.enqueue(key, job, null);
  }

  /** Enqueues and resolves with the result of the first run that starts after this call (for the sweep). */
  addAndWait(key: string, job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      try {
        this.enqueue(key, job, { resolve, reject });
      } catch (error) {
        reject(error as Error);
      }
    });
  }

  /** Resolves when no key is queued, running or backing off. */
  idle(): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise((done) => this.idleWaiters.push(done));
  }

  /**
   * Shutdown: refuse new keys, drop keys backing off (the sweep will find them), finish what is
   * running and queued. Resolves true when done within `timeoutMs`, false otherwise.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    for (const [key, entry] of this.entries) {
      if (entry.state !== 'delayed') continue;
      this.timers.clearTimeout(entry.timer);
      this.entries.delete(key);
      this.settle(entry.pending, new Error(`${key} was backing off at shutdown; the next sweep reconciles it`));
      this.log.warn({ key }, 'shutdown: a key backing off was left to the sweep');
    }
    this.gauge();
    this.notifyIdle();
    let timer: unknown;
    const timedOut = new Promise<boolean>((done) => (timer = this.timers.setTimeout(() => done(false), timeoutMs)));
    const finished = await Promise.race([this.idle().then(() => true), timedOut]);
    this.timers.clearTimeout(timer);
    return finished;
  }

  private enqueue(key: string, job: J, waiter: Waiter<R> | null): AddOutcome {
    const waiters = waiter ? [waiter] : [];
    const entry = this.entries.get(key);
    if (this.draining && !entry) throw new QueueRejected('shutting down: not taking new work');
    if (!entry) {
      if (this.depth >= this.settings.maxDepth) {
        this.options.metrics?.inc('workshop_readiness_queue_rejected_total');
        throw new QueueRejected(`work queue full (${this.settings.maxDepth} keys waiting)`);
      }
      this.entries.set(key, { state: 'queued', pending: { job, waiters, enqueuedAt: this.now() }, dirty: null, attempts: 0, timer: null });
      this.ready.push(key);
      this.gauge();
      this.pump();
      return 'queued';
    }
    if (entry.state === 'running') {
      if (!entry.dirty) {
        entry.dirty = { job, waiters, enqueuedAt: this.now() };
        this.gauge();
        return 'queued';
      }
      this.coalesce(entry.dirty, job, waiters);
      return 'coalesced';
    }
    this.coalesce(entry.pending, job, waiters);
    if (entry.state === 'delayed') {
      // A fresh event for a key backing off runs it now (as client-go's Add does); its attempt count stays.
      this.timers.clearTimeout(entry.timer);
      entry.state = 'queued';
      this.ready.push(key);
      this.pump();
    }
    return 'coalesced';
  }

  private coalesce(pending: Pending<J, R>, job: J, waiters: Array<Waiter<R>>): void {
    pending.job = this.options.merge(pending.job, job);
    pending.waiters.push(...waiters);
    this.options.metrics?.inc('workshop_readiness_queue_coalesced_total');
  }

  private pump(): void {
    while (this.running < this.settings.concurrency && this.ready.length) {
      const key = this.ready.shift() as string;
      const entry = this.entries.get(key);
      if (!entry || entry.state !== 'queued') continue;
      entry.state = 'running';
      this.running++;
      this.options.metrics?.observe('workshop_readiness_queue_wait_seconds', (this.now() - entry.pending.enqueuedAt) / 1000);
      this.gauge();
      void this.run(key, entry);
    }
  }

  private async run(key: string, entry: Entry<J, R>): Promise<void> {
    const current = entry.pending;
    try {
      const result = await this.options.work(key, current.job);
      entry.attempts = 0;
      for (const w of current.waiters) w.resolve(result);
      this.next(key, entry, null);
    } catch (error) {
      this.failed(key, entry, current, error as Error);
    } finally {
      this.running--;
      this.gauge();
      this.pump();
      this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    if (this.entries.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const done of waiters) done();
  }

  private failed(key: string, entry: Entry<J, R>, current: Pending<J, R>, error: Error): void {
    const later = error instanceof RetryLater;
    if (!later) {
      this.options.onFailure?.(key, error);
      entry.attempts++;
      this.options.metrics?.inc('workshop_readiness_queue_failures_total');
    }
    const { baseMs, maxMs, maxAttempts } = this.settings.backoff;
    if (!later && entry.attempts >= maxAttempts) {
      this.log.error({ key, attempts: entry.attempts, err: error.message }, 'reconcile failed; giving up until the next event or sweep');
      this.settle(current, error);
      entry.attempts = 0;
      this.next(key, entry, null);
      return;
    }
    const backoff = Math.min(maxMs, baseMs * 2 ** Math.max(0, entry.attempts - 1));
    const delay = later ? error.retryAfterMs : Math.max(backoff, retryAfterOf(error));
    if (!later) this.log.warn({ key, attempt: entry.attempts, retryInMs: delay, err: error.message }, 'reconcile failed; retrying with backoff');
    this.next(key, entry, { ...current, enqueuedAt: this.now() }, delay);
  }

  /** After a run: the dirty job (merged with a retry, if any) runs now; else the retry waits; else the key is done. */
  private next(key: string, entry: Entry<J, R>, retry: Pending<J, R> | null, delayMs = 0): void {
    const dirty = entry.dirty;
    entry.dirty = null;
    if (dirty) {
      entry.pending = retry ? { job: this.options.merge(retry.job, dirty.job), waiters: [...retry.waiters, ...dirty.waiters], enqueuedAt: dirty.enqueuedAt } : dirty;
      entry.state = 'queued';
      this.ready.push(key);
      return;
    }
    if (!retry) {
      this.entries.delete(key);
      return;
    }
    if (this.draining) {
      this.entries.delete(key);
      this.settle(retry, new Error(`${key} failed during shutdown; the next sweep reconciles it`));
      return;
    }
    entry.pending = retry;
    entry.state = 'delayed';
    entry.timer = this.timers.setTimeout(() => {
      if (this.entries.get(key) !== entry || entry.state !== 'delayed') return;
      entry.state = 'queued';
      this.ready.push(key);
      this.pump();
    }, delayMs);
  }

  private settle(pending: Pending<J, R>, error: Error): void {
    for (const w of pending.waiters) w.reject(error);
    pending.waiters = [];
  }

  private gauge(): void {
    this.options.metrics?.set('workshop_readiness_queue_depth', {}, this.depth);
    this.options.metrics?.set('workshop_readiness_queue_running', {}, this.running);
  }
}

/** GitHub's `retry-after` (secondary rate limits), in ms; 0 when the error has none. */
function retryAfterOf(error: Error): number {
  const headers = (error as { response?: { headers?: Record<string, string | undefined> } }).response?.headers;
  const seconds = Number(headers?.['retry-after']);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 600) * 1000 : 0;
}
