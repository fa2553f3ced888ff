import { followWindows, type WindowsInput } from '../../src/pipeline/windows.js';
import { silentLogger } from '../../src/pipeline/ports.js';
import type { PlaceholderScalePort } from '../../src/kube/placeholder-scale.js';
import type { PullRequestRecord } from '../../src/workshop/marker.js';
import { samplePlan } from '../support/plan.js';

const base = samplePlan();
const plan = samplePlan({ readyMode: { ...base.readyMode, followsWindows: true } });
const merged = (phase: PullRequestRecord['phase']): PullRequestRecord => ({ phase, number: 101, url: 'https://github.com/example-org/infrastructure/pull/101', state: 'merged', planHash: 'p', before: {} });

/** A hub's placeholder StatefulSet in memory: what a real port reads and writes. */
function fakeHub(replicas: number | null, fail?: Error) {
  const calls: string[] = [];
  const port: PlaceholderScalePort = {
    async replicas(namespace) {
      calls.push(`read ${namespace}`);
      if (fail) throw fail;
      return replicas;
    },
    async scale(namespace, to) {
      calls.push(`scale ${namespace} ${to}`);
      replicas = to;
    },
  };
  return { port, calls, replicas: () => replicas };
}

const input = (overrides: Partial<WindowsInput> = {}): WindowsInput => ({ plan, namespace: 'workshops', pullRequests: [merged('ready')], now: '2027-03-10T10:00:00-06:00', ...overrides });
const run = (i: WindowsInput, port: PlaceholderScalePort | null, dryRun = false) => followWindows(i, port, { dryRun, log: silentLogger });

describe('followWindows: placeholders follow the daily windows once the ready PR is merged', () => {
  test.each([
    ['the first window has begun (merge-by time, 08:00)', '2027-03-10T08:00:00-06:00', 0, 4],
    ['the middle of day 2', '2027-03-11T12:00:00-06:00', 0, 4],
    ['day 1 is over (17:00)', '2027-03-10T17:00:00-06:00', 4, 0],
    ['the night before day 3', '2027-03-12T03:00:00-06:00', 4, 0],
    ['after the event, before the scale-down is merged', '2027-03-13T12:00:00-06:00', 4, 0],
  ])('%s: %d → %d', async (_, now, from, to) => {
    const hub = fakeHub(from);
    await expect(run(input({ now }), hub.port)).resolves.toEqual({ kind: 'scaled', from, to });
    expect(hub.replicas()).toBe(to);
  });

  test('already right: one read, no write', async () => {
    const hub = fakeHub(4);
    await expect(run(input(), hub.port)).resolves.toEqual({ kind: 'held', replicas: 4 });
    expect(hub.calls).toEqual(['read workshops']);
  });

  test.each([
    ['the plan does not follow the windows', { plan: base }],
    ['no namespace for the hub', { namespace: undefined }],
    ['the ready PR is not merged yet', { pullRequests: [{ ...merged('ready'), state: 'open' as const }] }],
    ['the scale-down is merged', { pullRequests: [merged('ready'), merged('scale-down')] }],
  ])('%s: nothing is read or written', async (_, overrides) => {
    const hub = fakeHub(0);
    await expect(run(input(overrides), hub.port)).resolves.toEqual({ kind: 'idle' });
    expect(hub.calls).toEqual([]);
  });

  test('no cluster access once the ready PR is merged: a failure, since the plan counts on the app', async () => {
    await expect(run(input(), null)).resolves.toEqual({ kind: 'failed', why: "the app has no credentials for the hub's cluster (namespace workshops)" });
    await expect(run(input({ pullRequests: [] }), null)).resolves.toEqual({ kind: 'idle' });
  });

  test('DRY_RUN reads but never scales', async () => {
    const hub = fakeHub(0);
    await run(input(), hub.port, true);
    expect(hub.calls).toEqual(['read workshops']);
  });

  test('a hub without the StatefulSet, or a refusal, is reported and nothing is thrown', async () => {
    await expect(run(input(), fakeHub(null).port)).resolves.toMatchObject({ kind: 'failed', why: expect.stringContaining('deploy the merged ready-mode values') });
    await expect(run(input(), fakeHub(0, new Error('Kubernetes refused scaling')).port)).resolves.toEqual({ kind: 'failed', why: 'Kubernetes refused scaling' });
  });
});
