import { MemoryDashboard } from '../../src/dashboard/port.js';
import { othersOnCluster, readRegistry, renderDashboard } from '../../src/dashboard/render.js';
import type { WorkshopSummary } from '../../src/dashboard/summary.js';
import { upsertDashboard } from '../../src/dashboard/sync.js';

const workshop = (overrides: Partial<WorkshopSummary>): WorkshopSummary => ({
  number: 17,
  title: 'Example University',
  stage: 'modeled',
  onHold: false,
  cluster: 'demo-cluster',
  pool: 'user-n2-highmem-4',
  instanceType: 'n2-highmem-4',
  nodes: 16,
  warmNodes: 4,
  start: '2027-03-10T09:00:00.000-06:00',
  end: '2027-03-12T17:00:00.000-06:00',
  windows: [{ start: '2027-03-10T08:00:00.000-06:00', end: '2027-03-10T17:00:00.000-06:00' }],
  costUSD: 100.6,
  waitingOn: 'engineers',
  next: 'run a load test',
  ...overrides,
});

const NOW = '2027-02-01T15:00:00Z';
const list = [
  workshop({}),
  workshop({ number: 21, title: 'Geo <b>@everyone</b>', stage: 'needs-info', waitingOn: 'community', next: 'the requester fixes the form', cluster: null, nodes: null, windows: [], start: null, end: null, costUSD: null }),
  workshop({ number: 18, title: 'Climate bootcamp', stage: 'go', start: '2027-03-09T09:00:00.000-06:00', windows: [{ start: '2027-03-10T07:00:00.000-06:00', end: '2027-03-10T12:00:00.000-06:00' }], nodes: 10, waitingOn: 'nobody', next: 'ready' }),
];

describe('dashboard', () => {
  const body = renderDashboard(list, NOW);

  test('by stage, upcoming in date order, and who each request waits on', () => {
    expect(body).toContain('| `needs-info` | 1 | #21 |');
    expect(body).toContain('| `go` | 1 | #18 |');
    const upcoming = body.slice(body.indexOf('## Upcoming'), body.indexOf('## Waiting'));
    expect(upcoming.indexOf('#18')).toBeLessThan(upcoming.indexOf('#17'));
    expect(upcoming).toContain('16 × n2-highmem-4 (4 warm)');
    expect(body).toMatch(/\*\*The community\*\* \(1\)\n- #21/);
    expect(body).toMatch(/\*\*The hub engineers\*\* \(1\)\n- #17 Example University: run a load test/);
  });

  test('the per-cluster calendar sums overlapping workshops per day, as a table and a Mermaid gantt', () => {
    expect(body).toContain('| 2027-03-10 | demo-cluster | #18, #17 | 26 |');
    expect(body).toMatch(/```mermaid\ngantt\n/);
    expect(body).toContain('section demo-cluster');
    expect(body).toContain('issue 17 16 nodes :2027-03-10 14:00, 540m');
  });

  test('titles are escaped (no HTML, no mentions) and the registry round-trips', () => {
    expect(body).not.toContain('<b>');
    expect(body).not.toContain('@everyone');
    expect(readRegistry(body).map((w) => w.number).sort()).toEqual([17, 18, 21]);
    expect(readRegistry('no marker here')).toEqual([]);
    expect(readRegistry('<!-- workshop-readiness:dashboard [{"number":"x"}] -->')).toEqual([]);
  });

  test('others on a cluster: same cluster, not itself, only planned requests', () => {
    expect(othersOnCluster(readRegistry(body), 'demo-cluster', 17).map((o) => o.issueNumber)).toEqual([18]);
    expect(othersOnCluster(readRegistry(body), 'other', 17)).toEqual([]);
  });

  test('upsert: created once, unchanged sweeps cost no write, changes rewrite in place', async () => {
    const port = new MemoryDashboard();
    expect(await upsertDashboard(port, list, NOW)).toBe('created');
    expect(await upsertDashboard(port, list, '2027-02-01T15:15:00Z')).toBe('unchanged');
    expect(port.writes).toBe(1);
    expect(await upsertDashboard(port, list.slice(0, 1), NOW)).toBe('updated');
    expect(port.writes).toBe(2);
    expect(port.issue?.number).toBe(1);
  });
});
