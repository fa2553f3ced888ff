/**
 * `npm run bench`: drives the real Probot app with recorded payload shapes against a stateful nock
 * fake of GitHub and prints API calls per event, handler time per event and memory, then the plan
 * computation time. Targets (issue #9): ≤ 10 calls for a new issue, 0 writes on redelivery, p99
 * handler time < 20 ms excluding network, RSS < 200 MB; plans well under 1 ms.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/paths.js';
import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { createApp } from '../src/server/app.js';
import { FakeGitHub } from './fake-github.js';
import { benchPlans } from './plan.bench.js';

const APP_ID = 123;

/** Time spent inside GitHub requests (nock's emulated network), to report handler time without it. */
let networkMs = 0;
const TimedOctokit = ProbotOctokit.plugin((octokit) => {
  octokit.hook.wrap('request', async (request, options) => {
    const started = performance.now();
    try {
      return await request(options);
    } finally {
      networkMs += performance.now() - started;
    }
  });
});
// Run from the source (tsx) or from the compiled .bench-build/: files are read from the package root.
const read = (file: string) => readFileSync(path.join(packageRoot, file), 'utf8');
const opened = JSON.parse(read('test/fixtures/webhooks/issues.opened.json'));
const commented = JSON.parse(read('test/fixtures/webhooks/issue_comment.created.json'));
const body = read('examples/issues/workshop.md');

async function main() {
  nock.disableNetConnect();
  const github = new FakeGitHub(read('examples/workshop-readiness.yml'), APP_ID);
  github.install();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  // Throttling off: its write spacing (1 s) is waiting, not handler work; retries off: nothing fails here.
  const probot = new Probot({ appId: APP_ID, privateKey, Octokit: TimedOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }), logLevel: 'fatal' });
  const rssAtStart = process.memoryUsage().rss / 1024 ** 2;
  await probot.load(createApp({ appId: APP_ID, clock: { now: () => new Date('2027-02-01T15:00:00Z') }, sweepIntervalMinutes: 0, sweepToken: null }));

  let delivery = 0;
  const send = async (name: 'issues' | 'issue_comment', payload: unknown) => {
    const mark = github.calls.length;
    const started = performance.now();
    const network = networkMs;
    await probot.receive({ id: `bench-${++delivery}`, name, payload } as never);
    const ms = performance.now() - started - (networkMs - network);
    const calls = github.calls.slice(mark).filter((c) => c.path !== 'token');
    return { ms, calls: calls.length, writes: github.writesSince(mark) };
  };
  const openIssue = (number: number) => {
    github.openIssue(number, body, `[Workshop] bench ${number}`);
    return openedPayload(number);
  };
  const openedPayload = (number: number) => ({ ...opened, issue: { ...opened.issue, number, body } });

  // Per-event figures on one issue.
  const first = await send('issues', openIssue(1));
  const redelivery = await send('issues', openedPayload(1));
  const issue1 = github.issues.get(1);
  if (issue1) issue1.body = body.replace('about 60-80', '120');
  const edit = await send('issues', { ...opened, action: 'edited', issue: { ...opened.issue, number: 1, body: issue1?.body } });
  const comment = github.addUserComment(1, 'hub-engineer', '/loadtest pass https://grafana.example.org/d/run-1');
  const command = await send('issue_comment', { ...commented, issue: { ...commented.issue, number: 1 }, comment });
  const commandAgain = await send('issue_comment', { ...commented, issue: { ...commented.issue, number: 1 }, comment });

  console.log('API calls per event (GitHub REST, token exchange excluded):');
  console.table({
    'new valid issue': { calls: first.calls, writes: first.writes, target: '≤ 10 calls' },
    redelivery: { calls: redelivery.calls, writes: redelivery.writes, target: '0 writes' },
    'edit (attendees changed)': { calls: edit.calls, writes: edit.writes, target: '' },
    'command (/loadtest pass)': { calls: command.calls, writes: command.writes, target: '' },
    'command redelivered': { calls: commandAgain.calls, writes: commandAgain.writes, target: '0 writes' },
  });

  // 1,000 events across 100 issues: open, then edits and redeliveries, round-robin.
  for (let n = 2; n <= 100; n++) await send('issues', openIssue(n));
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const number = 1 + (i % 100);
    const issue = github.issues.get(number);
    if (issue && i % 3 === 0) issue.body = body.replace('about 60-80', String(60 + (i % 50)));
    const result = await send('issues', { ...opened, action: i % 3 === 0 ? 'edited' : 'opened', issue: { ...opened.issue, number, body: issue?.body } });
    times.push(result.ms);
  }
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? 0;
  const rss = process.memoryUsage().rss / 1024 ** 2;
  (globalThis as { gc?: () => void }).gc?.();
  const heapAfterGc = process.memoryUsage().heapUsed / 1024 ** 2;
  console.log('\nHandler time per event over 1,000 events across 100 issues, time inside GitHub requests (nock) excluded:');
  console.table({ handler: { 'median ms': +pct(50).toFixed(2), 'p99 ms': +pct(99).toFixed(2), 'max ms': +(times.at(-1) ?? 0).toFixed(2), target: 'p99 < 20 ms' } });
  console.log(`RSS: ${rssAtStart.toFixed(0)} MB after start-up (Probot, nock, the test key), ${rss.toFixed(0)} MB after the run (target < 200 MB); live heap after a full GC ${heapAfterGc.toFixed(0)} MB`);

  const plans = benchPlans(1000);
  console.log(`\nPlan computation over 1,000 requests: median ${plans.medianMs.toFixed(3)} ms, p99 ${plans.p99Ms.toFixed(3)} ms per plan (target well under 1 ms)`);
  nock.cleanAll();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
