import { clip } from '../text/escape.js';
import { ASSUMPTION_KEYS, MAX_COMMANDS_PER_COMMENT, parseCommands, type AssumptionKey, type Command } from './commands.js';
import { commandStateSchema, type BindingRecord, type CommandState } from './marker.js';
import { parseCount, parseCpu, parseMemory, parseSizeGB } from './values/index.js';

/**
 * Folds the commands of the comments not handled yet into the command state recorded in the marker.
 * A comment is read once: comments up to `handled` are never parsed again, so an edit changes nothing and
 * a refused command stays refused. Pure: permissions are looked up beforehand and passed in.
 */

export interface CommentInput {
  id: number;
  author: string;
  /** Bots, including this app, never steer. */
  authorIsBot: boolean;
  body: string;
  createdAt: string;
  /** Edited after creation: an edit is not a new command. */
  edited: boolean;
}

export interface ReplayInput {
  comments: CommentInput[];
  /** The author: may hold, may not approve their own workshop. */
  requester: string;
  /** Users with write permission or in an approver team. */
  authorized: ReadonlySet<string>;
  /** The command state from a verified marker; null when the marker was missing, unreadable or forged. */
  previous: CommandState | null;
  requestHash: string | null;
  /** The event is running now: placeholder pods would take nodes from attendees. */
  eventRunning?: boolean;
}

export type Verdict = { status: 'accepted' } | { status: 'refused'; reason: string };

export interface Outcome {
  commentId: number;
  author: string;
  command: Command;
  verdict: Verdict;
  /** First time this comment is seen: reactions and replies are owed. Always true; kept for the callers. */
  isNew: boolean;
}

/** A grant as the readiness derivation sees it. */
export type Binding = BindingRecord;

export interface Assumption {
  key: AssumptionKey;
  value: number | string;
  text: string;
  by: string;
  commentId: number;
}

export interface Replay {
  /** Verdicts on the comments read this round (earlier ones were acknowledged before). */
  outcomes: Outcome[];
  assumptions: Assumption[];
  /** Assumptions made for an earlier version of the request. */
  lapsedAssumptions: Assumption[];
  hold: { by: string; reason: string | null; commentId: number; byEngineer: boolean } | null;
  approval: Binding | null;
  manualLoadTest: (Binding & { passed: boolean; evidence: string }) | null;
  /** A new `/loadtest` to run now. */
  loadTestRequested: { by: string; commentId: number; fraction: number | null } | null;
  /** The folded state to record in the marker. */
  state: CommandState;
}

/** The empty command state: nothing handled yet. */
export const NO_COMMANDS: CommandState = commandStateSchema.parse({});

/**
 * Replays the comments after the last handled one. Grants (approval, load-test result) bind to the plan
 * the status comment showed when the comment was written (`state.shown`), not to the plan of today.
 * Without a trusted state every command found is history that cannot be verified: holds still apply
 * (they only restrict), nothing else does, and the count is kept for the comment to say so.
 */
export function replayCommands(input: ReplayInput): Replay {
  const trusted = input.previous !== null;
  const state: CommandState = structuredClone(input.previous ?? NO_COMMANDS);
  const replay: Replay = { outcomes: [], assumptions: [], lapsedAssumptions: [], hold: null, approval: null, manualLoadTest: null, loadTestRequested: null, state };
  const after = state.handled ?? Number.NEGATIVE_INFINITY;
  for (const comment of input.comments) {
    if (comment.id <= after || comment.authorIsBot) continue;
    const commands = parseCommands(comment.body).slice(0, MAX_COMMANDS_PER_COMMENT);
    if (!commands.length) continue;
    // The watermark moves only past comments with commands, so chatter and the app's own comments
    // never change the marker (a redelivered event stays free).
    state.handled = Math.max(state.handled ?? comment.id, comment.id);
    // Edited before it was first seen: what the author first wrote is unknown, so nothing in it counts.
    if (comment.edited) continue;
    for (const command of commands) {
      if (!trusted) {
        if (command.kind === 'hold' && mayHold(comment.author, input)) applyHold(command.reason, comment, input, state);
        else if (command.kind !== 'help' && command.kind !== 'recompute' && command.kind !== 'invalid') state.unverified += 1;
        continue;
      }
      const verdict = judge(command, comment, input, state);
      replay.outcomes.push({ commentId: comment.id, author: comment.author, command, verdict, isNew: true });
      if (verdict.status === 'accepted') apply(command, comment, input, replay);
    }
  }
  replay.hold = state.hold;
  replay.approval = state.approval;
  replay.manualLoadTest = state.manualLoadTest;
  for (const a of state.assumptions) {
    const assumption: Assumption = { key: a.key, value: a.value, text: a.text, by: a.by, commentId: a.commentId };
    if (a.requestHash === input.requestHash) replay.assumptions.push(assumption);
    else replay.lapsedAssumptions.push(assumption);
  }
  return replay;
}

/** The plan the status comment showed at a moment: the latest one shown at or before it. */
export function planShownAt(state: CommandState, at: string): string | null {
  const time = Date.parse(at);
  let plan: string | null = null;
  for (const entry of state.shown) if (Date.parse(entry.since) <= time) plan = entry.plan;
  return plan;
}

const NEEDS_WRITE = 'needs write access to the repository or membership of an approver team';

const mayHold = (author: string, input: ReplayInput) => input.authorized.has(author) || author === input.requester;

function judge(command: Command, comment: CommentInput, input: ReplayInput, state: CommandState): Verdict {
  const authorized = input.authorized.has(comment.author);
  const isRequester = comment.author === input.requester;
  const shown = () => planShownAt(state, comment.createdAt);
  switch (command.kind) {
    case 'invalid':
      return { status: 'refused', reason: command.reason };
    case 'help':
    case 'recompute':
      return { status: 'accepted' };
    case 'hold':
      return mayHold(comment.author, input) ? { status: 'accepted' } : { status: 'refused', reason: `/hold ${NEEDS_WRITE}, or being the requester` };
    case 'unhold':
      // An engineer's hold is lifted only by an engineer: the requester cannot undo the hub team's stop.
      if (state.hold?.byEngineer && !authorized) return { status: 'refused', reason: `the hold was placed by ${state.hold.by} from the hub team; lifting it ${NEEDS_WRITE}` };
      return mayHold(comment.author, input) ? { status: 'accepted' } : { status: 'refused', reason: `/unhold ${NEEDS_WRITE}, or being the requester` };
    case 'approve':
      if (!authorized) return { status: 'refused', reason: `/approve ${NEEDS_WRITE}` };
      if (isRequester) return { status: 'refused', reason: 'the requester cannot approve their own workshop; another engineer must' };
      if (state.hold) return { status: 'refused', reason: 'the request is on hold; /unhold first' };
      if (!shown()) return { status: 'refused', reason: 'no plan was shown in the status comment when this was written; comment /approve again once the plan is there' };
      return { status: 'accepted' };
    case 'loadtest-result':
    case 'loadtest':
      if (!authorized) return { status: 'refused', reason: `/loadtest ${NEEDS_WRITE}` };
      if (state.hold) return { status: 'refused', reason: 'the request is on hold; /unhold first' };
      if (command.kind === 'loadtest-result' && !shown()) return { status: 'refused', reason: 'no plan was shown in the status comment when this was written; record the result again once the plan is there' };
      if (command.kind === 'loadtest' && input.eventRunning) {
        return { status: 'refused', reason: 'the event is running: placeholder pods now would take nodes from attendees. Record a result by hand with /loadtest pass or /loadtest fail and the evidence, if needed' };
      }
      return { status: 'accepted' };
    case 'approve-cancel':
    case 'assume':
      if (!authorized) return { status: 'refused', reason: `${command.kind === 'assume' ? '/assume' : '/approve cancel'} ${NEEDS_WRITE}` };
      if (command.kind === 'assume') {
        const value = assumptionValue(command.key, command.value);
        if (value === null) return { status: 'refused', reason: `"${command.value.slice(0, 40)}" is not a valid value for ${command.key}` };
      }
      return { status: 'accepted' };
  }
}

function applyHold(reason: string | null, comment: CommentInput, input: ReplayInput, state: CommandState): void {
  const previous = state.hold;
  // A requester's /hold on top of an engineer's keeps the engineer's: lifting it still needs an engineer.
  const byEngineer = input.authorized.has(comment.author) || (previous?.byEngineer ?? false);
  state.hold = { by: comment.author, commentId: comment.id, reason: reason ? clip(reason, 200) : null, byEngineer };
}

function apply(command: Command, comment: CommentInput, input: ReplayInput, replay: Replay): void {
  const state = replay.state;
  const bound = (): BindingRecord => ({ by: comment.author, commentId: comment.id, at: comment.createdAt, planHash: planShownAt(state, comment.createdAt), lapsed: false });
  switch (command.kind) {
    case 'hold':
      applyHold(command.reason, comment, input, state);
      return;
    case 'unhold':
      state.hold = null;
      return;
    case 'approve':
      state.approval = bound();
      // A fresh engineer action: the note about commands lost with an unverifiable state has done its job.
      state.unverified = 0;
      return;
    case 'approve-cancel':
      state.approval = null;
      return;
    case 'loadtest-result':
      state.manualLoadTest = { ...bound(), passed: command.passed, evidence: clip(command.evidence, 300) };
      return;
    case 'loadtest':
      replay.loadTestRequested = { by: comment.author, commentId: comment.id, fraction: command.fraction };
      return;
    case 'assume': {
      const value = assumptionValue(command.key, command.value);
      if (value === null) return;
      // A later assumption of the same key replaces the earlier one.
      state.assumptions = state.assumptions.filter((a) => a.key !== command.key);
      state.assumptions.push({ key: command.key, value, text: clip(command.value, 60), by: comment.author, commentId: comment.id, requestHash: input.requestHash });
      return;
    }
    default:
      return;
  }
}

/** The typed value of an assumption, or null when it does not parse. */
export function assumptionValue(key: AssumptionKey, text: string): number | string | null {
  switch (key) {
    case 'attendees': {
      const r = parseCount(text);
      return r.ok ? r.value : null;
    }
    case 'memory': {
      const r = parseMemory(text);
      return r.ok && r.value !== null ? r.value : null;
    }
    case 'cpu': {
      const r = parseCpu(text);
      return r.ok && r.value !== null ? r.value : null;
    }
    case 'image-size-gb':
    case 'data-gb': {
      const r = parseSizeGB(text);
      return r.ok && r.value !== null ? r.value : null;
    }
    case 'instance-type':
      return /^[A-Za-z0-9_.-]{2,40}$/.test(text.trim()) ? text.trim() : null;
  }
}

export { ASSUMPTION_KEYS };
