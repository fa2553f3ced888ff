import { ASSUMPTION_KEYS, parseCommands, type AssumptionKey, type Command } from './commands.js';
import type { AcknowledgedCommand } from './marker.js';
import { parseCount, parseCpu, parseMemory, parseSizeGB } from './values/index.js';

/**
 * Replays every command of an issue's history, in order, on every reconcile: the stage is derived,
 * never stored. Pure: permissions are looked up beforehand and passed in.
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
  /** Commands already seen, by comment id, with the hashes they were bound to. */
  acknowledged: Record<string, AcknowledgedCommand>;
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
  /** First time this comment is seen: reactions and replies are owed. */
  isNew: boolean;
}

export interface Binding {
  by: string;
  commentId: number;
  at: string;
  /** Plan hash the command was bound to; null = new, bound to the current plan. */
  planHash: string | null;
}

export interface Assumption {
  key: AssumptionKey;
  value: number | string;
  text: string;
  by: string;
  commentId: number;
}

export interface Replay {
  outcomes: Outcome[];
  assumptions: Assumption[];
  /** Assumptions made for an earlier version of the request. */
  lapsedAssumptions: Assumption[];
  hold: { by: string; reason: string | null; commentId: number } | null;
  approval: Binding | null;
  manualLoadTest: (Binding & { passed: boolean; evidence: string }) | null;
  /** A new `/loadtest` to run now. */
  loadTestRequested: { by: string; commentId: number; fraction: number | null } | null;
  /** Commands per comment, to record in the marker as acknowledged. */
  acknowledged: Record<string, AcknowledgedCommand>;
}

/** Replays the history. `planHash` binds new approvals and results; the caller passes the current one. */
export function replayCommands(input: ReplayInput, currentPlanHash: string | null): Replay {
  const replay: Replay = {
    outcomes: [],
    assumptions: [],
    lapsedAssumptions: [],
    hold: null,
    approval: null,
    manualLoadTest: null,
    loadTestRequested: null,
    acknowledged: {},
  };
  for (const comment of input.comments) {
    if (comment.authorIsBot) continue;
    const known = input.acknowledged[String(comment.id)];
    // Edited comments keep the commands first seen; an edit never adds a command.
    const lines = known ? known.lines : comment.edited ? [] : commandLines(comment.body);
    if (!lines.length) continue;
    const binding = known ?? { lines, planHash: currentPlanHash, requestHash: input.requestHash };
    replay.acknowledged[String(comment.id)] = binding;
    for (const command of parseCommands(lines.join('\n'))) {
      const verdict = judge(command, comment, input, replay);
      replay.outcomes.push({ commentId: comment.id, author: comment.author, command, verdict, isNew: !known });
      if (verdict.status === 'accepted') apply(command, comment, binding, !known, input, replay);
    }
  }
  return replay;
}

function commandLines(body: string): string[] {
  return parseCommands(body).length ? body.replace(/\r\n?/g, '\n').split('\n').filter((l) => l.startsWith('/')) : [];
}

const NEEDS_WRITE = 'needs write access to the repository or membership of an approver team';

function judge(command: Command, comment: CommentInput, input: ReplayInput, replay: Replay): Verdict {
  const authorized = input.authorized.has(comment.author);
  const isRequester = comment.author === input.requester;
  switch (command.kind) {
    case 'invalid':
      return { status: 'refused', reason: command.reason };
    case 'help':
    case 'recompute':
      return { status: 'accepted' };
    case 'hold':
    case 'unhold':
      return authorized || isRequester ? { status: 'accepted' } : { status: 'refused', reason: `/${command.kind} ${NEEDS_WRITE}, or being the requester` };
    case 'approve':
      if (!authorized) return { status: 'refused', reason: `/approve ${NEEDS_WRITE}` };
      if (isRequester) return { status: 'refused', reason: 'the requester cannot approve their own workshop; another engineer must' };
      if (replay.hold) return { status: 'refused', reason: 'the request is on hold; /unhold first' };
      return { status: 'accepted' };
    case 'loadtest-result':
    case 'loadtest':
      if (!authorized) return { status: 'refused', reason: `/loadtest ${NEEDS_WRITE}` };
      if (replay.hold) return { status: 'refused', reason: 'the request is on hold; /unhold first' };
      if (command.kind === 'loadtest' && input.eventRunning) {
        return { status: 'refused', reason: 'the event is running: placeholder pods now would take nodes from attendees. Record a result by hand with `/loadtest pass|fail <evidence>` if needed' };
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

function apply(command: Command, comment: CommentInput, binding: AcknowledgedCommand, isNew: boolean, input: ReplayInput, replay: Replay): void {
  const bound: Binding = { by: comment.author, commentId: comment.id, at: comment.createdAt, planHash: isNew ? null : binding.planHash };
  switch (command.kind) {
    case 'hold':
      replay.hold = { by: comment.author, reason: command.reason, commentId: comment.id };
      return;
    case 'unhold':
      replay.hold = null;
      return;
    case 'approve':
      replay.approval = bound;
      return;
    case 'approve-cancel':
      replay.approval = null;
      return;
    case 'loadtest-result':
      replay.manualLoadTest = { ...bound, passed: command.passed, evidence: command.evidence };
      return;
    case 'loadtest':
      if (isNew) replay.loadTestRequested = { by: comment.author, commentId: comment.id, fraction: command.fraction };
      return;
    case 'assume': {
      const value = assumptionValue(command.key, command.value);
      if (value === null) return;
      const assumption: Assumption = { key: command.key, value, text: command.value, by: comment.author, commentId: comment.id };
      // A later assumption of the same key replaces the earlier one.
      replay.assumptions = replay.assumptions.filter((a) => a.key !== command.key);
      replay.lapsedAssumptions = replay.lapsedAssumptions.filter((a) => a.key !== command.key);
      if (isNew || binding.requestHash === input.requestHash) replay.assumptions.push(assumption);
      else replay.lapsedAssumptions.push(assumption);
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
