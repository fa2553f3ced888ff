import { Metrics } from '../../src/server/metrics.js';
import { QueueRejected, RetryLater, WorkQueue, type Timers } from '../../src/server/queue.js';
import { mergeJobs } from '../../src/server/app.js';

/** Timers driven by the test: nothing waits on real time. */
class ManualTimers implements Timers {
  now = 0;
  private due: Array<{ at: number; run: () => void; id: number }> = [];
  private ids = 0;
  setTimeout(run: () => void, ms: number) {
    const id = ++this.ids;
    this.due.push({ at: this.now + ms, run, id });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.due = this.due.filter((t) => t.id !== handle);
  }
  /** Moves the clock and fires what fell due. */
  advance(ms: number) {
    this.now += ms;
    const fire = this.due.filter((t) => t.at <= this.now);
    this.due = this.due.filter((t) => t.at > this.now);
    for (const t of fire) t.run();
  }
  get pending() {
    return this.due.map((t) => t.at - this.now);
  }
}

/** A worker whose runs the test finishes by hand. */
function gatedWorker<J>() {
  const runs: Array<{ key: string; job: J; finish: (error?: Error) => void }> = [];
  const work = (key: string, job: J) =>
    new Promise<string>((resolve, reject) => runs.push({ key, job, finish: (error) => (error ? reject(error) : resolve(`${key} done`)) }));
  return { runs, work };
}

const flush = () => new Promise((done) => setImmediate(done));
type Job = { events: string[] };
const merge = (a: Job, b: Job): Job => ({ events: [...a.events, ...b.events] });

describe('WorkQueue (keyed, coalescing, serialized, bounded)', () => {
  test('50 events for one key while it waits and runs become 2 runs, never 2 at once; other keys run in parallel', async () => {
    const timers = new ManualTimers();
    const metrics = new Metrics();
    const { runs, work } = gatedWorker<Job>();
    const queue = new WorkQueue<Job, string>({ work, merge, metrics, timers, now: () => timers.now, concurrency: 2 });
    expect(queue.add('o/r#1', { events: ['e0'] })).toBe('queued');
    for (let i = 1; i < 50; i++) queue.add('o/r#1', { events: [`e${i}`] });
    queue.add('o/r#2', { events: ['x'] });
    await flush();
    // The first event started right away; the 49 that came while it ran wait as one dirty job.
    expect(runs.map((r) => r.key)).toEqual(['o/r#1', 'o/r#2']);
    expect(runs[0]?.job.events).toEqual(['e0']);
    expect(metrics.value('workshop_readiness_queue_coalesced_total')).toBe(48);
    expect(metrics.value('workshop_readiness_queue_depth')).toBe(1);
    runs[1]?.finish();
    await flush();
    expect(runs).toHaveLength(2); // #1 is still running: its dirty job must not start beside it
    runs[0]?.finish();
    await flush();
    expect(runs).toHaveLength(3);
    expect(runs[2]?.job.events).toHaveLength(49);
    runs[2]?.finish();
    await queue.idle();
    expect(metrics.value('workshop_readiness_queue_depth')).toBe(0);
    expect(metrics.render()).toContain('workshop_readiness_queue_wait_seconds_count 3');
  });

  test('a failure is retried with exponential backoff, then given up (waiters rejected); success forgets the count', async () => {
    const timers = new ManualTimers();
    const metrics = new Metrics();
    const { runs, work } = gatedWorker<Job>();
    const queue = new WorkQueue<Job, string>({ work, merge, metrics, timers, now: () => timers.now, backoff: { baseMs: 100, maxMs: 250, maxAttempts: 4 } });
    const result = queue.addAndWait('k', { events: ['a'] });
    await flush();
    runs[0]?.finish(new Error('502 from GitHub'));
    await flush();
    expect(timers.pending).toEqual([100]);
    timers.advance(99);
    await flush();
    expect(runs).toHaveLength(1);
    timers.advance(1);
    await flush();
    runs[1]?.finish(new Error('again'));
    await flush();
    expect(timers.pending).toEqual([200]);
    timers.advance(200);
    await flush();
    runs[2]?.finish(new Error('again'));
    await flush();
    expect(timers.pending).toEqual([250]); // capped at maxMs
    timers.advance(250);
    await flush();
    runs[3]?.finish(new Error('still failing'));
    await expect(result).rejects.toThrow('still failing');
    expect(metrics.value('workshop_readiness_queue_failures_total')).toBe(4);
    expect(timers.pending).toEqual([]);

    // Fresh start for the key: a success resolves the waiter and leaves nothing behind.
    const ok = queue.addAndWait('k', { events: ['b'] });
    await flush();
    runs[4]?.finish();
    await expect(ok).resolves.toBe('k done');
  });

  test("a GitHub retry-after longer than the backoff is honoured; RetryLater waits without counting a failure", async () => {
    const timers = new ManualTimers();
    const metrics = new Metrics();
    const { runs, work } = gatedWorker<Job>();
    const queue = new WorkQueue<Job, string>({ work, merge, metrics, timers, now: () => timers.now, backoff: { baseMs: 100, maxMs: 1000, maxAttempts: 1 + 1 } });
    queue.add('k', { events: ['a'] });
    await flush();
    runs[0]?.finish(Object.assign(new Error('secondary rate limit'), { status: 403, response: { headers: { 'retry-after': '7' } } }));
    await flush();
    expect(timers.pending).toEqual([7000]);
    timers.advance(7000);
    await flush();
    runs[1]?.finish(new RetryLater(3000, 'lease held by replica-b'));
    await flush();
    expect(timers.pending).toEqual([3000]);
    expect(metrics.value('workshop_readiness_queue_failures_total')).toBe(1);
    timers.advance(3000);
    await flush();
    expect(runs).toHaveLength(3); // still retried: the lease wait did not use up an attempt
  });

  test('an event for a key backing off runs it now; an event during a run is merged with the retry', async () => {
    const timers = new ManualTimers();
    const { runs, work } = gatedWorker<Job>();
    const queue = new WorkQueue<Job, string>({ work, merge, timers, now: () => timers.now, backoff: { baseMs: 10_000, maxMs: 10_000, maxAttempts: 5 } });
    queue.add('k', { events: ['a'] });
    await flush();
    runs[0]?.finish(new Error('boom'));
    await flush();
    expect(queue.add('k', { events: ['b'] })).toBe('coalesced');
    await flush();
    expect(runs[1]?.job.events).toEqual(['a', 'b']);
    expect(timers.pending).toEqual([]);
    queue.add('k', { events: ['c'] });
    runs[1]?.finish(new Error('boom'));
    await flush();
    expect(runs[2]?.job.events).toEqual(['a', 'b', 'c']);
  });

  test('bounded: a new key beyond maxDepth is refused; an event for a waiting key still coalesces', async () => {
    const metrics = new Metrics();
    const { work } = gatedWorker<Job>();
    const queue = new WorkQueue<Job, string>({ work, merge, metrics, concurrency: 1, maxDepth: 2 });
    queue.add('a', { events: [] }); // runs
    queue.add('b', { events: [] });
    queue.add('c', { events: [] });
    expect(() => queue.add('d', { events: [] })).toThrow(QueueRejected);
    expect(queue.add('b', { events: ['more'] })).toBe('coalesced');
    expect(metrics.value('workshop_readiness_queue_rejected_total')).toBe(1);
  });

  test('drain: refuses new keys, drops keys backing off, finishes running and queued work', async () => {
    const timers = new ManualTimers();
    const { runs, work } = gatedWorker<Job>();
    const queue = new WorkQueue<Job, string>({ work, merge, timers, now: () => timers.now, concurrency: 1 });
    const failing = queue.addAndWait('failing', { events: [] });
    await flush();
    runs[0]?.finish(new Error('boom'));
    await flush();
    queue.add('running', { events: [] });
    queue.add('queued', { events: [] });
    await flush();
    const drained = queue.drain(30_000);
    await expect(failing).rejects.toThrow('next sweep');
    expect(() => queue.add('late', { events: [] })).toThrow('shutting down');
    runs[1]?.finish();
    await flush();
    expect(runs[2]?.key).toBe('queued');
    runs[2]?.finish();
    await expect(drained).resolves.toBe(true);
    expect(runs.map((r) => r.key)).toEqual(['failing', 'running', 'queued']);
  });

  test('drain gives up after its timeout when a run hangs', async () => {
    const timers = new ManualTimers();
    const { work } = gatedWorker<Job>();
    const queue = new WorkQueue<Job, string>({ work, merge, timers, now: () => timers.now });
    queue.add('stuck', { events: [] });
    const drained = queue.drain(5000);
    timers.advance(5000);
    await expect(drained).resolves.toBe(false);
  });
});

describe('mergeJobs (what a waiting reconcile of one issue keeps from the events folded into it)', () => {
  const base = { octokit: {} as never, installation: '4242', ref: { owner: 'o', repo: 'r', issue_number: 1 }, log: {} as never };
  const progress = { runId: 'run-1', status: 'running' as const, summary: 'seats 3/10' };
  const passed = { runId: 'run-1', status: 'passed' as const, summary: 'all running', finishedAt: '2027-02-01T15:10:00Z' };
  test.each([
    ['progress, then the result → the result', { loadTestUpdate: progress }, { loadTestUpdate: passed }, passed, undefined],
    ['the result, then late progress → the result stays', { loadTestUpdate: passed }, { loadTestUpdate: progress }, passed, undefined],
    ['a result, then a plain event → the result stays', { loadTestUpdate: passed }, {}, passed, undefined],
    ['a PR event, then a plain event → infra still refreshed', { refreshInfra: true }, {}, undefined, true],
    ['a plain event, then a PR event → infra refreshed', {}, { refreshInfra: true }, undefined, true],
    ['two plain events → nothing extra', {}, {}, undefined, undefined],
  ])('%s', (_name, waiting, incoming, update, refresh) => {
    const merged = mergeJobs({ ...base, ...waiting }, { ...base, ...incoming, installation: 'newest' });
    expect(merged.loadTestUpdate).toEqual(update);
    expect(merged.refreshInfra).toBe(refresh);
    expect(merged.installation).toBe('newest');
  });
});
