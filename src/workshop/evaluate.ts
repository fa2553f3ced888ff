import type { Config } from '../config/schema.js';
import { computePlan } from '../capacity/plan.js';
import type { ObservedNode, OtherWorkshop, Plan } from '../capacity/types.js';
import type { CommentSnapshot, IssueSnapshot, Reaction } from '../pipeline/ports.js';
import { renderStatusComment, renderReply } from '../render/status-comment.js';
import { clip } from '../text/escape.js';
import { describeCommand, MAX_COMMANDS_PER_COMMENT } from './commands.js';
import { readFields, type FormReader } from './form.js';
import { hubHosts } from './hubs.js';
import { describeChanges, materialFields, planHash as hashPlan, requestHash as hashRequest } from './hashes.js';
import { encodeMarker, MATERIAL_VALUE_MAX, repliedTo, type CommandState, type MarkerSeal, type MarkerState, type NodeFigures } from './marker.js';
import { planInputFor } from './plan-input.js';
import { deriveReadiness, desiredLabels, lapseStaleGrants, type Readiness } from './readiness.js';
import { replayCommands, type Outcome, type Replay } from './replay.js';
import { buildRequest } from './request.js';
import { eventRecord, heldEvent, isDone, phaseOf, type Phase } from './lifecycle.js';
import { dueNotices, type Notice } from './notices.js';
import { findTimeZone, parseDateTime } from './values/index.js';
import type { Problem, WorkshopRequest } from './types.js';

/** Everything the pure pipeline reads: the issue, its comments, the config and what adapters observed. */
export interface EvaluateInput {
  issue: IssueSnapshot;
  comments: CommentSnapshot[];
  config: Config;
  form: FormReader;
  now: string;
  /** Users allowed to steer (write permission or approver team), looked up by the adapter. */
  authorized: ReadonlySet<string>;
  others: OtherWorkshop[];
  observed: ObservedNode | null;
  /** `observed` holds the figures last read (the cluster is unreachable now): its Ready nodes are unknown. */
  observedStale?: boolean;
  /** State from the app's own status comment (or the empty state). */
  previous: MarkerState;
  /** Whether `previous` came from a marker that verified; false = missing, unreadable or forged. */
  trusted: boolean;
  /** Key and issue the marker is sealed to. */
  seal: MarkerSeal;
  /** Extra sections produced by adapters this round (load test, infrastructure PR). */
  sections?: { loadTest?: string | null; infra?: string | null };
}

/** The desired state of the issue: what the comment, labels, reactions and replies should be. */
export interface Evaluation {
  request: WorkshopRequest | null;
  problems: Problem[];
  plan: Plan | null;
  planHash: string | null;
  readiness: Readiness;
  /** Where the request is in its life (lifecycle.ts). */
  phase: Phase;
  replay: Replay;
  labels: string[];
  state: MarkerState;
  commentBody: string;
  reactions: Array<{ commentId: number; reaction: Reaction }>;
  replies: Array<{ commentId: number; body: string }>;
  /** Clock-driven one-time comments due now (reminders, merge reminder, closing summary). */
  notices: Notice[];
}

/** The pipeline from DESIGN.md: parse → validate → replay → plan → stage → render. Never throws on bad input. */
export function evaluate(input: EvaluateInput): Evaluation {
  const { issue, config, previous } = input;
  // Once the event's pre-warm lead began, the request is compared with what was approved, not re-judged.
  const held = heldEvent(previous, input.now);
  const { fields, built } = readRequest({ body: issue.body, title: issue.title, config, form: input.form, now: input.now, acceptedStart: previous.material?.start ?? null });
  const request = built.request;
  const reqHash = request ? hashRequest(request) : null;

  const replay = replayCommands({
    comments: input.comments.map((c) => ({
      id: c.id,
      author: c.author,
      authorIsBot: c.authorIsBot,
      body: c.body,
      createdAt: c.createdAt,
      edited: c.updatedAt !== c.createdAt && Date.parse(c.updatedAt) - Date.parse(c.createdAt) > 1000,
    })),
    requester: issue.author,
    authorized: input.authorized,
    previous: input.trusted ? previous.commands : null,
    requestHash: reqHash,
    eventRunning: held !== null && Date.parse(input.now) < Date.parse(held.end),
  });
  const planInput = request ? planInputFor(request, config, replay.assumptions, { now: input.now, others: input.others, observed: input.observed }) : null;
  const plan = planInput ? computePlan(planInput) : null;
  const currentPlanHash = request && reqHash && plan ? hashPlan(reqHash, replay.assumptions, plan) : null;

  const requested = request ? clipValues(materialFields(request)) : null;
  const material = held ? previous.material : (requested ?? previous.material);
  const readiness = deriveReadiness({
    problems: built.problems,
    plan,
    planHash: currentPlanHash,
    replay,
    automatedLoadTest: previous.loadTest,
    changes: requested ? describeChanges(previous.material, requested) : [],
    heldPlanHash: held?.planHash ?? null,
  });
  const approved = readiness.stage === 'go' && !readiness.onHold && plan && currentPlanHash ? { planHash: currentPlanHash, plan } : null;

  const settled = lapseStaleGrants(replay.state, previous.loadTest, [currentPlanHash, held?.planHash ?? null]);
  const state: MarkerState = {
    ...previous,
    stage: readiness.stage,
    planHash: currentPlanHash,
    requestHash: reqHash,
    material,
    commands: { ...settled.commands, shown: withShown(settled.commands.shown, currentPlanHash, input.now) },
    loadTest: settled.loadTest,
    event: eventRecord(previous, input.now, approved),
    nodeFigures: plan && input.observed && !input.observedStale && plan.node.source === 'cluster' ? nodeFigures(plan.cluster, plan.pool, input.observed) : previous.nodeFigures,
  };
  const phase = phaseOf(state, plan, input.now);
  const done = isDone(state, plan, input.now);
  const commentBody = renderStatusComment({
    stage: readiness.stage,
    readiness,
    problems: built.problems,
    confirmations: built.confirmations,
    request,
    plan,
    assumptions: [...(request?.assumptions ?? []), ...replay.assumptions.map((a) => `Engineer assumption by ${a.by}: ${a.key} = ${a.text}.`)],
    config,
    state,
    phase,
    done,
    sections: input.sections ?? {},
    marker: encodeMarker(state, input.seal),
  });

  const notices = dueNotices({
    now: input.now,
    requester: issue.author,
    request,
    // A request that was built carries its start; only an incomplete one needs the start read on its own.
    startHint: request ? null : startHint(fields, input.now),
    plan,
    readiness,
    state,
    problems: built.problems.length,
    observed: input.observedStale ? null : input.observed,
  });

  return {
    request,
    notices,
    problems: built.problems,
    plan,
    planHash: currentPlanHash,
    readiness,
    phase,
    replay,
    labels: desiredLabels(readiness, config.labels, done),
    state,
    commentBody,
    ...acknowledgements(replay.outcomes, input, issue.author),
  };
}

/** The request in an issue body: its fields read (form headings, or labels and prose), then validated. */
export function readRequest(input: { body: string; title: string; config: Config; form: FormReader; now: string; acceptedStart?: string | null }) {
  const read = readFields(input.body, input.form, hubHosts(input.config));
  const built = buildRequest({
    title: input.title,
    fields: read.values,
    config: input.config,
    now: input.now,
    notes: read.confirmations,
    acceptedStart: input.acceptedStart ?? null,
  });
  return { fields: read.values, built };
}

/**
 * 👀 then 👍 for accepted commands; 😕 and one reply for refused ones; a reply for /help. Only for comments
 * read this round, and at most REPLIES_PER_USER_PER_HOUR replies to one person (reactions still say it).
 */
function acknowledgements(outcomes: Outcome[], input: EvaluateInput, requester: string) {
  const reactions: Evaluation['reactions'] = [];
  const replies: Evaluation['replies'] = [];
  const replied = recentReplies(input.comments, input.now);
  const byComment = new Map<number, Outcome[]>();
  for (const outcome of outcomes.filter((o) => o.isNew)) {
    byComment.set(outcome.commentId, [...(byComment.get(outcome.commentId) ?? []), outcome]);
  }
  for (const [commentId, list] of byComment) {
    const refused = list.filter((o) => o.verdict.status === 'refused');
    const author = list[0]?.author ?? '';
    reactions.push({ commentId, reaction: 'eyes' });
    if (list.some((o) => o.verdict.status === 'accepted')) reactions.push({ commentId, reaction: '+1' });
    if (refused.length) reactions.push({ commentId, reaction: 'confused' });
    const refusals = refused.map((o) => ({ command: describeCommand(o.command), reason: o.verdict.status === 'refused' ? o.verdict.reason : '' }));
    const wantsHelp = list.some((o) => o.command.kind === 'help');
    const sent = replied.get(author) ?? 0;
    if ((refusals.length || wantsHelp) && sent < REPLIES_PER_USER_PER_HOUR) {
      replied.set(author, sent + 1);
      const capped = list.length >= MAX_COMMANDS_PER_COMMENT;
      replies.push({ commentId, body: renderReply({ commentId, author, refusals, help: wantsHelp, capped, authorized: input.authorized.has(author), isRequester: author === requester }) });
    }
  }
  return { reactions, replies };
}

/** The plans shown, with the current one appended when it changed (a bounded history). */
function withShown(shown: CommandState['shown'], planHash: string | null, now: string): CommandState['shown'] {
  if (shown.length && shown[shown.length - 1]?.plan === planHash) return shown;
  return [...shown, { plan: planHash, since: now }].slice(-8);
}

/** The start as far as it can be read from an incomplete request; the request's own zone (written with the hours) places a start written without one. */
function startHint(fields: Record<string, string | null>, now: string): string | null {
  const startText = fields.start_date;
  if (!startText) return null;
  const hoursZone = fields.daily_hours ? findTimeZone(fields.daily_hours)?.zone : undefined;
  const start = parseDateTime(startText, { now, defaultZone: hoursZone ?? 'UTC' });
  return start.ok ? start.value.iso : null;
}

function clipValues(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, clip(v, MATERIAL_VALUE_MAX)]));
}

/** Replies one person can cause in an hour: more would let anyone make the app write without limit. */
export const REPLIES_PER_USER_PER_HOUR = 5;

/** How many replies the app wrote to each person in the hour before `now` (its replies start with their @login). */
function recentReplies(comments: CommentSnapshot[], now: string): Map<string, number> {
  const since = Date.parse(now) - 3600_000;
  const counts = new Map<string, number>();
  for (const c of comments) {
    if (!c.byThisApp || repliedTo(c.body) === null || Date.parse(c.createdAt) < since) continue;
    const to = /^@([A-Za-z0-9\-[\]]+)/.exec(c.body)?.[1];
    if (to) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

function nodeFigures(cluster: string, pool: string, observed: ObservedNode): NodeFigures {
  const { allocatableCpu, allocatableMemory, daemonsetCpu, daemonsetMemory, daemonsetPods } = observed;
  return { cluster, pool, allocatableCpu, allocatableMemory, daemonsetCpu, daemonsetMemory, daemonsetPods };
}
