import { preflightCheck, type PreflightInput } from '../../src/kube/preflight.js';

const windows = [
  { start: '2025-03-10T16:00:00Z', end: '2025-03-10T19:00:00Z' },
  { start: '2025-03-11T09:00:00-07:00', end: '2025-03-11T12:00:00-07:00' }, // 16:00–19:00 UTC
];
const input = (overrides: Partial<PreflightInput>): PreflightInput => ({
  now: '2025-03-10T15:15:00Z',
  windows,
  leadMinutes: 60,
  plannedMinNodes: 5,
  plannedPlaceholders: 40,
  observed: { readyNodes: 5, placeholdersRunning: 40 },
  readyModePrMerged: true,
  ...overrides,
});

const PR = 'The ready-mode PR is not merged and the workshop starts in 45 min (16:00 UTC): merge it now, or users will wait for new nodes.';
const NODES = (n: number, when: string) => `Only ${n} of 5 planned nodes are Ready and ${when}: check the pool's minimum size and the autoscaler.`;
const SEATS = (n: number, when: string) => `Only ${n} of 40 user placeholders are Running and ${when}: check the hub's userPlaceholder settings and pending pods.`;
const SOON = 'the workshop starts in 45 min (16:00 UTC)';

describe('preflightCheck', () => {
  test.each<[string, Partial<PreflightInput>, boolean, string[]]>([
    ['the day before: not due', { now: '2025-03-09T15:30:00Z' }, false, []],
    ['90 min before with a 60 min lead: not due yet', { now: '2025-03-10T14:30:00Z', readyModePrMerged: false }, false, []],
    ['in the lead, all in place: due, nothing to say', {}, true, []],
    [
      'in the lead, PR not merged, nodes and seats missing',
      { readyModePrMerged: false, observed: { readyNodes: 2, placeholdersRunning: 0 } },
      true,
      [PR, NODES(2, SOON), SEATS(0, SOON)],
    ],
    [
      'during the window, a node short',
      { now: '2025-03-10T17:00:00Z', observed: { readyNodes: 3, placeholdersRunning: 40 } },
      true,
      [NODES(3, 'the workshop is under way (until 19:00 UTC)')],
    ],
    [
      'cluster not readable: ask for a manual check',
      { observed: null },
      true,
      [`Could not read the cluster and ${SOON}: check by hand that 5 nodes are Ready and 40 user placeholders are Running.`],
    ],
    ['ready mode plans nothing: no PR or capacity warning', { plannedMinNodes: 0, plannedPlaceholders: 0, observed: null, readyModePrMerged: false }, true, []],
    ['more than planned is fine', { observed: { readyNodes: 9, placeholdersRunning: 64 } }, true, []],
    ['at the window end: over', { now: '2025-03-10T19:00:00Z', readyModePrMerged: false }, false, []],
    [
      'second day, window given with an offset',
      { now: '2025-03-11T15:01:00Z', observed: { readyNodes: 5, placeholdersRunning: 39 } },
      true,
      [SEATS(39, 'the workshop starts in 59 min (16:00 UTC)')],
    ],
    ['lead 0: due only once the window opens', { now: '2025-03-10T15:59:00Z', leadMinutes: 0, readyModePrMerged: false }, false, []],
    ['unreadable windows are skipped', { windows: [{ start: 'tomorrow', end: 'later' }], readyModePrMerged: false }, false, []],
    ['a window that ends before it starts is skipped', { windows: [{ start: '2025-03-10T16:00:00Z', end: '2025-03-10T15:00:00Z' }] }, false, []],
    ['an unreadable now: not due, one line', { now: 'soon' }, false, ['pre-event check skipped: "soon" is not a time']],
  ])('%s', (_name, overrides, due, warnings) => {
    expect(preflightCheck(input(overrides))).toEqual({ due, warnings });
  });
});
