/**
 * Pure pre-event check, run on the scheduler tick: in the ready-mode lead before a day's window (and
 * while the window runs, when capacity must still be there) it compares what the plan put in place
 * with what the cluster shows, and says what is missing in words for the status comment.
 */

/** Inputs of `preflightCheck`; times are ISO 8601 strings with an offset. */
export interface PreflightInput {
  now: string;
  /** The event's daily windows. Unparsable windows are skipped: the form validation reports them. */
  windows: Array<{ start: string; end: string }>;
  /** Minutes before a window's start from which ready mode must be in place (policy.readyModeLeadMinutes). */
  leadMinutes: number;
  plannedMinNodes: number;
  plannedPlaceholders: number;
  /** What the cluster shows now; null when it could not be observed (not configured or unreachable). */
  observed: { readyNodes: number; placeholdersRunning: number } | null;
  readyModePrMerged: boolean;
}

/** `due` = now is in a window's lead or inside the window; `warnings` are comment lines. */
export interface PreflightResult {
  due: boolean;
  warnings: string[];
}

function utcClock(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 16)} UTC`;
}

/** The window whose lead or span contains `now` (the earliest one if several do). */
function currentWindow(nowMs: number, input: PreflightInput): { start: number; end: number } | null {
  const leadMs = Math.max(0, input.leadMinutes) * 60_000;
  const windows = input.windows
    .map((w) => ({ start: Date.parse(w.start), end: Date.parse(w.end) }))
    .filter((w) => Number.isFinite(w.start) && Number.isFinite(w.end) && w.end > w.start)
    .filter((w) => w.start - leadMs <= nowMs && nowMs < w.end)
    .sort((a, b) => a.start - b.start);
  return windows[0] ?? null;
}

/**
 * Decides whether the pre-event check is due and what is missing. Never throws: an unreadable `now`
 * yields `due: false` with one warning.
 */
export function preflightCheck(input: PreflightInput): PreflightResult {
  const nowMs = Date.parse(input.now);
  if (!Number.isFinite(nowMs)) return { due: false, warnings: [`pre-event check skipped: "${input.now}" is not a time`] };
  const window = currentWindow(nowMs, input);
  if (!window) return { due: false, warnings: [] };

  const when =
    nowMs < window.start
      ? `the workshop starts in ${Math.ceil((window.start - nowMs) / 60_000)} min (${utcClock(window.start)})`
      : `the workshop is under way (until ${utcClock(window.end)})`;
  const needsCapacity = input.plannedMinNodes > 0 || input.plannedPlaceholders > 0;
  const warnings: string[] = [];

  if (needsCapacity && !input.readyModePrMerged) {
    warnings.push(`The ready-mode PR is not merged and ${when}: merge it now, or users will wait for new nodes.`);
  }
  if (needsCapacity && input.observed === null) {
    warnings.push(
      `Could not read the cluster and ${when}: check by hand that ${input.plannedMinNodes} nodes are Ready and ${input.plannedPlaceholders} user placeholders are Running.`,
    );
  }
  if (input.observed && input.observed.readyNodes < input.plannedMinNodes) {
    warnings.push(
      `Only ${input.observed.readyNodes} of ${input.plannedMinNodes} planned nodes are Ready and ${when}: check the pool's minimum size and the autoscaler.`,
    );
  }
  if (input.observed && input.observed.placeholdersRunning < input.plannedPlaceholders) {
    warnings.push(
      `Only ${input.observed.placeholdersRunning} of ${input.plannedPlaceholders} user placeholders are Running and ${when}: check the hub's userPlaceholder settings and pending pods.`,
    );
  }
  return { due: true, warnings };
}
