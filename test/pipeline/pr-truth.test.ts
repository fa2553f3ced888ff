/**
 * The opened ready-mode PR and the status comment tell the same story: every figure the comment shows about
 * ready mode (warm nodes, placeholders and their requests, per-user resources, hours, price, cost) is read
 * back from the PR's own files and body and found equal. Runs the real reconcile on the bundled example.
 */
import path from 'node:path';
import { DateTime } from 'luxon';
import { parse } from 'yaml';
import { fixedClock, readConfigFile, readInput } from '../../src/cli/io.js';
import { fmtCpu, fmtGiB } from '../../src/capacity/allocatable.js';
import { MemoryIssue } from '../../src/github/memory.js';
import { MemoryInfraRepo } from '../../src/github/memory-infra.js';
import { infraFormats, readPlaceholders } from '../../src/infra/index.js';
import { parseSpawnerBytes } from '../../src/infra/helm/quantity.js';
import { packageRoot } from '../../src/paths.js';
import { silentLogger } from '../../src/pipeline/ports.js';
import { reconcile } from '../../src/pipeline/reconcile.js';

const examples = path.join(packageRoot, 'examples');
const TFVARS = 'terraform/gcp/projects/demo-cluster.tfvars';
const VALUES = 'config/clusters/demo-cluster/workshop.values.yaml';
const ZONE = 'America/Chicago';

/** The ready-mode PR of the example, approved, as the app opens it; and the status comment beside it. */
async function openedExample(end?: string, memory?: string) {
  const clock = fixedClock('2027-02-01T15:00:00Z');
  const configLoad = readConfigFile(path.join(examples, 'workshop-readiness.yml'));
  let body = readInput(path.join(examples, 'issues', 'workshop.md'), 'issue');
  if (end) body = body.replace('### End date\n\n2027-03-12', `### End date\n\n${end}`);
  if (memory) body = body.replace('### Memory per user\n\n4 GB', `### Memory per user\n\n${memory}`);
  const issue = new MemoryIssue(
    { number: 17, title: '[Workshop] Example University', body, author: 'community-rep', state: 'open' },
    { now: () => clock.now().toISOString(), permissions: { alice: 'write', bob: 'admin' } },
    [configLoad.config.labels.workshop],
  );
  const infra = new MemoryInfraRepo('example-org/infrastructure', path.join(examples, 'infra-repo'), 'main');
  const deps = { issues: issue, clock, log: silentLogger, repo: 'example-org/infrastructure', infraRepo: async () => infra };
  await reconcile(configLoad, deps);
  issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/load?run=1');
  issue.addUserComment('bob', '/approve');
  const result = await reconcile(configLoad, deps);
  expect(result.stage).toBe('go');
  const pr = infra.pulls[0];
  if (!pr) throw new Error('no PR was opened');
  const files = infra.branches.get(pr.branch) ?? new Map<string, string>();
  return { pr, files, comment: issue.statusComment()?.body ?? '' };
}

/** A table row's value from markdown (`| name | value |`). */
function row(markdown: string, name: string): string {
  const found = markdown.split('\n').find((line) => line.startsWith(`| ${name} |`));
  if (!found) throw new Error(`no "${name}" row in:\n${markdown}`);
  return found.slice(name.length + 5, -2);
}

interface HeldCost { usd: number; nodes: number; hours: number; price: number; from: DateTime; until: DateTime }

/** The example plan's warm nodes (sized by the start model). */
const WARM = 5;

/** "\$89.60 = 6 warm nodes × 57 h × \$0.262 per node-hour, … (Wed 10 Mar 2027 08:00 CST) to … (Fri …)". */
function heldCost(text: string): HeldCost {
  const match = /^\\\$(\d+\.\d\d) = (\d+) warm nodes? × ([\d.]+) h × \\\$([\d.]+) per node-hour.*merge-by time \((.+?) \w+\) to the scale-down \((.+?) \w+\)$/.exec(text);
  if (!match) throw new Error(`cost line not understood: ${text}`);
  const at = (local: string) => DateTime.fromFormat(local, 'ccc d LLL yyyy HH:mm', { zone: ZONE });
  return { usd: Number(match[1]), nodes: Number(match[2]), hours: Number(match[3]), price: Number(match[4]), from: at(match[5] as string), until: at(match[6] as string) };
}

describe.each([
  ['the 3-day example', undefined],
  ['the example stretched to 25 days', '2027-04-03'],
])('%s: the cost and figures shown are what the opened PR holds', (_, end) => {
  let opened: Awaited<ReturnType<typeof openedExample>>;
  beforeAll(async () => {
    opened = await openedExample(end);
  });

  test('warm nodes: the pool min in the PR\'s tfvars = the placeholders in its values = the nodes the cost is for = the comment\'s', () => {
    const { pr, files, comment } = opened;
    const pool = infraFormats.tfvars.read(files.get(TFVARS) ?? '', { key: 'n2-highmem-4', instanceType: 'n2-highmem-4' });
    const placeholders = readPlaceholders(files.get(VALUES) ?? '');
    if (!pool.ok || !placeholders.ok || !placeholders.sizing) throw new Error('the PR files do not read back');
    const min = pool.values.min;
    expect(placeholders.sizing.replicas).toBe(min);
    expect(heldCost(row(pr.body, 'Cost of ready mode')).nodes).toBe(min);
    expect(heldCost(row(comment, 'Ready mode cost')).nodes).toBe(min);
    // Requests in the file, shown the way both texts show them.
    const shown = `${min} / ${min} whole-node pods of ${fmtCpu(placeholders.sizing.cpu)} CPU, ${fmtGiB(placeholders.sizing.memoryBytes)}`;
    expect(row(pr.body, 'Warm nodes / placeholders')).toBe(shown);
    expect(row(comment, 'Warm nodes / placeholders')).toBe(shown);
  });

  test('the cost is nodes × hours × price, held without a break from the merge-by time to the scale-down, in both texts', () => {
    const { pr, comment } = opened;
    const inPr = heldCost(row(pr.body, 'Cost of ready mode'));
    const inComment = heldCost(row(comment, 'Ready mode cost'));
    expect(inComment).toEqual(inPr);
    expect(inPr.usd).toBe(Math.round(inPr.nodes * inPr.hours * inPr.price * 100) / 100);
    expect(inPr.hours).toBe(inPr.until.diff(inPr.from, 'hours').hours);
    // The PR asks to be merged at the moment the cost starts counting.
    expect(pr.body).toContain(`**Merge by ${inPr.from.toFormat('ccc d LLL yyyy HH:mm')}`);
    // No daily-window figure: nothing enforces the windows.
    expect(comment).not.toMatch(/daily windows/);
    expect(pr.body).not.toMatch(/daily windows/);
  });

  test('per user: the PR\'s values set guarantee = limit at what both texts say', () => {
    const { pr, files, comment } = opened;
    const singleuser = parse(files.get(VALUES) ?? '').jupyterhub.singleuser;
    const memory = parseSpawnerBytes(singleuser.memory.guarantee);
    expect(parseSpawnerBytes(singleuser.memory.limit)).toBe(memory);
    expect(singleuser.cpu.limit).toBe(singleuser.cpu.guarantee);
    expect(files.get(VALUES)).toMatch(/podPriority:\n\s+enabled: true/);
    const shown = `${fmtGiB(memory ?? 0)} memory and ${fmtCpu(singleuser.cpu.guarantee)} CPU, guarantee = limit (set by the ready-mode PR)`;
    expect(row(pr.body, 'Per user during the event')).toBe(shown);
    expect(row(comment, 'Per user during the event')).toBe(shown);
  });
});

test('stretching the event stretches the held cost with it (25 days and nights, not 25 daily windows)', async () => {
  const short = heldCost(row((await openedExample()).pr.body, 'Cost of ready mode'));
  const long = heldCost(row((await openedExample('2027-04-03')).pr.body, 'Cost of ready mode'));
  expect(long.hours).toBe(short.hours + 22 * 24 - 1); // 22 more days; one hour less across the switch to daylight time
  expect(long.usd).toBeGreaterThan(short.usd * 9);
});

describe('where the app follows the daily windows (cluster access and the hub\'s namespace)', () => {
  /** The example with the hub's namespace and the cluster's credentials configured, walked through time. */
  async function following(refuse?: string, clusterApi = { reachable: false }) {
    let now = '2027-02-01T15:00:00Z';
    const clock = { now: () => new Date(now) };
    const configLoad = readConfigFile(path.join(examples, 'workshop-readiness.yml'));
    const { config } = configLoad;
    const cluster = config.clusters['demo-cluster'];
    const hub = config.hubs.workshops;
    if (!cluster || !hub) throw new Error('example config changed');
    cluster.kubernetes = { inCluster: true, namespace: 'workshop-readiness' };
    hub.namespace = 'workshops';
    const issue = new MemoryIssue(
      { number: 17, title: '[Workshop] Example University', body: readInput(path.join(examples, 'issues', 'workshop.md'), 'issue'), author: 'community-rep', state: 'open' },
      { now: () => clock.now().toISOString(), permissions: { alice: 'write', bob: 'admin' } },
      [config.labels.workshop],
    );
    const infra = new MemoryInfraRepo('example-org/infrastructure', path.join(examples, 'infra-repo'), 'main');
    let replicas: number | null = 0;
    let refusing = refuse;
    const scaled: Array<[string, number]> = [];
    const placeholders = () => ({
      replicas: async () => {
        if (refusing) throw new Error(refusing);
        return replicas;
      },
      scale: async (namespace: string, to: number) => {
        scaled.push([namespace, to]);
        replicas = to;
      },
    });
    // n2-highmem-4 as a cluster reports it; observed only when the test says the cluster answers.
    const node = { allocatableCpu: 3.92, allocatableMemory: 29_783_904_256, daemonsetCpu: 0.443, daemonsetMemory: 624_951_296, daemonsetPods: 9, readyNodes: 0 };
    const observe = async () => {
      if (!clusterApi.reachable) throw new Error('connect ECONNREFUSED');
      return node;
    };
    const deps = { issues: issue, clock, log: silentLogger, repo: 'example-org/infrastructure', infraRepo: async () => infra, placeholders, ...(clusterApi.reachable ? { observe } : {}) };
    await reconcile(configLoad, deps);
    issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/load?run=1');
    issue.addUserComment('bob', '/approve');
    await reconcile(configLoad, deps);
    const at = async (instant: string) => {
      now = instant;
      await reconcile(configLoad, deps);
      return replicas;
    };
    return { infra, issue, at, scaled, fix: () => (refusing = undefined) };
  }

  test('a refusal is said in the status comment (the pool\'s min is not there to fall back on), and goes once fixed', async () => {
    const { infra, issue, at, fix } = await following('Kubernetes refused reading the user placeholders in namespace workshops');
    infra.merge(infra.pulls[0]?.number ?? 0);
    await at('2027-03-10T14:05:00Z');
    const body = issue.statusComment()?.body ?? '';
    expect(body).toContain('⚠️ The app follows the daily windows for this hub but could not scale its placeholders: Kubernetes refused reading the user placeholders in namespace workshops.');
    expect(body).toContain('Ready-mode PR:'); // the infra section keeps what it said
    fix();
    expect(await at('2027-03-10T14:20:00Z')).toBe(WARM);
    expect(issue.statusComment()?.body).not.toContain('could not scale its placeholders');
  });

  test('cluster unreachable and placeholders refused on the event morning: the last figures stay stale, so no pre-flight warning from them', async () => {
    const cluster = { reachable: true };
    const { infra, issue, at } = await following('Kubernetes refused reading the user placeholders in namespace workshops', cluster);
    infra.merge(infra.pulls[0]?.number ?? 0);
    cluster.reachable = false;
    await at('2027-03-10T14:05:00Z');
    expect(issue.statusComment()?.body).toContain('could not scale its placeholders');
    expect(issue.comments.some((c) => c.body.includes('Pre-flight check'))).toBe(false);
  });

  test('the PR leaves the pool\'s min alone; PR body and comment show the same daily-window cost', async () => {
    const { infra, issue } = await following();
    const pr = infra.pulls[0];
    if (!pr) throw new Error('no PR');
    const files = infra.branches.get(pr.branch) ?? new Map<string, string>();
    expect([...files.keys()]).toEqual([VALUES]);
    expect(pr.body).toContain('min stays 0 (the app scales the placeholders at each daily window');
    const inPr = heldCost(row(pr.body, 'Cost of ready mode'));
    expect(heldCost(row(issue.statusComment()?.body ?? '', 'Ready mode cost'))).toEqual(inPr);
    expect(row(pr.body, 'Cost of ready mode')).toContain('held in the daily windows only');
    expect(inPr.hours).toBe(3 * 9 + 3 * 10 / 60);
    expect(inPr.usd).toBe(Math.round(inPr.nodes * inPr.hours * inPr.price * 100) / 100);
  });

  test('once the ready PR is merged, reconciles at the window boundaries scale the placeholders in and out', async () => {
    const { infra, at, scaled } = await following();
    expect(await at('2027-03-10T13:00:00Z')).toBe(0); // 07:00 Chicago, PR not merged: not touched
    expect(scaled).toEqual([]);
    infra.merge(infra.pulls[0]?.number ?? 0);
    expect(await at('2027-03-10T14:05:00Z')).toBe(WARM); // 08:05, the first window
    expect(await at('2027-03-10T20:00:00Z')).toBe(WARM); // 14:00: already right, no write
    expect(await at('2027-03-10T23:10:00Z')).toBe(0); // 17:10: the day is over
    expect(await at('2027-03-11T14:00:00Z')).toBe(WARM); // 08:00 on day 2
    expect(await at('2027-03-13T15:00:00Z')).toBe(0); // after the event
    expect(scaled).toEqual([['workshops', WARM], ['workshops', 0], ['workshops', WARM], ['workshops', 0]]);
  });
});

describe("the hub's default memory (`4G` in the config) round-trips into the PR's values as `4G`", () => {
  test('the values file says 4G, the plan and the comment say 4 GiB per user', async () => {
    const { pr, files, comment } = await openedExample(undefined, "Use the hub's default");
    expect(comment).toContain("the hub's default guarantee of 4 GiB was used");
    const singleuser = (parse(files.get(VALUES) ?? '') as { jupyterhub: { singleuser: { memory: { guarantee: unknown; limit: unknown } } } }).jupyterhub.singleuser;
    // Guarantee = limit during the event, both the hub's default, spelled the way the config spelled it.
    expect(singleuser.memory).toEqual({ guarantee: '4G', limit: '4G' });
    expect(parseSpawnerBytes(singleuser.memory.guarantee)).toBe(4 * 1024 ** 3);
    expect(row(pr.body, 'Per user during the event')).toMatch(/^4 GiB memory and /);
    expect(row(comment, 'Per user during the event')).toMatch(/^4 GiB memory and /);
  });
});
