import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { AppProcess, freePort } from '../../bench/app-process.js';
import { FakeGitHub } from '../../bench/fake-github.js';

/**
 * Outside-in: the built app (`npm run build`, then `probot run ./dist/index.js`, as deployed) runs as
 * separate processes against a fake GitHub over real HTTP on loopback (GHE_HOST/GHE_PROTOCOL), and
 * receives deliveries signed with a webhook secret made up for this run (as is the app's key). The
 * fake checks after every write that no issue ever holds two status comments, two replies to one
 * command, two notices with one key or two load-test runs, and no branch two pull requests.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const APP_ID = 123;
const SECRET = randomBytes(16).toString('hex');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const opened = JSON.parse(read('test/fixtures/webhooks/issues.opened.json'));
const commented = JSON.parse(read('test/fixtures/webhooks/issue_comment.created.json'));
const workshop = read('examples/issues/workshop.md');

const issuePayload = (number: number, action = 'opened', extra: Record<string, unknown> = {}) => ({ ...opened, action, issue: { ...opened.issue, number, body: workshop }, ...extra });
const commentPayload = (number: number, comment: unknown) => ({ ...commented, issue: { ...commented.issue, number, body: workshop }, comment });
const issueReads = (github: FakeGitHub, number: number) => github.calls.filter((c) => c.route === 'issue' && c.path.endsWith(`/issues/${number}`)).length;

describe('outside-in: the built app as a separate process, a fake GitHub over HTTP, signed deliveries', () => {
  let github: FakeGitHub;
  let server: Server;
  let host = '';
  let dir = '';
  const apps: AppProcess[] = [];
  let baseEnv: Record<string, string> = {};

  beforeAll(async () => {
    nock.restore(); // real loopback HTTP in this file
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    github = new FakeGitHub(read('examples/workshop-readiness.yml'), APP_ID);
    github.seedInfra(path.join(ROOT, 'examples/infra-repo'), ['terraform/gcp/projects/demo-cluster.tfvars', 'config/clusters/demo-cluster/workshop.values.yaml']);
    ({ host, server } = await github.listen());
    dir = mkdtempSync(path.join(tmpdir(), 'workshop-readiness-e2e-'));
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    writeFileSync(
      path.join(dir, 'kubeconfig'),
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: fake, cluster: { server: "http://${host}", insecure-skip-tls-verify: true } }]`,
        'users: [{ name: app, user: { token: fake-token } }]',
        'contexts: [{ name: fake, context: { cluster: fake, user: app, namespace: workshop-readiness } }]',
        'current-context: fake',
      ].join('\n'),
    );
    baseEnv = { APP_ID: String(APP_ID), PRIVATE_KEY: privateKey, WEBHOOK_SECRET: SECRET, GHE_HOST: host, GHE_PROTOCOL: 'http', QUEUE_RETRY_BASE_MS: '200' };
  }, 150_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    nock.activate();
  });

  const start = async (env: Record<string, string>) => {
    const app = new AppProcess(ROOT, './dist/index.js', await freePort(), SECRET, { ...baseEnv, ...env });
    apps.push(app);
    await app.start();
    return app;
  };

  test('one process: burst, opened+labeled pair, 502 after the comment was stored, commands and the PR — never a duplicate', async () => {
    const app = await start({ COORDINATION: 'none' });

    // 50 concurrent deliveries of one new issue: answered at once, 1–2 reconciles, one status comment.
    github.openIssue(101, workshop);
    const statuses = await Promise.all(Array.from({ length: 50 }, () => app.deliver('issues', issuePayload(101))));
    expect(new Set(statuses)).toEqual(new Set([200]));
    await app.settled();
    if (!github.statusComments(101).length) console.log(JSON.stringify(github.calls.slice(0, 30)), app.log.slice(0, 3000));
    expect(github.statusComments(101)).toHaveLength(1);
    expect(issueReads(github, 101)).toBeLessThanOrEqual(2);
    expect(await app.metric('workshop_readiness_queue_coalesced_total')).toBeGreaterThanOrEqual(47);

    // The form applies a label: opened and labeled arrive together.
    github.openIssue(102, workshop);
    await Promise.all([app.deliver('issues', issuePayload(102)), app.deliver('issues', issuePayload(102, 'labeled', { label: { name: 'workshop-request' } }))]);
    await app.settled();
    expect(github.statusComments(102)).toHaveLength(1);
    expect(issueReads(github, 102)).toBeLessThanOrEqual(2);

    // GitHub stores the comment, then answers 502: the retry finds it instead of posting another.
    github.openIssue(103, workshop);
    github.failCommentAfterStore = 1;
    await app.deliver('issues', issuePayload(103));
    await app.settled();
    expect(github.statusComments(103)).toHaveLength(1);
    expect(github.issues.get(103)?.labels).toContain('readiness: modeled');
    expect(await app.metric('workshop_readiness_queue_failures_total')).toBe(1);

    // Commands, each delivered several times at once: one verdict, one reply to /help, one PR.
    const pass = github.addUserComment(101, 'hub-engineer', '/loadtest pass https://grafana.example.org/d/run-1');
    await Promise.all(Array.from({ length: 5 }, () => app.deliver('issue_comment', commentPayload(101, pass))));
    await app.settled();
    expect(github.issues.get(101)?.labels).toContain('readiness: load-tested');
    expect(github.reactions.filter((r) => r.commentId === pass.id)).toEqual([{ commentId: pass.id, content: '+1' }]);

    const help = github.addUserComment(101, 'community-rep', '/help');
    await Promise.all(Array.from({ length: 3 }, () => app.deliver('issue_comment', commentPayload(101, help))));
    await app.settled();
    expect((github.comments.get(101) ?? []).filter((c) => c.body.includes(`reply-to ${help.id}`))).toHaveLength(1);

    const approve = github.addUserComment(101, 'hub-lead', '/approve');
    await Promise.all(Array.from({ length: 3 }, () => app.deliver('issue_comment', commentPayload(101, approve))));
    await app.settled();
    expect(github.issues.get(101)?.labels).toContain('readiness: go');
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]?.head).toBe('workshop-readiness/issue-101');
    expect(github.statusComments(101)[0]?.body).toContain(`/pull/${github.pulls[0]?.number}`);

    expect(github.violations).toEqual([]);
    expect(await app.stop()).toBe(0); // SIGTERM drains and exits cleanly
  }, 150_000);

  test('two processes on one fake, coordinated by a Lease per issue: one status comment, one PR', async () => {
    const kube = { COORDINATION: 'lease', KUBECONFIG: path.join(dir, 'kubeconfig'), POD_NAMESPACE: 'workshop-readiness' };
    const [a, b] = await Promise.all([start({ ...kube, POD_NAME: 'workshop-readiness-a' }), start({ ...kube, POD_NAME: 'workshop-readiness-b' })]);
    if (!a || !b) throw new Error('apps did not start');
    for (const number of [201, 202, 203]) github.openIssue(number, workshop);
    // Both replicas receive every delivery (as when GitHub and a redelivery hit different pods).
    await Promise.all([201, 202, 203].flatMap((n) => [a, b].flatMap((app) => Array.from({ length: 5 }, () => app.deliver('issues', issuePayload(n))))));
    await Promise.all([a.settled(), b.settled()]);
    if (!github.statusComments(201).length) console.log(JSON.stringify(github.calls.filter((c) => c.route.startsWith('lease') || c.path.includes('20')).slice(0, 30)), a.log.slice(0, 3000));
    for (const number of [201, 202, 203]) expect(github.statusComments(number)).toHaveLength(1);
    expect([...github.leases.keys()].length).toBe(3);

    const pass = github.addUserComment(201, 'hub-engineer', '/loadtest pass https://grafana.example.org/d/run-2');
    await Promise.all([a, b].map((app) => app.deliver('issue_comment', commentPayload(201, pass))));
    await Promise.all([a.settled(), b.settled()]);
    const approve = github.addUserComment(201, 'hub-lead', '/approve');
    await Promise.all([a, b, a, b].map((app) => app.deliver('issue_comment', commentPayload(201, approve))));
    await Promise.all([a.settled(), b.settled()]);
    expect(github.pulls.filter((pr) => pr.head === 'workshop-readiness/issue-201')).toHaveLength(1);
    expect(github.violations).toEqual([]);
  }, 150_000);
});
