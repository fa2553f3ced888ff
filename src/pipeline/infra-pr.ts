import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Config, PoolConfig } from '../config/schema.js';
import type { Plan } from '../capacity/types.js';
import type { InfraRepoPort, PullRequestInfo } from '../github/infra-repo.js';
import { computeInfraChange, infraPaths, type InfraBefore } from '../infra/change.js';
import type { Logger } from './ports.js';
import { template } from '../render/templates.js';
import { heldCostLine, perUserLine, placeholderLine } from '../render/plan-markdown.js';
import { applySteps } from '../infra/apply-steps.js';
import { escapeCode, escapeMarkdown } from '../text/escape.js';
import { hiddenJson, type MarkerState, type PullRequestRecord } from '../workshop/marker.js';
import { heldEvent, readyRecord, scaleDownRecord } from '../workshop/lifecycle.js';
import type { Stage } from '../workshop/readiness.js';

/**
 * The infrastructure-PR step of the reconcile: on `go` the ready-mode PR, after the event the
 * scale-down PR. Idempotent: the PR is found by its deterministic branch and updated, never duplicated;
 * a PR closed without merging is not reopened behind an engineer's back.
 */

export interface InfraStepInput {
  issue: { number: number; repo: string };
  config: Config;
  /** The current plan; null when the request does not make one now (the scale-down needs none). */
  plan: Plan | null;
  planHash: string | null;
  stage: Stage;
  onHold: boolean;
  now: string;
  state: MarkerState;
  /** Look at GitHub even when the marker says nothing changed (PR events, /recompute). */
  refresh: boolean;
}

export interface InfraStepResult {
  /** Markdown for the status comment's "Infrastructure" section; null when there is nothing to say. */
  section: string | null;
  pullRequests: PullRequestRecord[];
  writes: string[];
}

export const branchFor = (issue: number, phase: 'ready' | 'scale-down') => `workshop-readiness/issue-${issue}${phase === 'scale-down' ? '-scale-down' : ''}`;

const PR_MARKER = /<!-- workshop-readiness:pr (\{.*?\}) -->/;

/** The JSON of a PR body's hidden marker, unchecked; null when there is none or it does not parse. */
export function prMarkerJson(body: string): Record<string, unknown> | null {
  const match = PR_MARKER.exec(body);
  if (!match?.[1]) return null;
  try {
    const value: unknown = JSON.parse(match[1]);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The issue a PR body says it was opened for (trusted only together with the issue's own marker). */
export function prMarker(body: string): { issue: string; phase: 'ready' | 'scale-down'; planHash: string } | null {
  const value = prMarkerJson(body);
  if (!value) return null;
  if (typeof value.issue !== 'string' || (value.phase !== 'ready' && value.phase !== 'scale-down') || typeof value.planHash !== 'string') return null;
  return { issue: value.issue, phase: value.phase, planHash: value.planHash };
}

/** What the ready PR's hidden marker records: where ready mode applies, what it replaced, until when. */
const readyPrMarkerSchema = z.object({
  issue: z.string(),
  phase: z.literal('ready'),
  planHash: z.string(),
  cluster: z.string(),
  pool: z.string(),
  before: z.record(z.string(), z.unknown()),
  mergeBy: z.string().optional(),
  scaleDownAt: z.string().optional(),
});

type Recovery = { ready: PullRequestRecord | null; note: string | null };

/**
 * The ready record read back from the ready branch's PR when the issue's marker no longer holds it.
 * Grants are never read back, only this fact: the PR's marker counts only when the PR was opened by this
 * app for this issue, and it is merged only when merged into the base branch.
 */
export function recoverReady(found: PullRequestInfo | null, ours: boolean, issueRef: string, baseBranch: string): Recovery {
  if (!found) return { ready: null, note: null };
  const marker = readyPrMarkerSchema.safeParse(prMarkerJson(found.body));
  if (!ours || !marker.success || marker.data.issue !== issueRef) {
    return { ready: null, note: `⚠️ This request's state was lost, and the PR on its ready-mode branch (${found.url}) was not opened by this app for this request, so the app does not trust it and scales nothing down. If ready mode was applied to the pool, scale it down by hand.` };
  }
  if (found.merged && found.base !== baseBranch) {
    return { ready: null, note: `⚠️ This request's state was lost; its ready-mode PR ${found.url} was merged into \`${escapeMarkdown(found.base, 80)}\`, not \`${escapeMarkdown(baseBranch, 80)}\`, so the app scales nothing down. Scale the pool down by hand if it is warm.` };
  }
  const { cluster, pool, before, planHash, mergeBy, scaleDownAt } = marker.data;
  const state = found.merged ? 'merged' : found.state === 'open' ? 'open' : 'closed';
  const ready: PullRequestRecord = { phase: 'ready', number: found.number, url: found.url, state, planHash, before, cluster, pool, ...(mergeBy ? { mergeBy } : {}), ...(scaleDownAt ? { scaleDownAt } : {}), recovered: true };
  return { ready, note: null };
}

export const DAY_MS = 86_400_000;

/**
 * The ready-mode PR before and during the event, the scale-down PR after it. The scale-down is built
 * from the ready-mode PR's record alone (cluster, pool, end, values before): it never needs a plan.
 */
export async function syncInfraPullRequest(input: InfraStepInput, port: InfraRepoPort | null, options: { dryRun: boolean; log: Logger }): Promise<InfraStepResult> {
  const { config } = input;
  let state = input.state;
  let ready = readyRecord(state);
  const clusterName = ready?.cluster ?? input.plan?.cluster;
  const cluster = clusterName ? config.clusters[clusterName] : undefined;
  const pool = cluster?.pools[ready?.pool ?? input.plan?.pool ?? ''];
  const keep = (section: string | null): InfraStepResult => ({ section, pullRequests: state.pullRequests, writes: [] });
  if (!cluster || !pool) return keep(null);

  // Level-triggered: from a day before the merge-by time, whether the ready PR was merged decides the
  // merge reminder, the pre-flight and the scale-down, so it is read from GitHub rather than trusted
  // to one delivery (GitHub does not redeliver). One read, only while the record says open.
  const mergeBy = ready?.mergeBy ?? input.plan?.readyMode.windows[0]?.start;
  let found: PullRequestInfo | null | undefined;
  if (ready?.state === 'open' && port && (input.refresh || (mergeBy && Date.parse(input.now) >= Date.parse(mergeBy) - DAY_MS))) {
    found = await port.findPullRequest(branchFor(input.issue.number, 'ready'));
    if (found && found.number === ready.number && found.state === 'closed') {
      ready = { ...ready, state: found.merged ? 'merged' : 'closed' };
      state = { ...state, pullRequests: replaceRecord(state.pullRequests, ready) };
    }
  }

  const end = ready?.scaleDownAt ?? input.plan?.readyMode.scaleDownAt;
  const step = { ...input, state };
  const result = end && Date.parse(input.now) >= Date.parse(end) ? await scaleDown(step, ready, { cluster, pool, clusterName: clusterName ?? '' }, port, options) : await readyMode(step, ready, { cluster, pool }, port, options, found);
  const recovered = readyRecord({ pullRequests: result.pullRequests })?.recovered;
  return recovered && result.section ? { ...result, section: `${result.section}\n\n${RECOVERED_NOTE}` } : result;
}

/** Said in the status comment for as long as the ready record is one read back from GitHub. */
export const RECOVERED_NOTE = 'ℹ️ This request\'s state was lost (its status comment was deleted or edited, or the app\'s secret changed), so the ready-mode record was recovered from the ready-mode PR on GitHub: the app\'s own PR, merged state and the values it recorded there. Approvals and load-test results are not recovered.';

type Target = { cluster: NonNullable<Config['clusters'][string]>; pool: PoolConfig };

async function readyMode(
  input: InfraStepInput,
  ready: PullRequestRecord | null,
  { cluster, pool }: Target,
  port: InfraRepoPort | null,
  options: { dryRun: boolean; log: Logger },
  /** The ready branch's PR when it was already read this round (undefined = not read). */
  alreadyFound: PullRequestInfo | null | undefined,
): Promise<InfraStepResult> {
  const { plan, planHash, config, state } = input;
  const keep = (section: string | null): InfraStepResult => ({ section, pullRequests: state.pullRequests, writes: [] });
  // During the event the ready-mode PR is what the cluster was prepared with: an edit does not change it.
  if (ready && heldEvent(state, input.now)) return keep(describe(ready));
  if (!plan || !planHash || input.stage !== 'go' || input.onHold) {
    return keep(ready ? describe(ready, 'The ready-mode PR was opened for an approved plan; it is kept while the request is re-approved.') : null);
  }
  if (!cluster.infra) return keep(`No infrastructure file is configured for cluster **${plan.cluster}**: put the pool in ready mode by hand (min ${plan.readyMode.minNodes} nodes).`);
  if (!port) return keep(`⚠️ The app cannot reach the infrastructure repository (${infraRepo(config, cluster, input.issue.repo)}): install the app there with contents and pull-request write access.`);

  const where = { cluster: plan.cluster, pool: plan.pool, ...(plan.readyMode.windows[0] ? { mergeBy: plan.readyMode.windows[0].start } : {}), scaleDownAt: plan.readyMode.scaleDownAt };
  // The values before ready mode are recorded once: a later ready PR starts from the warm files.
  const firstBefore = ready && Object.keys(ready.before).length ? ready.before : null;
  if (ready && ready.planHash === planHash && (ready.state !== 'open' || !input.refresh)) return keep(describe(ready));

  const branch = branchFor(input.issue.number, 'ready');
  const onBranch = await ownPullRequest(port, alreadyFound !== undefined ? alreadyFound : await port.findPullRequest(branch));
  if (!onBranch.ok) return keep(onBranch.section);
  const { existing } = onBranch;
  const existingMarker = existing ? prMarker(existing.body) : null;
  if (existing && existing.state === 'closed' && !existing.merged) {
    return withRecord(state, { ...record('ready', existing, 'closed', planHash, ready?.before ?? {}), ...where }, [], `The ready PR ${existing.url} was closed without merging; the app does not reopen it. Reopen it, or comment \`/recompute\` after deleting the branch to get a new one.`);
  }
  if (existing?.merged && existingMarker?.planHash === planHash) {
    return withRecord(state, { ...record('ready', existing, 'merged', planHash, ready?.before ?? {}), ...where }, [], null);
  }

  const base = config.infraBaseBranch;
  const files = await readInfraFiles(port, cluster, base);
  const change = computeInfraChange({ phase: 'ready', cluster, pool, plan, files, recorded: null });
  if (!change.ok) return keep(`⛔ No ready PR: ${change.error}`);
  if (!change.files.length) return keep('The infrastructure files already hold the ready-mode values: no PR needed.');

  const title = `Ready mode for workshop #${input.issue.number}: ${plan.pool} min ${plan.readyMode.minNodes} on ${plan.cluster}`;
  const apply = applySteps({ phase: 'ready', clusterName: plan.cluster, cluster, pool, hubName: hubOn(config, plan.cluster, plan.pool), changed: change.files.map((f) => f.path) });
  const before = firstBefore ?? (change.before as unknown as Record<string, unknown>);
  const body = prBody(input, plan, planHash, change.summary, apply, before);
  const opened = await writePullRequest(port, { branch, base, title, body, files: change.files, existing, message: `${title}\n\nFrom ${input.issue.repo}#${input.issue.number} (plan ${planHash}).` }, options, 'ready');
  if (!opened.ok) return keep(opened.section);
  return withRecord(state, { ...record('ready', opened.info, 'open', planHash, before), ...where }, opened.writes, null);
}

async function scaleDown(input: InfraStepInput, ready: PullRequestRecord | null, { cluster, pool, clusterName }: Target & { clusterName: string }, port: InfraRepoPort | null, options: { dryRun: boolean; log: Logger }): Promise<InfraStepResult> {
  const { config } = input;
  let state = input.state;
  const keep = (section: string | null): InfraStepResult => ({ section, pullRequests: state.pullRequests, writes: [] });
  if (!ready || ready.state !== 'merged') {
    return keep(ready ? `The event has ended and the ready-mode PR ${ready.url} was not merged: nothing to scale down.` : null);
  }
  if (!port) return keep(`⚠️ The event has ended but the app cannot reach the infrastructure repository (${infraRepo(config, cluster, input.issue.repo)}) to scale down: install the app there with contents and pull-request write access.`);
  const branch = branchFor(input.issue.number, 'scale-down');
  let down = scaleDownRecord(state);
  if (down && down.state !== 'open') return keep(describe(down));
  // Whether the scale-down was merged decides `done`: read it (one call) rather than wait for a delivery.
  const onBranch = await ownPullRequest(port, await port.findPullRequest(branch));
  if (!onBranch.ok) return keep(onBranch.section);
  const { existing } = onBranch;
  if (existing && (!down || existing.number === down.number) && (existing.state === 'closed' || down)) {
    down = record('scale-down', existing, existing.merged ? 'merged' : existing.state === 'open' ? 'open' : 'closed', ready.planHash, ready.before);
    state = { ...state, pullRequests: replaceRecord(state.pullRequests, down) };
    if (down.state === 'closed') return keep(`The scale-down PR ${down.url} was closed without merging; the app does not reopen it. Scale **${ready.pool ?? pool.instanceType}** down by hand, or reopen the PR.`);
    return keep(describe(down));
  }

  const base = config.infraBaseBranch;
  const files = await readInfraFiles(port, cluster, base);
  const change = computeInfraChange({ phase: 'scale-down', cluster, pool, plan: null, files, recorded: recordedBefore(ready) });
  if (!change.ok) return keep(`⛔ No scale-down PR: ${change.error}`);
  if (!change.files.length) {
    // Scaled down by hand: recorded, so the request is done and this is not read again.
    const restored: PullRequestRecord = { phase: 'scale-down', number: 0, url: '', state: 'restored', planHash: ready.planHash, before: ready.before };
    return withRecord(state, restored, [], null);
  }
  const poolName = ready.pool ?? input.plan?.pool ?? '';
  const title = `Scale down after workshop #${input.issue.number}: ${poolName} on ${clusterName}`;
  const body = template('pull-request.hbs')({
    scaleDown: true,
    pool: escapeMarkdown(poolName, 80),
    cluster: escapeMarkdown(clusterName, 80),
    issueRef: `${input.issue.repo}#${input.issue.number}`,
    endsAt: formatTime(ready.scaleDownAt, input.plan?.timeZone ?? 'UTC'),
    summary: change.summary,
    apply: applySteps({ phase: 'scale-down', clusterName, cluster, pool, hubName: hubOn(config, clusterName, poolName), changed: change.files.map((f) => f.path) }),
    marker: `<!-- workshop-readiness:pr ${JSON.stringify({ issue: `${input.issue.repo}#${input.issue.number}`, phase: 'scale-down', planHash: ready.planHash ?? '' })} -->`,
  });
  const opened = await writePullRequest(port, { branch, base, title, body, files: change.files, existing, message: `${title}\n\nFrom ${input.issue.repo}#${input.issue.number}: restores the values recorded before ready mode.` }, options, 'scale-down');
  if (!opened.ok) return keep(opened.section);
  return withRecord(state, record('scale-down', opened.info, 'open', ready.planHash, ready.before), opened.writes, null);
}

/**
 * A PR found on the app's own branch counts as the app's only when the app opened it (the same rule as the
 * read-back of a lost record): anyone with write access to the infrastructure repository could open one
 * there with a copied marker. Such a PR is never trusted or updated; while it is open the app stops and
 * says so, and once it is closed the app opens its own PR on the branch.
 */
async function ownPullRequest(port: InfraRepoPort, found: PullRequestInfo | null): Promise<{ ok: true; existing: PullRequestInfo | null } | { ok: false; section: string }> {
  if (!found || (await port.openedByThisApp(found))) return { ok: true, existing: found };
  if (found.state === 'closed') return { ok: true, existing: null };
  return { ok: false, section: notOpenedByApp(found) };
}

export function notOpenedByApp(pr: PullRequestInfo): string {
  return `⚠️ The open PR ${escapeMarkdown(pr.url, 200)} on this request's branch was opened by \`${escapeCode(pr.author.login, 60)}\`, not by this app, so the app neither trusts nor updates it; close that PR and the app opens its own.`;
}

/** The ready PR's record of the values it replaced, in the shape the infra change restores. */
function recordedBefore(ready: PullRequestRecord): InfraBefore | null {
  return Object.keys(ready.before).length ? (ready.before as unknown as InfraBefore) : null;
}

type Written = { ok: true; info: PullRequestInfo; writes: string[] } | { ok: false; section: string };

/** Commits the files and opens the PR, or updates the open one; permission problems become a sentence. */
async function writePullRequest(
  port: InfraRepoPort,
  pr: { branch: string; base: string; title: string; body: string; files: Array<{ path: string; after: string }>; existing: PullRequestInfo | null; message: string },
  options: { dryRun: boolean; log: Logger },
  phase: 'ready' | 'scale-down',
): Promise<Written> {
  const { existing } = pr;
  if (options.dryRun) {
    options.log.info({ branch: pr.branch, files: pr.files.map((f) => f.path) }, 'DRY_RUN: infra PR not written');
    return { ok: false, section: `DRY_RUN: the ${phase} PR would change ${pr.files.map((f) => f.path).join(', ')}.` };
  }
  const writes: string[] = [];
  try {
    if (existing?.state === 'open') {
      if (!(await sameFiles(port, pr.branch, pr.files))) {
        await port.commitFiles(pr.branch, pr.base, pr.files.map((f) => ({ path: f.path, content: f.after })), pr.message);
        writes.push('commit');
      }
      if (existing.body !== pr.body) {
        await port.updatePullRequest(existing.number, { title: pr.title, body: pr.body });
        writes.push('update-pr');
      }
      return { ok: true, info: existing, writes };
    }
    await port.commitFiles(pr.branch, pr.base, pr.files.map((f) => ({ path: f.path, content: f.after })), pr.message);
    const info = await port.openPullRequest({ branch: pr.branch, base: pr.base, title: pr.title, body: pr.body });
    return { ok: true, info, writes: ['commit', 'open-pr'] };
  } catch (error) {
    const status = (error as { status?: number }).status;
    // Permission problems are the operator's to fix and are said in the comment; anything else fails the event.
    if (status !== 403 && status !== 404) throw error;
    options.log.warn({ repo: port.fullName, status }, 'infra PR not written: no permission');
    return { ok: false, section: `⛔ No ${phase} PR: the app may not write to ${port.fullName} (HTTP ${status}). Give the app's installation contents and pull-requests write access there, then comment \`/recompute\`.` };
  }
}

/** The hub whose values file the PR edits: the one configured hub on that cluster and pool, if only one is. */
function hubOn(config: Config, cluster: string, pool: string): string | null {
  const names = Object.entries(config.hubs).filter(([, hub]) => hub.cluster === cluster && hub.pool === pool).map(([name]) => name);
  return names.length === 1 ? (names[0] as string) : null;
}

/** The cluster's infra files as they are on the base branch (null for a file not there yet). */
async function readInfraFiles(port: InfraRepoPort, cluster: Target['cluster'], base: string): Promise<Record<string, string | null>> {
  const files: Record<string, string | null> = {};
  for (const path of infraPaths(cluster)) files[path] = await port.readFile(path, base);
  return files;
}

async function sameFiles(port: InfraRepoPort, branch: string, files: Array<{ path: string; after: string }>): Promise<boolean> {
  for (const file of files) if ((await port.readFile(file.path, branch)) !== file.after) return false;
  return true;
}

function record(phase: 'ready' | 'scale-down', pr: PullRequestInfo, state: PullRequestRecord['state'], planHash: string | null, before: Record<string, unknown>): PullRequestRecord {
  return { phase, number: pr.number, url: pr.url, state, planHash, before };
}

function replaceRecord(records: PullRequestRecord[], rec: PullRequestRecord): PullRequestRecord[] {
  return [...records.filter((r) => r.phase !== rec.phase), rec];
}

function withRecord(state: MarkerState, rec: PullRequestRecord, writes: string[], section: string | null): InfraStepResult {
  return { section: section ?? describe(rec), pullRequests: replaceRecord(state.pullRequests, rec), writes };
}

function describe(rec: PullRequestRecord, note?: string): string {
  const what = rec.phase === 'ready' ? 'Ready-mode PR' : 'Scale-down PR';
  if (rec.state === 'restored') return 'No scale-down PR needed: the infrastructure files already hold the values from before ready mode.';
  const status = rec.state === 'merged' ? 'merged ✅' : rec.state === 'open' ? 'open, waiting for review' : 'closed without merging';
  return `${what}: ${rec.url} (${status}).${note ? ` ${note}` : ''}`;
}

/** The repository holding a cluster's infra files: its own setting, then the config's, then the issue's. */
export function infraRepo(config: Config, cluster: NonNullable<Config['clusters'][string]>, issueRepo: string): string {
  return cluster.infra?.repository ?? config.infraRepository ?? issueRepo;
}

function formatTime(iso: string | undefined, zone: string): string {
  return iso ? DateTime.fromISO(iso).setZone(zone).toFormat('ccc d LLL yyyy HH:mm ZZZZ') : 'unknown';
}

/**
 * The ready PR's body. Its hidden marker also carries where ready mode applies and the values it
 * replaced, so `workshop-readiness infra --phase scale-down --recorded <body>` can restore them by hand.
 */
function prBody(input: InfraStepInput, plan: Plan, planHash: string, summary: string[], apply: string[], before: Record<string, unknown>): string {
  const zone = plan.timeZone;
  const fmt = (iso: string | undefined) => formatTime(iso, zone);
  return template('pull-request.hbs')({
    scaleDown: false,
    pool: escapeMarkdown(plan.pool, 80),
    cluster: escapeMarkdown(plan.cluster, 80),
    issueRef: `${input.issue.repo}#${input.issue.number}`,
    attendees: plan.attendees,
    days: plan.readyMode.days.length,
    manyDays: plan.readyMode.days.length !== 1,
    startsAt: fmt(plan.readyMode.days[0]?.start),
    endsAt: fmt(plan.readyMode.scaleDownAt),
    summary,
    mergeBy: fmt(plan.readyMode.windows[0]?.start),
    leadMinutes: plan.readyMode.leadMinutes,
    nodes: plan.nodes,
    instanceType: escapeMarkdown(plan.instanceType, 80),
    usersPerNode: plan.usersPerNode,
    minNodes: plan.readyMode.minNodes,
    placeholders: placeholderLine(plan),
    perUser: perUserLine(plan),
    heldCost: heldCostLine(plan, zone, '\\$'),
    apply,
    scaleDownBranch: branchFor(input.issue.number, 'scale-down'),
    marker: `<!-- workshop-readiness:pr ${hiddenJson({ issue: `${input.issue.repo}#${input.issue.number}`, phase: 'ready', planHash, zone, cluster: plan.cluster, pool: plan.pool, before, ...(plan.readyMode.windows[0] ? { mergeBy: plan.readyMode.windows[0].start } : {}), scaleDownAt: plan.readyMode.scaleDownAt })} -->`,
  });
}
