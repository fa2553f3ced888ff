import type { LabelNames } from '../config/schema.js';
import type { Plan } from '../capacity/types.js';
import type { CommandState, LoadTestRecord } from './marker.js';
import type { Binding, Replay } from './replay.js';
import type { Problem } from './types.js';

/** The readiness stages, in order. `needs-info` is below them all. */
export const STAGES = ['needs-info', 'scoped', 'modeled', 'load-tested', 'go'] as const;
export type Stage = (typeof STAGES)[number];

export interface LoadTestVerdict {
  passed: boolean;
  source: 'manual' | 'automated';
  summary: string;
  by: string | null;
  at: string;
}

export interface Readiness {
  stage: Stage;
  onHold: { by: string; reason: string | null } | null;
  approval: Binding | null;
  loadTest: LoadTestVerdict | null;
  /** Sentences on approvals, results and assumptions that lapsed because the request changed. */
  lapsed: string[];
}

export interface ReadinessInput {
  problems: Problem[];
  plan: Plan | null;
  planHash: string | null;
  replay: Replay;
  automatedLoadTest: LoadTestRecord | null;
  /** What changed in the request since the last reconcile ("attendees 60 → 80"). */
  changes: string[];
  /**
   * The approved plan the event runs on, once its pre-warm lead began (see lifecycle.ts): approvals and
   * results bound to it keep counting, and an edit no longer lowers the stage.
   */
  heldPlanHash?: string | null;
}

/**
 * A grant counts only for the plan it was given for (the current one, or the approved plan an event
 * runs on), and never again once that plan changed.
 */
export function grantCounts(binding: { planHash: string | null; lapsed: boolean } | null, planHashes: Array<string | null>): boolean {
  return binding !== null && !binding.lapsed && binding.planHash !== null && planHashes.includes(binding.planHash);
}

/**
 * Marks the grants given for another plan as lapsed, for the marker: a lapsed grant stays lapsed even
 * if the request is edited back, so only a fresh engineer action counts again.
 */
export function lapseStaleGrants(state: CommandState, loadTest: LoadTestRecord | null, planHashes: Array<string | null>): { commands: CommandState; loadTest: LoadTestRecord | null } {
  const lapse = <T extends { planHash: string | null; lapsed: boolean }>(binding: T | null): T | null =>
    binding && !grantCounts(binding, planHashes) ? { ...binding, lapsed: true } : binding;
  const finished = loadTest && loadTest.status !== 'running' ? lapse(loadTest) : loadTest;
  return { commands: { ...state, approval: lapse(state.approval), manualLoadTest: lapse(state.manualLoadTest) }, loadTest: finished };
}

/**
 * Derives the stage from what the issue says now: a valid request is scoped; a plan without blocking
 * risks is modeled; a passed load test bound to the current plan is load-tested; an approval of the
 * current plan on top of that is go. Sentences here are plain text: the renderer escapes them.
 */
export function deriveReadiness(input: ReadinessInput): Readiness {
  const { replay, planHash } = input;
  const held = input.heldPlanHash ?? null;
  const lapsed: string[] = [];
  const because = input.changes.length ? ` because the request changed (${input.changes.join('; ')})` : ' because the plan changed';
  const current = <T extends Binding>(binding: T | null, what: string): T | null => {
    if (!binding) return null;
    if (grantCounts(binding, [planHash, held])) return binding;
    lapsed.push(
      binding.planHash === null
        ? `The ${what} by ${binding.by} was given when no plan was shown and does not count.`
        : `The ${what} by ${binding.by} was for an earlier plan and no longer counts${binding.lapsed ? '' : because}.`,
    );
    return null;
  };
  for (const assumption of replay.lapsedAssumptions) {
    lapsed.push(`The assumption ${assumption.key}=${assumption.text} by ${assumption.by} was for an earlier version of the request and is no longer used.`);
  }

  const approval = current(replay.approval, 'approval');
  const manual = current(replay.manualLoadTest, 'load-test result');
  const loadTest = latestLoadTest(manual, input.automatedLoadTest, [planHash, held], lapsed, because);
  const onHold = replay.hold ? { by: replay.hold.by, reason: replay.hold.reason } : null;
  if (replay.state.unverified > 0) {
    const n = replay.state.unverified;
    lapsed.push(`The app found no state of its own it could verify (its status comment was missing, edited or unreadable), so ${n} earlier command${n > 1 ? 's were' : ' was'} not applied. Approvals, load-test results and assumptions need a fresh command from an engineer.`);
  }

  let stage: Stage = 'needs-info';
  if (!input.problems.length && input.plan) {
    stage = 'scoped';
    if (!input.plan.risks.some((r) => r.severity === 'blocking')) {
      stage = 'modeled';
      if (loadTest?.passed) stage = approval ? 'go' : 'load-tested';
    }
  }
  if (held && approval && loadTest?.passed) {
    // The event is under way on the approved plan: an edit is shown, but cannot undo what the cluster holds.
    stage = 'go';
    // Changes are measured against the request as approved (its material fields are frozen with the event).
    if (input.changes.length) {
      const what = ` (${input.changes.join('; ')})`;
      lapsed.push(`The request was changed after the event began${what}. Readiness stays on the plan approved before the event: the cluster was prepared for it, and a change cannot be prepared in time now. If the workshop needs more, tell the hub team in a comment.`);
    }
  }
  return { stage, onHold, approval, loadTest, lapsed };
}

function latestLoadTest(
  manual: (Binding & { passed: boolean; evidence: string }) | null,
  automated: LoadTestRecord | null,
  planHashes: Array<string | null>,
  lapsed: string[],
  because: string,
): LoadTestVerdict | null {
  let auto: LoadTestVerdict | null = null;
  if (automated && automated.status !== 'running') {
    if (grantCounts(automated, planHashes)) {
      auto = { passed: automated.status === 'passed', source: 'automated', summary: automated.summary, by: null, at: automated.finishedAt ?? automated.startedAt };
    } else {
      lapsed.push(`The automated load test ${automated.runId} was for an earlier plan and no longer counts${automated.lapsed ? '' : because}.`);
    }
  }
  const hand: LoadTestVerdict | null = manual
    ? { passed: manual.passed, source: 'manual', summary: manual.evidence, by: manual.by, at: manual.at }
    : null;
  if (!auto) return hand;
  if (!hand) return auto;
  return hand.at >= auto.at ? hand : auto;
}

/** The full desired set of this app's labels for a stage. */
export function desiredLabels(readiness: Pick<Readiness, 'stage' | 'onHold'>, names: LabelNames, done = false): string[] {
  const stageLabel: Record<Stage, string> = {
    'needs-info': names.needsInfo,
    scoped: names.scoped,
    modeled: names.modeled,
    'load-tested': names.loadTested,
    go: names.go,
  };
  const labels = [stageLabel[readiness.stage]];
  if (readiness.onHold) labels.push(names.onHold);
  if (done) labels.push(names.done);
  return labels;
}

/** Every label this app manages (to know which to remove). */
export function managedLabels(names: LabelNames): string[] {
  return [names.needsInfo, names.scoped, names.modeled, names.loadTested, names.go, names.onHold, names.done];
}

/** Colour and description for each managed label, used when a label has to be created. */
export function labelStyle(name: string, names: LabelNames): { color: string; description: string } {
  const styles: Array<[string, string, string]> = [
    [names.needsInfo, 'd93f0b', 'Workshop request: the requester needs to add or fix information'],
    [names.scoped, 'c5def5', 'Workshop request: valid and understood'],
    [names.modeled, '1d76db', 'Workshop request: capacity plan fits with no blocking risk'],
    [names.loadTested, '5319e7', 'Workshop request: load test passed for the current plan'],
    [names.go, '0e8a16', 'Workshop request: approved; infrastructure PR opened'],
    [names.onHold, 'fbca04', 'Workshop request: on hold, nothing advances'],
    [names.done, 'bfdadc', 'Workshop request: the event is over and nothing is held for it any more'],
  ];
  const found = styles.find(([label]) => label === name);
  return found ? { color: found[1], description: found[2] } : { color: 'ededed', description: '' };
}
