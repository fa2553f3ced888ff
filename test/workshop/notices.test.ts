import { dueNotices, noticeKey, type NoticeInput } from '../../src/workshop/notices.js';
import { EMPTY_STATE } from '../../src/workshop/marker.js';
import type { Readiness } from '../../src/workshop/readiness.js';
import { samplePlan } from '../support/plan.js';

const readiness = (stage: Readiness['stage']): Readiness => ({ stage, onHold: null, approval: null, loadTest: null, lapsed: [] });
const input = (overrides: Partial<NoticeInput>): NoticeInput => ({
  now: '2027-02-01T15:00:00Z',
  requester: 'community-rep',
  request: null,
  startHint: '2027-03-10T09:00:00.000-06:00',
  plan: null,
  readiness: readiness('needs-info'),
  state: EMPTY_STATE,
  problems: 2,
  ...overrides,
});
const keys = (i: NoticeInput) => dueNotices(i).map((n) => n.key);

describe('clock-driven notices (fake clock)', () => {
  test.each([
    ['2027-02-01T15:00:00Z', []], // 37 days before
    ['2027-02-17T16:00:00Z', ['reminder:21d']], // 20.7 days before
    ['2027-02-25T16:00:00Z', ['reminder:14d']],
    ['2027-03-05T16:00:00Z', ['reminder:7d']],
    ['2027-03-10T16:00:00Z', []], // started: too late to remind
  ])('needs-info, now %s → %j', (now, expected) => {
    expect(keys(input({ now }))).toEqual(expected);
  });

  test('a reminder names the requester, the days left and the number of items, and carries its key', () => {
    const [notice] = dueNotices(input({ now: '2027-03-05T16:00:00Z' }));
    expect(notice?.body).toMatch(/^@community-rep the workshop starts in 5 days and 2 items are still missing/);
    expect(noticeKey(notice?.body ?? '')).toBe('reminder:7d');
  });

  test('no reminder once the request is complete', () => {
    expect(keys(input({ now: '2027-03-05T16:00:00Z', readiness: readiness('modeled') }))).toEqual([]);
  });

  test('merge reminder: from a day before the first pre-warm window while the ready PR is open', () => {
    const state = { ...EMPTY_STATE, pullRequests: [{ phase: 'ready' as const, number: 101, url: 'https://github.com/o/r/pull/101', state: 'open' as const, planHash: 'p', before: {} }] };
    const base = { plan: samplePlan(), readiness: readiness('go'), state };
    expect(keys(input({ ...base, now: '2027-03-09T13:00:00Z' }))).toEqual([]); // 25 h before 08:00 CST
    expect(keys(input({ ...base, now: '2027-03-09T15:00:00Z' }))).toEqual(['merge-ready-pr:101']);
    const merged = { ...state, pullRequests: [{ ...state.pullRequests[0]!, state: 'merged' as const }] };
    expect(keys(input({ ...base, state: merged, now: '2027-03-09T15:00:00Z' }))).toEqual([]);
  });

  test('pre-flight on an event day: fewer Ready nodes than planned warm ones → one notice for that day', () => {
    const state = { ...EMPTY_STATE, pullRequests: [{ phase: 'ready' as const, number: 101, url: 'u', state: 'merged' as const, planHash: 'p', before: {} }] };
    const observed = (readyNodes: number) => ({ allocatableCpu: 3.92, allocatableMemory: 29e9, daemonsetCpu: 0.4, daemonsetMemory: 6e8, daemonsetPods: 9, readyNodes });
    const base = { plan: samplePlan(), readiness: readiness('go'), state, now: '2027-03-10T14:30:00Z' }; // 08:30 CST, within the lead
    const [notice] = dueNotices(input({ ...base, observed: observed(1) }));
    expect(notice?.key).toBe('preflight:2027-03-10');
    expect(notice?.body).toContain('Only 1 of 4 planned nodes are Ready');
    expect(dueNotices(input({ ...base, observed: observed(4) }))).toEqual([]);
    expect(dueNotices(input({ ...base, now: '2027-03-09T14:30:00Z', observed: observed(0) }))).toEqual([]); // the day before
  });

  test('closing summary after the end, for go requests, keeping the label for the record', () => {
    const base = { plan: samplePlan(), readiness: readiness('go') };
    expect(keys(input({ ...base, now: '2027-03-12T22:59:00Z' }))).toEqual([]); // 16:59 CST
    const [summary] = dueNotices(input({ ...base, now: '2027-03-12T23:01:00Z' }));
    expect(summary?.key).toBe('closing-summary');
    expect(summary?.body).toContain('16 × n2-highmem-4 at peak');
    expect(summary?.body).toContain('The stage label stays for the record; `readiness: done` is added once nothing is held');
  });

  test('DST: a workshop in Auckland across the April change is judged on absolute instants', () => {
    // NZ daylight time ends 2027-04-04 03:00 → 02:00; a start on 4 April at 09:00 is +12:00.
    const start = '2027-04-04T09:00:00.000+12:00';
    expect(keys(input({ startHint: start, now: '2027-03-28T21:30:00Z' }))).toEqual(['reminder:7d']); // 6.0 days before
    expect(keys(input({ startHint: start, now: '2027-04-03T21:30:00Z' }))).toEqual([]); // already started (09:30 local)
  });
});
