import path from 'node:path';
import { DateTime } from 'luxon';
import { parseArgs } from 'node:util';
import { fixedClock, readConfigFile, readInput } from './io.js';
import { MemoryIssue } from '../github/memory.js';
import { MemoryInfraRepo } from '../github/memory-infra.js';
import { unifiedDiff } from '../infra/index.js';
import { packageRoot } from '../paths.js';
import { silentLogger } from '../pipeline/ports.js';
import { reconcile } from '../pipeline/reconcile.js';

/** The demo's "now": fixed so the output is the same on every machine (override with --now). */
export const DEMO_NOW = '2027-02-01T15:00:00Z';

/**
 * `npm run demo`: the bundled example through the real reconcile with an in-memory GitHub, offline.
 * A community opens the issue; engineers record a load test and approve; the infra diff follows; the
 * clock then moves to an event day and past the event, where the scale-down PR puts the files back.
 */
export async function runDemo(args: string[], print: (text: string) => void): Promise<number> {
  const { values } = parseArgs({ args, options: { now: { type: 'string', default: DEMO_NOW } } });
  // The clock starts at --now and is moved on for the event day and after the event.
  let now = fixedClock(values.now).now();
  const clock = { now: () => now };
  const examples = path.join(packageRoot, 'examples');
  const configLoad = readConfigFile(path.join(examples, 'workshop-readiness.yml'));
  const body = readInput(path.join(examples, 'issues', 'workshop.md'), 'issue');
  const issue = new MemoryIssue(
    { number: 17, title: '[Workshop] Example University – March 10-12', body, author: 'community-rep', state: 'open' },
    { now: () => clock.now().toISOString(), permissions: { alice: 'write', bob: 'admin' } },
    [configLoad.config.labels.workshop],
  );
  const infraRepo = new MemoryInfraRepo(configLoad.config.infraRepository ?? 'example-org/infrastructure', path.join(examples, 'infra-repo'), configLoad.config.infraBaseBranch);
  const deps = { issues: issue, clock, log: silentLogger, repo: 'example-org/infrastructure', infraRepo: async () => infraRepo };
  const section = (heading: string) => issue.statusComment()?.body.match(new RegExp(`#### ${heading}\\n(.*)`))?.[1] ?? '(none)';
  const infraLine = () => section('Infrastructure');
  const nextLine = () => section('What happens next');
  const rule = (title: string) => print(`\n${'━'.repeat(100)}\n${title}\n${'━'.repeat(100)}\n`);

  rule(`① community-rep opens issue #17 from the workshop form (now = ${clock.now().toISOString()})`);
  const opened = await reconcile(configLoad, deps);
  print(`${issue.statusComment()?.body ?? '(no comment)'}\n`);
  print(`\nlabels: ${issue.labels.join(', ')}\nwrites: ${opened.writes.length}\n`);

  rule('② the same event delivered again');
  const again = await reconcile(configLoad, deps);
  print(`writes: ${again.writes.length} (level-triggered: nothing differs, nothing is written)\n`);

  rule('③ engineers steer: alice records a load test, the requester tries to approve, bob approves');
  issue.addUserComment('alice', '/loadtest pass https://grafana.example.org/d/workshop-loadtest?run=42 (60 seats running in 6m)');
  issue.addUserComment('community-rep', '/approve');
  issue.addUserComment('bob', 'Plan reviewed, quotas are fine.\n/approve');
  const steered = await reconcile(configLoad, deps);
  const reply = issue.comments.find((c) => c.byThisApp && c.body.includes('reply-to'));
  print(`stage: ${steered.stage}\nlabels: ${issue.labels.join(', ')}\n`);
  print(`reactions: ${issue.reactions.map((r) => `${r.reaction}@${r.commentId}`).join(' ')}\n`);
  print(`reply to the refused command:\n${reply?.body ?? '(none)'}\n`);

  rule('④ the ready-mode infrastructure PR the app opened');
  const pr = infraRepo.pulls[0];
  if (!pr) {
    print(`no PR: ${steered.evaluation?.commentBody.match(/#### Infrastructure\n(.*)/)?.[1] ?? 'see the status comment'}\n`);
    return 0;
  }
  print(`${pr.url}  (branch ${pr.branch} → ${pr.base})\n${pr.title}\n\n${pr.body}\n`);
  for (const [file, content] of infraRepo.branches.get(pr.branch) ?? []) {
    print(unifiedDiff(file, (await infraRepo.readFile(file, pr.base)) ?? '', content));
  }
  print(`\nstatus comment, Infrastructure section:\n${infraLine()}\n`);

  const plan = steered.evaluation?.plan;
  const firstDay = plan?.readyMode.days[0];
  if (!plan || !firstDay) return 0;
  const zone = plan.timeZone;
  const local = (date: Date) => DateTime.fromJSDate(date).setZone(zone).toFormat('ccc d LLL HH:mm ZZZZ');
  infraRepo.merge(pr.number);
  now = new Date(Date.parse(firstDay.start) + 60 * 60_000);
  rule(`⑤ an engineer merged ${pr.url}; the first event day, ${local(now)} (the sweep runs the same reconcile)`);
  const dayOne = await reconcile(configLoad, deps);
  print(`stage: ${dayOne.stage} (the start is in the past now, but it was accepted before it passed)\nlabels: ${issue.labels.join(', ')}\n`);
  print(`Infrastructure: ${infraLine()}\nWhat happens next: ${nextLine()}\n`);

  now = new Date(Date.parse(plan.readyMode.scaleDownAt) + 30 * 60_000);
  rule(`⑥ after the event, ${local(now)}: the scale-down PR, built from the values recorded with the ready PR`);
  await reconcile(configLoad, deps);
  const down = infraRepo.pulls.find((p) => p.branch.endsWith('-scale-down'));
  if (!down) {
    print(`no scale-down PR: ${infraLine()}\n`);
    return 0;
  }
  print(`${down.url}  (branch ${down.branch} → ${down.base})\n${down.title}\n\n${down.body}\n`);
  for (const [file, content] of infraRepo.branches.get(down.branch) ?? []) {
    print(unifiedDiff(file, (await infraRepo.readFile(file, down.base)) ?? '', content));
  }
  const summary = issue.comments.find((c) => c.byThisApp && c.body.includes('notice closing-summary'));
  print(`\nclosing summary posted on the issue:\n${summary?.body.replace(/\n*<!--.*-->\s*$/, '') ?? '(none)'}\n`);
  infraRepo.merge(down.number);
  now = new Date(now.getTime() + 60 * 60_000);
  const finished = await reconcile(configLoad, deps);
  const restored = [...(infraRepo.branches.get(pr.branch)?.keys() ?? [])].every((file) => infraRepo.baseFile(file) === readInput(path.join(examples, 'infra-repo', file), 'infra'));
  print(`\nthe scale-down merged: stage ${finished.stage}, labels: ${issue.labels.join(', ')}\n`);
  print(`the infrastructure files are byte-for-byte as before ready mode: ${restored ? 'yes' : 'NO'}\n`);
  return 0;
}
