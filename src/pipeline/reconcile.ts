import type { ConfigProblem, Config } from '../config/schema.js';
import type { ObservedNode, OtherWorkshop, Plan } from '../capacity/types.js';
import type { Clock, CommentSnapshot, IssuePort, IssueSnapshot, Logger } from './ports.js';
import { escapeMarkdown } from '../text/escape.js';
import { statusComments, syncIssue, type Write } from './sync.js';
import type { InfraRepoPort } from '../github/infra-repo.js';
import type { LoadTestSpec } from '../kube/types.js';
import { applyLoadTestUpdate, expireLostLoadTest, loadTestSpec, type LoadTestUpdate } from './loadtest.js';
import { branchFor, DAY_MS, infraRepo, recoverReady, syncInfraPullRequest } from './infra-pr.js';
import { followWindows } from './windows.js';
import type { PlaceholderScalePort } from '../kube/placeholder-scale.js';
import { parseCommands } from '../workshop/commands.js';
import { evaluate, type Evaluation } from '../workshop/evaluate.js';
import { looksLikeForm, type FormReader, type FormField } from '../workshop/form.js';
import { formReader } from '../workshop/form-sources.js';
import { EMPTY_STATE, encodeMarker, LOCAL_MARKER_KEY, readMarker, type MarkerKey, type MarkerSeal, type MarkerState, type PullRequestRecord } from '../workshop/marker.js';
import { replayCommands } from '../workshop/replay.js';
import { labelStyle, managedLabels, type Stage } from '../workshop/readiness.js';
import { isDone, readyRecord } from '../workshop/lifecycle.js';

/** The config as the adapter found it. */
export type ConfigLoad =
  | { kind: 'missing' }
  | { kind: 'invalid'; problems: ConfigProblem[] }
  | { kind: 'ok'; config: Config; theirForm?: FormField[] };

/**
 * What the app can reach besides the issue: the same for every trigger (webhook, sweep, CLI), so the
 * same inputs give the same plan whichever path runs the reconcile.
 */
export type Adapters = Pick<ReconcileDeps, 'others' | 'observe' | 'infraRepo' | 'hasCluster' | 'clusterAccessProblem' | 'newRunId' | 'placeholders'>;

export interface ReconcileDeps {
  issues: IssuePort;
  clock: Clock;
  log: Logger;
  dryRun?: boolean;
  /** Other open workshops on the same cluster (concurrency); none when absent. */
  others?: (clusterName: string, issueNumber: number) => Promise<OtherWorkshop[]>;
  /** Live node figures of a pool; null when the cluster is not reachable or not configured. */
  observe?: (clusterName: string, poolName: string) => Promise<ObservedNode | null>;
  /** The issue's repository, `owner/name` (for PR links and the default infra repository). */
  repo?: string;
  /** The infrastructure repository by `owner/name`; null when the app cannot reach it. */
  infraRepo?: (fullName: string) => Promise<InfraRepoPort | null>;
  /** Look at the infra PRs on GitHub even when the marker says nothing changed. */
  refreshInfra?: boolean;
  /** Whether the app can reach a cluster (for `/loadtest`); absent = no cluster access anywhere. */
  hasCluster?: (clusterName: string) => boolean;
  /** Why the operator's cluster access refuses this repository that cluster, for the comment; null = not refused. */
  clusterAccessProblem?: (clusterName: string) => string | null;
  /** Progress or result of a running load test, to record in the marker. */
  loadTestUpdate?: LoadTestUpdate;
  /** Run ids are unique per start; injected so tests are deterministic. */
  newRunId?: () => string;
  /**
   * Key the state marker is sealed with. The server passes one derived from its secret; absent means
   * the public local key of the CLI, the demo and tests, whose markers prove nothing.
   */
  markerKey?: MarkerKey;
  /** The hub placeholders of a cluster, to follow the daily windows; absent or null = no cluster access. */
  placeholders?: (clusterName: string) => PlaceholderScalePort | null;
}

export interface ReconcileResult {
  /** Why nothing was done, when nothing was done. */
  skipped: string | null;
  stage: Stage | null;
  writes: Write[];
  evaluation: Evaluation | null;
  /** A `/loadtest` accepted in this round, for the caller to run against the cluster. */
  loadTestToStart: { clusterName: string; spec: LoadTestSpec } | null;
}

const skip = (reason: string): ReconcileResult => ({ skipped: reason, stage: null, writes: [], evaluation: null, loadTestToStart: null });

/**
 * Cheap test on the webhook payload alone, before any API call: an issue without labels and without
 * form headings cannot be a workshop request, so it costs nothing.
 */
export function mightBeWorkshopRequest(issue: Pick<IssueSnapshot, 'labels' | 'body' | 'title'>): boolean {
  const headings = (issue.body.match(/^###\s+\S/gm) ?? []).length;
  return issue.labels.length > 0 || headings >= 2 || /^\s*\[/.test(issue.title);
}

/** Whether this issue is a workshop request under this config. */
export function isWorkshopRequest(issue: IssueSnapshot, config: Config, form: FormReader): boolean {
  if (issue.labels.includes(config.labels.workshop)) return true;
  if (managedLabels(config.labels).some((l) => issue.labels.includes(l))) return true;
  if (config.form.titlePrefixes.some((prefix) => issue.title.trim().toLowerCase().startsWith(prefix.toLowerCase()))) return true;
  return looksLikeForm(issue.body, form);
}

/**
 * The one level-triggered reconcile for an issue, used by webhooks, the sweep, the CLI and the tests:
 * read the issue and its comments, evaluate the pure pipeline, write only what differs.
 */
export async function reconcile(configLoad: ConfigLoad, deps: ReconcileDeps): Promise<ReconcileResult> {
  const log = deps.log;
  if (configLoad.kind === 'missing') return skip('no .github/workshop-readiness.yml in the repository or the organisation');
  const issue = await deps.issues.getIssue();
  const seal: MarkerSeal = { key: deps.markerKey ?? LOCAL_MARKER_KEY, scope: `${deps.repo ?? 'local'}#${issue.number}` };
  if (issue.state !== 'open') return configLoad.kind === 'ok' ? closedIssue(issue, configLoad.config, deps, seal) : skip('issue is closed');

  if (configLoad.kind === 'invalid') {
    if (!mightBeWorkshopRequest(issue)) return skip('not a workshop request (config invalid)');
    const comments = await deps.issues.listComments();
    const writes = await writeConfigProblems(deps, issue, comments, configLoad.problems, seal);
    return { skipped: 'invalid config', stage: null, writes, evaluation: null, loadTestToStart: null };
  }

  const { config } = configLoad;
  const form = formReader(config, configLoad.theirForm);
  if (!isWorkshopRequest(issue, config, form)) return skip('not a workshop request');

  const comments = await deps.issues.listComments();
  const now = deps.clock.now().toISOString();
  const trusted = trustedState(comments, seal);
  // State that existed and was lost: the ready PR's merge is read back from GitHub when it matters.
  const lost = !trusted.ok && stateExisted(issue, comments, config);
  let previous = expireLostLoadTest(applyLoadTestUpdate(lost ? { ...trusted.state, readyUnknown: true } : trusted.state, deps.loadTestUpdate), now, config.policy.loadTestBudgetMinutes);
  const authorized = await authorizedUsers(steeringCandidates(comments, trusted), config, deps.issues, log);

  // A first pass finds the cluster and pool the request lands on, for the adapters' look-ups.
  let base = { issue, comments, config, form, now, authorized, previous, trusted: trusted.ok, seal };
  const draft = evaluate({ ...base, others: [], observed: null });
  let others: OtherWorkshop[] = [];
  let observed: ObservedNode | null = null;
  let observedStale = false;
  if (draft.plan && (deps.others || deps.observe)) {
    const { cluster, pool } = draft.plan;
    let unreachable = false;
    [others, observed] = await Promise.all([
      deps.others ? deps.others(cluster, issue.number) : Promise.resolve([]),
      deps.observe
        ? deps.observe(cluster, pool).catch((error: Error) => {
            unreachable = true;
            log.warn({ err: error.message }, 'cluster not observed; the plan uses the figures last read, or formulas');
            return null;
          })
        : Promise.resolve(null),
    ]);
    // A cluster that cannot be reached right now has not changed: keep the figures last read from it.
    const last = previous.nodeFigures;
    if (unreachable && last && last.cluster === cluster && last.pool === pool) {
      const { cluster: _cluster, pool: _pool, ...figures } = last;
      observed = { ...figures, readyNodes: 0 };
      observedStale = true;
    }
  }
  const observation = { observed, observedStale };
  /** Every later evaluation sees the same adapters' inputs (others, the observation and whether it is stale). */
  const evaluateWith = (extra: Partial<Parameters<typeof evaluate>[0]> = {}) => evaluate({ ...base, others, ...observation, ...extra });
  let evaluation = others.length || observed ? evaluateWith() : draft;
  // A new `/loadtest` is bound to the plan as it is with what the adapters observed, the plan it tests.
  const started = startLoadTest(evaluation, previous, issue.number, config, now, deps);
  if (started.state) {
    previous = started.state;
    base = { ...base, previous };
  }
  const loadTestSection = started.section ? { loadTest: started.section } : {};
  if (started.state || started.section) evaluation = evaluateWith({ sections: loadTestSection });

  const infraWrites: string[] = [];
  const repo = deps.repo ?? 'unknown/unknown';
  const lostReady = await recoverLostReady(deps, config, issue.number, evaluation.state, evaluation.plan, now);
  const infraState = { ...evaluation.state, pullRequests: lostReady.pullRequests };
  // The scale-down needs no plan: the ready PR's record says where and what to restore.
  const clusterName = readyRecord(infraState)?.cluster ?? evaluation.plan?.cluster;
  let infraSection: string | null = lostReady.note;
  let pullRequests = infraState.pullRequests;
  if (deps.infraRepo && clusterName && !lostReady.note) {
    const cluster = config.clusters[clusterName];
    const port = cluster ? await deps.infraRepo(infraRepo(config, cluster, repo)) : null;
    const step = await syncInfraPullRequest(
      {
        issue: { number: issue.number, repo },
        config,
        plan: evaluation.plan,
        planHash: evaluation.planHash,
        stage: evaluation.readiness.stage,
        onHold: evaluation.readiness.onHold !== null,
        now,
        state: infraState,
        // Only the hub team's /recompute costs the extra infra reads: anyone's would amplify.
        refresh: deps.refreshInfra ?? evaluation.replay.outcomes.some((o) => o.command.kind === 'recompute' && authorized.has(o.author)),
      },
      port,
      { dryRun: deps.dryRun ?? false, log },
    );
    infraWrites.push(...step.writes);
    infraSection = step.section;
    pullRequests = step.pullRequests;
  }
  if (infraSection || pullRequests !== evaluation.state.pullRequests) {
    evaluation = evaluateWith({ previous: { ...previous, pullRequests }, sections: { ...loadTestSection, infra: infraSection } });
  }

  if (deps.placeholders && evaluation.plan?.readyMode.followsWindows) {
    const hub = evaluation.request ? config.hubs[evaluation.request.hub] : undefined;
    const outcome = await followWindows(
      { plan: evaluation.plan, namespace: hub?.namespace, pullRequests: evaluation.state.pullRequests, now },
      deps.placeholders(evaluation.plan.cluster),
      { dryRun: deps.dryRun ?? false, log },
    );
    // The PR left the pool's min alone, so a failure here means no warm nodes: say it where engineers look.
    if (outcome.kind === 'failed') {
      const note = `⚠️ The app follows the daily windows for this hub but could not scale its placeholders: ${escapeMarkdown(outcome.why, 300)}. Until that is fixed the planned warm nodes are not held: grant the access in \`deploy/hub-placeholders.yaml\`, or scale \`user-placeholder\` by hand.`;
      evaluation = evaluateWith({ previous: { ...previous, pullRequests: evaluation.state.pullRequests }, sections: { ...loadTestSection, infra: [infraSection, note].filter(Boolean).join('\n\n') } });
    }
  }

  const writes = await syncIssue(
    deps.issues,
    { comments, labels: issue.labels },
    {
      commentBody: evaluation.commentBody,
      labels: evaluation.labels,
      managedLabels: managedLabels(config.labels),
      labelStyle: (name) => labelStyle(name, config.labels),
      reactions: evaluation.reactions,
      replies: evaluation.replies,
      notices: evaluation.notices,
    },
    { dryRun: deps.dryRun ?? false, log },
  );
  const allWrites: Write[] = [...infraWrites.map((kind) => ({ kind: 'infra', what: kind }) satisfies Write), ...writes];
  log.info({ issue: issue.number, stage: evaluation.readiness.stage, writes: allWrites.length }, 'reconciled');
  return { skipped: null, stage: evaluation.readiness.stage, writes: allWrites, evaluation, loadTestToStart: started.run };
}

/**
 * A closed issue: nothing on it is rewritten and no command is read any more, but a warm pool is never
 * left behind. When its ready-mode PR was merged, the scale-down PR is opened at the recorded end (found
 * again by its branch, so it is opened once), and `done` is added once nothing is held: the one label
 * that lets the sweep stop looking at the issue.
 */
async function closedIssue(issue: IssueSnapshot, config: Config, deps: ReconcileDeps, seal: MarkerSeal): Promise<ReconcileResult> {
  // Only approved requests can hold anything, and `done` says that nothing is held any more.
  if (!deps.infraRepo || !issue.labels.includes(config.labels.go) || issue.labels.includes(config.labels.done)) return skip('issue is closed');
  const comments = await deps.issues.listComments();
  const trusted = trustedState(comments, seal);
  const now = deps.clock.now().toISOString();
  const repo = deps.repo ?? 'unknown/unknown';
  // A closed issue is never rewritten: with its marker lost, the ready PR is read back each round (one
  // read) until nothing is held.
  const lostReady = await recoverLostReady(deps, config, issue.number, { ...trusted.state, readyUnknown: trusted.state.readyUnknown || !trusted.ok }, null, now);
  if (lostReady.note) deps.log.warn({ issue: issue.number }, 'closed issue: state lost and the ready-mode branch holds a PR the app does not trust; nothing scaled down');
  const state = { ...trusted.state, pullRequests: lostReady.pullRequests };
  const ready = readyRecord(state);
  const cluster = ready?.cluster ? config.clusters[ready.cluster] : undefined;
  const writes: Write[] = [];
  let pullRequests = state.pullRequests;
  if (ready && cluster) {
    const step = await syncInfraPullRequest(
      { issue: { number: issue.number, repo }, config, plan: null, planHash: null, stage: 'go', onHold: false, now, state, refresh: deps.refreshInfra ?? false },
      await deps.infraRepo(infraRepo(config, cluster, repo)),
      { dryRun: deps.dryRun ?? false, log: deps.log },
    );
    writes.push(...step.writes.map((what): Write => ({ kind: 'infra', what })));
    pullRequests = step.pullRequests;
  } else if (ready) {
    deps.log.warn({ issue: issue.number }, 'closed issue: its ready-mode record does not name the cluster (older marker); scale it down by hand');
  }
  // Nothing held: no ready-mode PR at all, one closed without merging, or the scale-down done.
  const readyState = readyRecord({ pullRequests })?.state;
  const nothingHeld = !ready || (cluster !== undefined && (readyState === 'closed' || isDone({ ...state, pullRequests }, null, now)));
  if (nothingHeld) {
    writes.push({ kind: 'add-labels', labels: [config.labels.done] });
    if (!deps.dryRun) await deps.issues.addLabels([{ name: config.labels.done, ...labelStyle(config.labels.done, config.labels) }]);
  }
  deps.log.info({ issue: issue.number, writes: writes.length }, 'reconciled a closed issue (scale-down only)');
  return { skipped: writes.length ? null : 'issue is closed', stage: null, writes, evaluation: null, loadTestToStart: null };
}

/**
 * The ready record read back from GitHub when the marker was lost (see `recoverReady`): only while the
 * state says so and holds no ready record, and only once it matters, from a day before the merge-by time
 * (or at once when no plan says when that is). One read a round. The ready PR lives in the plan's
 * cluster's infra repository; without a plan, in the one repository all configured clusters use.
 */
async function recoverLostReady(deps: ReconcileDeps, config: Config, issueNumber: number, state: MarkerState, plan: Plan | null, now: string): Promise<{ pullRequests: PullRequestRecord[]; note: string | null }> {
  const none = { pullRequests: state.pullRequests, note: null };
  if (!state.readyUnknown || readyRecord(state) || !deps.infraRepo) return none;
  const mergeBy = plan?.readyMode.windows[0]?.start;
  if (mergeBy && !deps.refreshInfra && Date.parse(now) < Date.parse(mergeBy) - DAY_MS) return none;
  const repo = deps.repo ?? 'unknown/unknown';
  const planned = plan ? config.clusters[plan.cluster] : undefined;
  const repos = planned ? [infraRepo(config, planned, repo)] : [...new Set(Object.values(config.clusters).map((c) => infraRepo(config, c, repo)))];
  const port = repos.length === 1 && repos[0] ? await deps.infraRepo(repos[0]) : null;
  if (!port) return none;
  const found = await port.findPullRequest(branchFor(issueNumber, 'ready'));
  const recovery = recoverReady(found, found ? await port.openedByThisApp(found) : false, `${repo}#${issueNumber}`, config.infraBaseBranch);
  return { pullRequests: recovery.ready ? [...state.pullRequests.filter((r) => r.phase !== 'ready'), recovery.ready] : state.pullRequests, note: recovery.note };
}

/** The issue had state once: the app commented on it, or it carries one of the app's stage labels. */
function stateExisted(issue: IssueSnapshot, comments: CommentSnapshot[], config: Config): boolean {
  return comments.some((c) => c.byThisApp) || managedLabels(config.labels).some((l) => issue.labels.includes(l));
}

/** A new `/loadtest`: record the run as running in the marker, or say why it cannot run. */
function startLoadTest(draft: Evaluation, previous: MarkerState, issueNumber: number, config: Config, now: string, deps: ReconcileDeps) {
  const requested = draft.replay.loadTestRequested;
  const none = { state: null, section: null, run: null };
  if (!requested || !draft.plan || !draft.request || !draft.planHash) return none;
  const clusterName = draft.plan.cluster;
  if (!deps.hasCluster?.(clusterName)) {
    const why = deps.clusterAccessProblem?.(clusterName);
    return { ...none, section: `⚠️ \`/loadtest\` by ${requested.by}: the app has no Kubernetes access to cluster **${clusterName}** (${why ? escapeMarkdown(why, 400) : `see \`clusters.${clusterName}.kubernetes\``}). Run the test by hand and record it with \`/loadtest pass <evidence>\` or \`/loadtest fail <reason>\`.` };
  }
  if (draft.state.loadTest?.status === 'running') {
    return { ...none, section: `🧪 A load test (${draft.state.loadTest.runId}) is already running; \`/loadtest\` by ${requested.by} was not started twice.` };
  }
  const runId = deps.newRunId?.() ?? `${issueNumber}-${Date.now().toString(36)}`;
  const spec = loadTestSpec({ plan: draft.plan, request: draft.request, assumptions: draft.replay.assumptions, config, issueNumber, runId, fraction: requested.fraction });
  // Only the load-test record changes: the command itself stays new for this round's reactions.
  const state: MarkerState = {
    ...previous,
    loadTest: { runId, planHash: draft.planHash, status: 'running', startedAt: now, finishedAt: null, summary: `started by ${requested.by}: ${spec.replicas} placeholder pods`, fraction: spec.fraction, lapsed: false },
  };
  return { state, section: null, run: { clusterName, spec } };
}

/**
 * State from the app's own oldest status comment, when its marker verifies under this app's key for this
 * issue. Markers anywhere else, edited ones and copies from other issues are not state: `ok` is false.
 */
export function trustedState(comments: CommentSnapshot[], seal: MarkerSeal): { state: MarkerState; ok: boolean } {
  const [ours] = statusComments(comments);
  const read = ours ? readMarker(ours.body, seal) : null;
  return read?.ok ? { state: read.state, ok: true } : { state: EMPTY_STATE, ok: false };
}

const STEERING = /^(admin|maintain|write)$/;

/** Permission look-ups one reconcile may make; more authors than this in one round are treated as without rights. */
const MAX_PERMISSION_LOOKUPS = 20;

/**
 * Authors whose permission matters this round: those of comments not handled yet that hold commands.
 * Without trusted state only /hold counts, so only its authors are looked up.
 */
function steeringCandidates(comments: CommentSnapshot[], trusted: { state: MarkerState; ok: boolean }): string[] {
  const after = trusted.ok ? (trusted.state.commands.handled ?? Number.NEGATIVE_INFINITY) : Number.NEGATIVE_INFINITY;
  const authors = new Set<string>();
  for (const c of comments) {
    if (c.authorIsBot || c.id <= after) continue;
    const commands = parseCommands(c.body);
    if (trusted.ok ? commands.length > 0 : commands.some((cmd) => cmd.kind === 'hold')) authors.add(c.author);
  }
  return [...authors];
}

/** Users whose commands count: write permission (from the permissions API) or an approver team. */
async function authorizedUsers(candidates: string[], config: Config, port: IssuePort, log: Logger): Promise<Set<string>> {
  const authorized = new Set<string>();
  if (candidates.length > MAX_PERMISSION_LOOKUPS) log.warn({ authors: candidates.length }, 'too many command authors in one round; the rest count as without write access');
  for (const login of candidates.slice(0, MAX_PERMISSION_LOOKUPS)) {
    try {
      if (STEERING.test(await port.permissionOf(login))) {
        authorized.add(login);
        continue;
      }
      for (const team of config.policy.approvers.teams) {
        if (await port.isTeamMember(team, login)) {
          authorized.add(login);
          break;
        }
      }
    } catch (error) {
      // Unknown permission means no permission: a failed lookup must never grant rights.
      log.warn({ login, err: (error as Error).message }, 'permission lookup failed');
    }
  }
  return authorized;
}

async function writeConfigProblems(deps: ReconcileDeps, issue: IssueSnapshot, comments: CommentSnapshot[], problems: ConfigProblem[], seal: MarkerSeal): Promise<Write[]> {
  const trusted = trustedState(comments, seal);
  // Without trusted state, the history is folded as unverified (holds kept) before sealing anything:
  // sealing an empty state would make every old command look new.
  const previous: MarkerState = trusted.ok
    ? trusted.state
    : { ...EMPTY_STATE, commands: replayCommands({ comments: comments.map((c) => ({ ...c, edited: false })), requester: issue.author, authorized: new Set(comments.map((c) => c.author)), previous: null, requestHash: null }).state };
  const body = [
    '### ⚠️ Workshop readiness: the app\'s configuration has problems',
    '',
    'This request was not checked yet because `.github/workshop-readiness.yml` is not valid:',
    '',
    ...problems.map((p) => `- \`${p.path.replace(/[`\n]/g, '').slice(0, 120)}\`: ${escapeMarkdown(p.message, 300)}`),
    '',
    'A maintainer of this repository can fix the file. Once fixed, comment `/recompute` (or edit the issue) and this comment turns into the readiness report.',
    '',
    encodeMarker(previous, seal),
  ].join('\n');
  return syncIssue(
    deps.issues,
    { comments, labels: [] },
    { commentBody: body, labels: [], managedLabels: [], labelStyle: () => ({ color: 'ededed', description: '' }), reactions: [], replies: [], notices: [] },
    { dryRun: deps.dryRun ?? false, log: deps.log },
  );
}
