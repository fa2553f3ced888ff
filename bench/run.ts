/**
 * `npm run bench`: drives the real Probot app (webhook → work queue → reconcile) with recorded payload
 * shapes against the stateful fake GitHub (through nock) and prints: API calls and writes per event,
 * handler time p50/p99, end-to-end time per event with production throttling on, how many reconciles a
 * 50-delivery burst and an opened+labeled pair become, memory, and plan computation time.
 * Targets (issue #13): new valid issue ≤ 5 calls, redelivery ≤ 2 calls and 0 writes, command ≤ 4 calls
 * on top of the reads, p99 handler < 20 ms, RSS < 150 MB.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { randomBytes } from 'node:crypto';
import { singleProcess } from '../src/kube/coordination.js';
import { AppProcess, freePort } from './app-process.js';
import { packageRoot } from '../src/paths.js';
import { createApp } from '../src/server/app.js';
import type { WorkQueue } from '../src/server/queue.js';
import { FakeGitHub } from './fake-github.js';
import { benchPlans } from './plan.bench.js';

const APP_ID = 123;
const NOW = new Date('2027-02-01T15:00:00Z');
/** The bench's clock: starts at NOW and runs, shared by the app and the fake GitHub's timestamps. */
const startedAt = Date.now();
const benchClock = { now: () => new Date(NOW.getTime() + (Date.now() - startedAt)) };

/** Time spent inside GitHub requests (nock's emulated network), to report handler time without it. */
let networkMs = 0;
const timed = (octokit: { hook: InstanceType<typeof ProbotOctokit>['hook'] }) => {
  octokit.hook.wrap('request', async (request, options) => {
    const started = performance.now();
    try {
      return await request(options);
    } finally {
      networkMs += performance.now() - started;
    }
  });
  return {};
};
/** Throttling and retries off (Probot passes its own throttle options; a function layer has the last word). */
const BenchOctokit = ProbotOctokit.plugin(timed).defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));
/** As in production: Probot's throttling (writes spaced 1 s, comment creation 3 s) and retries on. */
const ProductionOctokit = ProbotOctokit.plugin(timed);

// Run from the source (tsx) or from the compiled .bench-build/: files are read from the package root.
const read = (file: string) => readFileSync(path.join(packageRoot, file), 'utf8');
const opened = JSON.parse(read('test/fixtures/webhooks/issues.opened.json'));
const commented = JSON.parse(read('test/fixtures/webhooks/issue_comment.created.json'));
const body = read('examples/issues/workshop.md');
const ms = (v: number) => +v.toFixed(2);

async function startApp(Octokit: typeof ProbotOctokit, privateKey: string) {
  let queue: WorkQueue<never, unknown> | null = null;
  const probot = new Probot({ appId: APP_ID, privateKey, Octokit, logLevel: 'fatal' });
  await probot.load(
    createApp({ appId: APP_ID, markerSecret: 'bench-only-secret', clock: benchClock, sweepIntervalMinutes: 0, sweepToken: null, issueLock: singleProcess, onQueue: (q) => (queue = q as never) }),
  );
  return { probot, idle: () => (queue as WorkQueue<never, unknown> | null)?.idle() ?? Promise.resolve() };
}

async function main() {
  const benchStarted = performance.now();
  nock.disableNetConnect();
  const github = new FakeGitHub(read('examples/workshop-readiness.yml'), APP_ID);
  github.seedInfra(path.join(packageRoot, 'examples/infra-repo'), ['terraform/gcp/projects/demo-cluster.tfvars', 'config/clusters/demo-cluster/workshop.values.yaml']);
  github.now = benchClock.now;
  github.install();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const rssAtStart = process.memoryUsage().rss / 1024 ** 2;
  const app = await startApp(BenchOctokit, privateKey);

  let delivery = 0;
  /** One event: the webhook is answered once enqueued; the figure covers the reconcile the queue runs. */
  const send = async (name: 'issues' | 'issue_comment', payload: unknown, target = app) => {
    const mark = github.calls.length;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const network = networkMs;
    await target.probot.receive({ id: `bench-${++delivery}`, name, payload } as never);
    await target.idle();
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const calls = github.calls.slice(mark).filter((c) => c.route !== 'token');
    return { wall, handler: wall - (networkMs - network), cpu: (used.user + used.system) / 1000, calls: calls.length, writes: github.writesSince(mark), routes: calls.map((c) => c.route) };
  };
  const issuePayload = (number: number, action = 'opened') => ({ ...opened, action, issue: { ...opened.issue, number, body: github.issues.get(number)?.body ?? body } });
  const commentPayload = (number: number, comment: unknown) => ({ ...commented, issue: { ...commented.issue, number }, comment });
  const reconcilesOf = (number: number, mark: number) => github.calls.slice(mark).filter((c) => c.route === 'issue' && c.path.endsWith(`/issues/${number}`)).length;

  // Per-event figures. Issue 1 is the repository's first (labels are created once, with colour).
  github.openIssue(1, body);
  const firstEver = await send('issues', issuePayload(1));
  github.openIssue(2, body);
  const first = await send('issues', issuePayload(2));
  const redelivery = await send('issues', issuePayload(2));
  const issue1 = github.issues.get(1);
  if (issue1) issue1.body = body.replace('about 60-80', '120');
  const edit = await send('issues', issuePayload(1, 'edited'));
  const pass = github.addUserComment(2, 'hub-engineer', '/loadtest pass https://grafana.example.org/d/run-1');
  const command = await send('issue_comment', commentPayload(2, pass));
  const commandAgain = await send('issue_comment', commentPayload(2, pass));
  github.openIssue(3, body);
  await send('issues', issuePayload(3));
  const steadyCommand = await send('issue_comment', commentPayload(3, github.addUserComment(3, 'hub-engineer', '/loadtest pass https://grafana.example.org/d/run-3')));
  const approveComment = github.addUserComment(2, 'hub-lead', '/approve');
  const approve = await send('issue_comment', commentPayload(2, approveComment));

  const row = (r: Awaited<ReturnType<typeof send>>, target: string) => ({ calls: r.calls, writes: r.writes, target, 'calls made': r.routes.join(' ') });
  console.log('API calls per event (GitHub REST, token exchange excluded):');
  console.table({
    'new valid issue (first in the repository)': row(firstEver, 'labels created once'),
    'new valid issue': row(first, '≤ 5 calls'),
    redelivery: row(redelivery, '≤ 2 calls, 0 writes'),
    'edit (attendees changed)': row(edit, ''),
    'command (/loadtest pass), its labels new to the repository': row(command, ''),
    'command (/loadtest pass)': row(steadyCommand, '≤ 4 + reads'),
    'command redelivered': row(commandAgain, '0 writes'),
    '/approve with its PR': row(approve, ''),
  });

  // 1,000 events across 100 issues: open, then edits and redeliveries, round-robin.
  for (let n = 4; n <= 100; n++) {
    github.openIssue(n, body);
    await send('issues', issuePayload(n));
  }
  const handler: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const number = 1 + (i % 100);
    const issue = github.issues.get(number);
    if (issue && i % 3 === 0) issue.body = body.replace('about 60-80', String(60 + (i % 50)));
    const result = await send('issues', issuePayload(number, i % 3 === 0 ? 'edited' : 'opened'));
    handler.push(result.handler);
    cpu.push(result.cpu);
  }
  const pct = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0;
  console.log('\nHandler time per event over 1,000 events across 100 issues (webhook → queue → reconcile):');
  console.table({
    'handler (wall, time inside GitHub requests excluded)': { 'p50 ms': ms(pct(handler, 50)), 'p99 ms': ms(pct(handler, 99)), target: 'p99 < 20 ms' },
    'CPU time (user + system, the nock fake included)': { 'p50 ms': ms(pct(cpu, 50)), 'p99 ms': ms(pct(cpu, 99)), target: '' },
  });

  // Bursts: 50 deliveries of one new issue at once; the opened+labeled pair an issue form sends.
  github.openIssue(201, body);
  let mark = github.calls.length;
  await Promise.all(Array.from({ length: 50 }, () => app.probot.receive({ id: `burst-${++delivery}`, name: 'issues', payload: issuePayload(201) } as never)));
  await app.idle();
  const burst = { reconciles: reconcilesOf(201, mark), statusComments: github.statusComments(201).length };
  github.openIssue(202, body);
  mark = github.calls.length;
  await Promise.all([
    app.probot.receive({ id: `pair-${++delivery}`, name: 'issues', payload: issuePayload(202) } as never),
    app.probot.receive({ id: `pair-${++delivery}`, name: 'issues', payload: { ...issuePayload(202, 'labeled'), label: { name: 'workshop-request' } } } as never),
  ]);
  await app.idle();
  const pair = { reconciles: reconcilesOf(202, mark), statusComments: github.statusComments(202).length };
  console.log('\nCoalescing (reconciles = reads of the issue):');
  console.table({ '50-delivery burst of one new issue': { ...burst, target: '1–2 reconciles' }, 'opened + labeled pair': { ...pair, target: '≤ 2 reconciles' } });

  // End to end with production throttling (writes spaced by Probot's throttling plugin), a fresh app.
  const production = await startApp(ProductionOctokit, privateKey);
  github.openIssue(301, body);
  github.openIssue(302, body);
  await send('issues', issuePayload(301), production); // the production app's first event creates nothing new
  const e2eNew = await send('issues', issuePayload(302), production);
  const e2eRedelivery = await send('issues', issuePayload(302), production);
  const e2eCommand = await send('issue_comment', commentPayload(302, github.addUserComment(302, 'hub-engineer', '/loadtest pass https://grafana.example.org/d/run-2')), production);
  const e2eApprove = await send('issue_comment', commentPayload(302, github.addUserComment(302, 'hub-lead', '/approve')), production);
  console.log('\nEnd-to-end time per event with production throttling on (the webhook itself is answered once enqueued):');
  console.table({
    'new valid issue': { 'ms': Math.round(e2eNew.wall), writes: e2eNew.writes },
    redelivery: { 'ms': Math.round(e2eRedelivery.wall), writes: e2eRedelivery.writes },
    'command (/loadtest pass)': { 'ms': Math.round(e2eCommand.wall), writes: e2eCommand.writes },
    '/approve with its PR': { 'ms': Math.round(e2eApprove.wall), writes: e2eApprove.writes },
  });

  const rss = process.memoryUsage().rss / 1024 ** 2;
  (globalThis as { gc?: () => void }).gc?.();
  const afterGc = process.memoryUsage();
  console.log(
    `\nMemory of this bench process (nock, two Probot apps, the fake): RSS ${rssAtStart.toFixed(0)} MB after start-up, ${rss.toFixed(0)} MB after the run; live heap after a full GC ${(afterGc.heapUsed / 1024 ** 2).toFixed(0)} MB`,
  );
  nock.cleanAll();
  nock.restore();
  const deployed = await deployedMemory(github, privateKey);
  console.log(
    `Memory of the app as deployed (\`probot run\`, NODE_OPTIONS=${deployed.nodeOptions} as in the Dockerfile, over real HTTP) after ${deployed.events} events: RSS ${deployed.rss.toFixed(0)} MB (target < 150 MB)`,
  );
  if (github.violations.length) console.log(`\nDUPLICATES SEEN: ${github.violations.join('; ')}`);

  const plans = benchPlans(1000);
  console.log(`\nPlan computation over 1,000 requests: median ${plans.medianMs.toFixed(3)} ms, p99 ${plans.p99Ms.toFixed(3)} ms per plan (inside the handler's p99 budget of 20 ms)`);
  console.log(`\nBench finished in ${((performance.now() - benchStarted) / 1000).toFixed(0)} s.`);
}

/** The image's NODE_OPTIONS (heap limits), so the memory figure is the deployed one. */
function imageNodeOptions(): string {
  const line = /^ENV NODE_OPTIONS=(.+)$/m.exec(read('Dockerfile'))?.[1];
  return line?.replace(/^"|"$/g, '').trim() ?? '--max-old-space-size=160';
}

/** RSS of the compiled app run as deployed, after new issues, a burst and redeliveries (reads: no throttling waits). */
async function deployedMemory(github: FakeGitHub, privateKey: string) {
  const { host, server } = await github.listen();
  const secret = randomBytes(16).toString('hex');
  const env = { APP_ID: String(APP_ID), PRIVATE_KEY: privateKey, WEBHOOK_SECRET: secret, GHE_HOST: host, GHE_PROTOCOL: 'http', COORDINATION: 'none', NODE_OPTIONS: imageNodeOptions() };
  const app = new AppProcess(packageRoot, './.bench-build/src/index.js', await freePort(), secret, env);
  await app.start();
  let events = 0;
  try {
    for (let n = 401; n <= 403; n++) {
      github.openIssue(n, body);
      await app.deliver('issues', { ...opened, issue: { ...opened.issue, number: n, body } });
      events++;
    }
    await Promise.all(Array.from({ length: 50 }, () => app.deliver('issues', { ...opened, issue: { ...opened.issue, number: 401, body } })));
    events += 50;
    await app.settled();
    for (let i = 0; i < 300; i++) {
      await app.deliver('issues', { ...opened, issue: { ...opened.issue, number: 401 + (i % 3), body } });
      events++;
    }
    await app.settled();
    return { events, rss: app.rssMegabytes() ?? Number.NaN, nodeOptions: env.NODE_OPTIONS };
  } finally {
    await app.stop();
    server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
