import { DateTime } from 'luxon';
import type { Config } from '../config/schema.js';
import type { Plan } from '../capacity/types.js';
import type { InfraRepoPort, PullRequestInfo } from '../github/infra-repo.js';
import { computeInfraChange, infraPaths, type InfraBefore } from '../infra/change.js';
import type { Logger } from './ports.js';
import { template } from '../render/templates.js';
import { heldCostLine, perUserLine, placeholderLine } from '../render/plan-markdown.js';
import { applySteps } from '../infra/apply-steps.js';
import { escapeMarkdown } from '../text/escape.js';
import type { MarkerState, PullRequestRecord } from '../workshop/marker.js';
import type { Stage } from '../workshop/readiness.js';

/**
 * The infrastructure-PR step of the reconcile: on `go` the ready-mode PR, after the event the
 * scale-down PR. Idempotent: the PR is found by its deterministic branch and updated, never duplicated;
 * a PR closed without merging is not reopened behind an engineer's back.
 */

export interface InfraStepInput {
  issue: { number: number; repo: string };
  config: Config;
  plan: Plan;
  planHash: string;
  stage: Stage;
  onHold: boolean;
  now: string;
  state: MarkerState;
  /** Look at GitHub even when the marker says nothing changed (PR events, the sweep, /recompute). */
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

/** The issue a PR body says it was opened for (trusted only together with the issue's own marker). */
export function prMarker(body: string): { issue: string; phase: 'ready' | 'scale-down'; planHash: string } | null {
  const match = PR_MARKER.exec(body);
  if (!match?.[1]) return null;
  try {
    const value = JSON.parse(match[1]) as { issue?: unknown; phase?: unknown; planHash?: unknown };
    if (typeof value.issue !== 'string' || (value.phase !== 'ready' && value.phase !== 'scale-down') || typeof value.planHash !== 'string') return null;
    return { issue: value.issue, phase: value.phase, planHash: value.planHash };
  } catch {
    return null;
  }
}

export async function syncInfraPullRequest(input: InfraStepInput, port: InfraRepoPort | null, options: { dryRun: boolean; log: Logger }): Promise<InfraStepResult> {
  const { plan, config, state } = input;
  const cluster = config.clusters[plan.cluster];
  const pool = cluster?.pools[plan.pool];
  const keep = (section: string | null): InfraStepResult => ({ section, pullRequests: state.pullRequests, writes: [] });
  if (!cluster || !pool) return keep(null);
  const afterEvent = input.now >= plan.readyMode.scaleDownAt;
  const ready = state.pullRequests.find((r) => r.phase === 'ready') ?? null;

  if (!afterEvent && (input.stage !== 'go' || input.onHold)) {
    return keep(ready ? describe(ready, 'The ready-mode PR was opened for an approved plan; it is kept while the request is re-approved.') : null);
  }
  if (!cluster.infra) return keep(input.stage === 'go' ? `No infrastructure file is configured for cluster **${plan.cluster}**: put the pool in ready mode by hand (min ${plan.readyMode.minNodes} nodes).` : null);
  if (!port) return keep(`⚠️ The app cannot reach the infrastructure repository (${infraRepo(config, cluster, input.issue.repo)}): install the app there with contents and pull-request write access.`);

  const phase: 'ready' | 'scale-down' = afterEvent ? 'scale-down' : 'ready';
  if (phase === 'scale-down') {
    if (!ready || ready.state !== 'merged') {
      const refreshed = ready && input.refresh ? await port.findPullRequest(branchFor(input.issue.number, 'ready')) : null;
      if (!refreshed?.merged) return keep(ready ? `The event has ended and the ready-mode PR ${ready.url} was not merged: nothing to scale down.` : null);
    }
  }
  const existingRecord = state.pullRequests.find((r) => r.phase === phase) ?? null;
  const upToDate = existingRecord && (phase === 'scale-down' || existingRecord.planHash === input.planHash);
  if (upToDate && (existingRecord.state !== 'open' || !input.refresh)) return keep(describe(existingRecord));

  const branch = branchFor(input.issue.number, phase);
  const existing = await port.findPullRequest(branch);
  const existingMarker = existing ? prMarker(existing.body) : null;
  if (existing && existing.state === 'closed' && !existing.merged) {
    return withRecord(state, record(phase, existing, 'closed', input.planHash, existingRecord?.before ?? {}), [], `The ${phase} PR ${existing.url} was closed without merging; the app does not reopen it. Reopen it, or comment \`/recompute\` after deleting the branch to get a new one.`);
  }
  if (existing?.merged && (phase === 'scale-down' || existingMarker?.planHash === input.planHash)) {
    return withRecord(state, record(phase, existing, 'merged', input.planHash, existingRecord?.before ?? ready?.before ?? {}), [], null);
  }

  const base = config.infraBaseBranch;
  const files: Record<string, string | null> = {};
  for (const path of infraPaths(cluster)) files[path] = await port.readFile(path, base);
  const change = computeInfraChange({ phase, cluster, pool, plan, files, recorded: phase === 'scale-down' ? (ready?.before as unknown as InfraBefore) ?? null : null });
  if (!change.ok) return keep(`⛔ No ${phase} PR: ${change.error}`);
  if (!change.files.length) return keep(`The infrastructure files already hold the ${phase === 'ready' ? 'ready-mode' : 'scaled-down'} values: no PR needed.`);

  const title = phase === 'ready'
    ? `Ready mode for workshop #${input.issue.number}: ${plan.pool} min ${plan.readyMode.minNodes} on ${plan.cluster}`
    : `Scale down after workshop #${input.issue.number}: ${plan.pool} on ${plan.cluster}`;
  const body = prBody(input, phase, change.summary, applySteps({ phase, clusterName: plan.cluster, cluster, pool, hubName: hubOn(config, plan), changed: change.files.map((f) => f.path) }));
  const writes: string[] = [];
  const message = `${title}\n\nFrom ${input.issue.repo}#${input.issue.number} (plan ${input.planHash}).`;
  let info: PullRequestInfo;
  if (options.dryRun) {
    options.log.info({ branch, files: change.files.map((f) => f.path) }, 'DRY_RUN: infra PR not written');
    return keep(`DRY_RUN: the ${phase} PR would change ${change.files.map((f) => f.path).join(', ')}.`);
  }
  try {
    const sameContent = existing?.state === 'open' && (await sameFiles(port, branch, change.files));
    if (existing?.state === 'open') {
      if (!sameContent) {
        await port.commitFiles(branch, base, change.files.map((f) => ({ path: f.path, content: f.after })), message);
        writes.push('commit');
      }
      if (existing.body !== body) {
        await port.updatePullRequest(existing.number, { title, body });
        writes.push('update-pr');
      }
      info = existing;
    } else {
      await port.commitFiles(branch, base, change.files.map((f) => ({ path: f.path, content: f.after })), message);
      info = await port.openPullRequest({ branch, base, title, body });
      writes.push('commit', 'open-pr');
    }
  } catch (error) {
    const status = (error as { status?: number }).status;
    // Permission problems are the operator's to fix and are said in the comment; anything else fails the event.
    if (status !== 403 && status !== 404) throw error;
    options.log.warn({ repo: port.fullName, status }, 'infra PR not written: no permission');
    return keep(`⛔ No ${phase} PR: the app may not write to ${port.fullName} (HTTP ${status}). Give the app's installation contents and pull-requests write access there, then comment \`/recompute\`.`);
  }
  const before = phase === 'ready' ? (change.before as unknown as Record<string, unknown>) : (ready?.before ?? {});
  return withRecord(state, record(phase, info, 'open', input.planHash, before), writes, null);
}

/** The hub whose values file the PR edits: the one configured hub on the plan's cluster and pool, if only one is. */
function hubOn(config: Config, plan: Plan): string | null {
  const names = Object.entries(config.hubs).filter(([, hub]) => hub.cluster === plan.cluster && hub.pool === plan.pool).map(([name]) => name);
  return names.length === 1 ? (names[0] as string) : null;
}

async function sameFiles(port: InfraRepoPort, branch: string, files: Array<{ path: string; after: string }>): Promise<boolean> {
  for (const file of files) if ((await port.readFile(file.path, branch)) !== file.after) return false;
  return true;
}

function record(phase: 'ready' | 'scale-down', pr: PullRequestInfo, state: PullRequestRecord['state'], planHash: string, before: Record<string, unknown>): PullRequestRecord {
  return { phase, number: pr.number, url: pr.url, state, planHash, before };
}

function withRecord(state: MarkerState, rec: PullRequestRecord, writes: string[], section: string | null): InfraStepResult {
  const pullRequests = [...state.pullRequests.filter((r) => r.phase !== rec.phase), rec];
  return { section: section ?? describe(rec), pullRequests, writes };
}

function describe(rec: PullRequestRecord, note?: string): string {
  const what = rec.phase === 'ready' ? 'Ready-mode PR' : 'Scale-down PR';
  const status = rec.state === 'merged' ? 'merged ✅' : rec.state === 'open' ? 'open, waiting for review' : 'closed without merging';
  return `${what}: ${rec.url} (${status}).${note ? ` ${note}` : ''}`;
}

/** The repository holding a cluster's infra files: its own setting, then the config's, then the issue's. */
export function infraRepo(config: Config, cluster: NonNullable<Config['clusters'][string]>, issueRepo: string): string {
  return cluster.infra?.repository ?? config.infraRepository ?? issueRepo;
}

function prBody(input: InfraStepInput, phase: 'ready' | 'scale-down', summary: string[], apply: string[]): string {
  const { plan } = input;
  const zone = plan.timeZone;
  const fmt = (iso: string | undefined) => (iso ? DateTime.fromISO(iso).setZone(zone).toFormat('ccc d LLL yyyy HH:mm ZZZZ') : 'unknown');
  return template('pull-request.hbs')({
    scaleDown: phase === 'scale-down',
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
    marker: `<!-- workshop-readiness:pr ${JSON.stringify({ issue: `${input.issue.repo}#${input.issue.number}`, phase, planHash: input.planHash, zone })} -->`,
  });
}
