import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { createApp, type AppOptions } from '../../src/server/app.js';
import type { Clock } from '../../src/pipeline/ports.js';
import { singleProcess } from '../../src/kube/coordination.js';
import type { Metrics } from '../../src/server/metrics.js';

export const APP_ID = 123;
/** The secret the test app derives its marker key from (see sealedForIssue17). */
export const TEST_MARKER_SECRET = 'test webhook secret';
export const API = 'https://api.github.com';
export const REPO = '/repos/example-org/infrastructure';

let privateKey: string | null = null;

/** A throwaway RSA key per test run: no key is stored in the repository. */
export function testKey(): string {
  privateKey ??= generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
  return privateKey;
}

/**
 * ProbotOctokit with retries and throttling off for good. Probot passes its own `throttle` options
 * when it builds each client, and a plain `.defaults({ throttle: { enabled: false } })` layer is
 * overwritten by them (throttling came back on, and tests waited on real seconds). A function layer
 * sees the final options and has the last word.
 */
export const QuietOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { ...(options.retry as object), enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));

/**
 * The production Octokit stack with Probot's retry plugin on (1 ms waits), throttling off (its write
 * spacing is real seconds): a blind retry of a create shows as a second POST.
 */
export const RetryingOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { ...(options.retry as object), retryAfterBaseValue: 1 },
  throttle: { ...(options.throttle as object), enabled: false },
}));

/**
 * A real Probot instance running the app, with retries and throttling off so nock sees every call
 * once. `receive` resolves once the work queue has run what the delivery enqueued, and rejects with
 * the reconcile's error if it failed (no retry in tests: one attempt).
 */
export async function testProbot(
  clock: Clock,
  options: { dryRun?: boolean; metrics?: Metrics; app?: Partial<AppOptions>; Octokit?: typeof ProbotOctokit } = {},
): Promise<Probot> {
  const probot = new Probot({ appId: APP_ID, privateKey: testKey(), Octokit: options.Octokit ?? QuietOctokit, logLevel: 'fatal' });
  let idle: () => Promise<void> = async () => {};
  const failures: Error[] = [];
  await probot.load(
    createApp({
      appId: APP_ID,
      clock,
      dryRun: options.dryRun ?? false,
      sweepIntervalMinutes: 0,
      sweepToken: null,
      issueLock: singleProcess,
      markerSecret: TEST_MARKER_SECRET,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      ...options.app,
      queue: { backoff: { baseMs: 0, maxMs: 0, maxAttempts: 1 }, ...options.app?.queue, onFailure: (_key, error) => failures.push(error) },
      onQueue: (queue) => (idle = () => queue.idle()),
    }),
  );
  const receive = probot.receive.bind(probot);
  probot.receive = async (event) => {
    await receive(event);
    await idle();
    const failure = failures.shift();
    if (failure) throw failure;
  };
  return probot;
}

export const fixedClock = (iso: string): Clock => ({ now: () => new Date(iso) });

export function payload<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/webhooks/${name}.json`, import.meta.url), 'utf8')) as T;
}

export function exampleConfigYaml(): string {
  return readFileSync(new URL('../../examples/workshop-readiness.yml', import.meta.url), 'utf8');
}

/** GitHub's installation token response. */
export function nockToken(scope: nock.Scope): nock.Scope {
  return scope.post('/app/installations/4242/access_tokens').reply(201, {
    token: 'ghs_test',
    expires_at: '2099-01-01T00:00:00Z',
    permissions: { issues: 'write', contents: 'write', pull_requests: 'write', metadata: 'read', members: 'read' },
    repository_selection: 'all',
  });
}

/** `GET contents/.github/workshop-readiness.yml` as the config plugin asks for it (raw media type). */
export function nockConfig(scope: nock.Scope, yaml: string | null): nock.Scope {
  const path = `${REPO}/contents/.github%2Fworkshop-readiness.yml`;
  if (yaml === null) {
    scope.get(path).reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404' });
    return scope
      .get('/repos/example-org/.github/contents/.github%2Fworkshop-readiness.yml')
      .reply(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404' });
  }
  return scope.get(path).reply(200, yaml, { 'content-type': 'application/vnd.github.raw; charset=utf-8' });
}

/** `GET /issues?labels=workshop-readiness: dashboard` (the registry other workshops are read from). */
export function nockDashboard(scope: nock.Scope, issues: unknown[] = []): nock.Scope {
  return scope
    .get(`${REPO}/issues`)
    .query({ labels: 'workshop-readiness: dashboard', state: 'open', per_page: 10, sort: 'created', direction: 'asc' })
    .reply(200, issues);
}

/**
 * The reads every reconcile of issue #17 makes, in order: token (optional), config, the issue with
 * its current labels, its comments, and the dashboard registry.
 */
export function nockIssueReads(
  scope: nock.Scope,
  issue: Record<string, unknown>,
  options: { labels?: string[]; comments?: unknown[]; token?: boolean; config?: string; cached?: boolean } = {},
): nock.Scope {
  if (options.token ?? true) nockToken(scope);
  // Within the app's cache lifetimes the config and the registry are not read again.
  if (!options.cached) nockConfig(scope, options.config ?? exampleConfigYaml());
  scope.get(`${REPO}/issues/17`).reply(200, restIssue(issue, options.labels ?? ['workshop-request']));
  scope.get(`${REPO}/issues/17/comments`).query({ per_page: 100 }).reply(200, options.comments ?? []);
  return options.cached ? scope : nockDashboard(scope);
}

/** `POST /repos/{owner}/{repo}/labels`: the label created with its colour (once per repository and process). */
export function nockCreateLabel(scope: nock.Scope, name: string, color: string, description: string, status: 201 | 422 = 201): nock.Scope {
  const answer =
    status === 201
      ? restLabel(name, color, description)
      : { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }], documentation_url: 'https://docs.github.com/rest/issues/labels#create-a-label', status: '422' };
  return scope.post(`${REPO}/labels`, { name, color, description }).reply(status, answer);
}

/** REST shape of an issue comment (GET/POST /issues/{n}/comments). */
export function restComment(id: number, body: string, options: { login?: string; app?: boolean; createdAt?: string; updatedAt?: string } = {}) {
  const login = options.login ?? (options.app ? 'workshop-readiness[bot]' : 'hub-engineer');
  const created = options.createdAt ?? '2027-02-01T15:00:05Z';
  return {
    url: `https://api.github.com/repos/example-org/infrastructure/issues/comments/${id}`,
    html_url: `https://github.com/example-org/infrastructure/issues/17#issuecomment-${id}`,
    issue_url: 'https://api.github.com/repos/example-org/infrastructure/issues/17',
    id,
    node_id: 'IC_kwDOHXXXXX7xyz',
    user: { login, id: options.app ? 9000001 : 7771, node_id: 'MDM6Qm90OTAwMDAwMQ==', type: options.app ? 'Bot' : 'User', site_admin: false },
    created_at: created,
    updated_at: options.updatedAt ?? created,
    author_association: options.app ? 'NONE' : 'MEMBER',
    body,
    reactions: { url: '', total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 },
    performed_via_github_app: options.app ? { id: APP_ID, slug: 'workshop-readiness', node_id: 'A_kwDOAAAB', name: 'workshop-readiness' } : null,
  };
}

/** REST shape of a label (POST /issues/{n}/labels returns the issue's labels). */
export function restLabel(name: string, color = 'ededed', description: string | null = null) {
  return { id: 7000000000 + name.length, node_id: 'LA_kwDOHXXXXX8', url: `https://api.github.com/repos/example-org/infrastructure/labels/${encodeURIComponent(name)}`, name, color, default: false, description };
}

/** REST shape of GET /issues/{n}, from the webhook payload's issue with the given labels. */
export function restIssue(issue: Record<string, unknown>, labels: string[]) {
  return { ...issue, labels: labels.map((name) => restLabel(name, '0052cc', 'x')) };
}

/**
 * Every request the scopes answered and every request nothing answered (`no match`), method and
 * path: to count calls and writes. Unmatched requests are recorded too, so "no call" is checked
 * for real rather than by the absence of an interceptor.
 */
export function recordRequests(...scopes: nock.Scope[]): { calls: Array<{ method: string; path: string }>; unmatched: string[]; stop: () => void } {
  const calls: Array<{ method: string; path: string }> = [];
  const unmatched: string[] = [];
  const onRequest = (req: { method: string; path: string }) => calls.push({ method: req.method, path: req.path });
  const onNoMatch = (req: { method?: string; path?: string; href?: string }) => unmatched.push(`${req.method ?? ''} ${req.path ?? req.href ?? ''}`);
  for (const scope of scopes) scope.on('request', onRequest);
  nock.emitter.on('no match', onNoMatch);
  return {
    calls,
    unmatched,
    stop: () => {
      for (const scope of scopes) scope.removeListener('request', onRequest);
      nock.emitter.removeListener('no match', onNoMatch);
    },
  };
}
