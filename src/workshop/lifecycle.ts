import type { Plan } from '../capacity/types.js';
import type { EventRecord, MarkerState, PullRequestRecord } from './marker.js';

/**
 * Where a request is in its life, derived (like the stage) from the trusted marker, the plan and the
 * clock; never stored as such.
 *
 * - before: today's workflow; an edit re-opens review (approvals bound to the old plan lapse).
 * - during: from the first day's pre-warm lead to the end of the last day. The approved plan is frozen
 *   (the marker's `event`): the cluster holds its capacity, and nothing changed now could be prepared in
 *   time, so an edit is shown but does not retract readiness; engineers still can (`/hold`, `/approve cancel`).
 * - after: the scale-down PR restores the values recorded in the ready-mode PR's record, and a closing
 *   summary is posted; once nothing is held any more the request is `done`.
 */
export type Phase = 'before' | 'during' | 'after';

export const readyRecord = (state: Pick<MarkerState, 'pullRequests'>): PullRequestRecord | null =>
  state.pullRequests.find((r) => r.phase === 'ready') ?? null;
export const scaleDownRecord = (state: Pick<MarkerState, 'pullRequests'>): PullRequestRecord | null =>
  state.pullRequests.find((r) => r.phase === 'scale-down') ?? null;

/** The frozen event, once its pre-warm lead has begun; null before (or when nothing was approved). */
export function heldEvent(state: Pick<MarkerState, 'event'>, now: string): EventRecord | null {
  return state.event && Date.parse(now) >= Date.parse(state.event.start) ? state.event : null;
}

/** The event record to keep: the frozen one, else the current plan's while it is approved. */
export function eventRecord(state: Pick<MarkerState, 'event'>, now: string, approved: { planHash: string; plan: Plan } | null): EventRecord | null {
  const held = heldEvent(state, now);
  if (held) return held;
  const firstWindow = approved?.plan.readyMode.windows[0];
  if (!approved || !firstWindow) return null;
  return { planHash: approved.planHash, start: firstWindow.start, end: approved.plan.readyMode.scaleDownAt, warmNodes: approved.plan.readyMode.minNodes };
}

/** When the event ends: as recorded when it was approved or ready mode was applied, else as planned now. */
export function eventEnd(state: Pick<MarkerState, 'event' | 'pullRequests'>, plan: Plan | null): string | null {
  return state.event?.end ?? readyRecord(state)?.scaleDownAt ?? plan?.readyMode.scaleDownAt ?? null;
}

export function phaseOf(state: Pick<MarkerState, 'event' | 'pullRequests'>, plan: Plan | null, now: string): Phase {
  const end = eventEnd(state, plan);
  if (end && Date.parse(now) >= Date.parse(end)) return 'after';
  return heldEvent(state, now) ? 'during' : 'before';
}

/** Ready mode was applied and not yet undone: the warm pool is still held. */
export function scaleDownPending(state: Pick<MarkerState, 'pullRequests'>): boolean {
  const down = scaleDownRecord(state)?.state;
  return readyRecord(state)?.state === 'merged' && down !== 'merged' && down !== 'restored';
}

/** After the event with nothing held any more: the final state managers filter on. */
export function isDone(state: Pick<MarkerState, 'event' | 'pullRequests'>, plan: Plan | null, now: string): boolean {
  return phaseOf(state, plan, now) === 'after' && !scaleDownPending(state);
}
