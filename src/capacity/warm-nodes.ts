import { AUTOSCALER_SCAN_SECONDS, RETRY_RANGE_SECONDS, simulateStarts, startsMeetPolicy, START_TIMEOUT_SECONDS, type StartInput } from './timeline.js';
import { duration, percent } from './format.js';
import type { Risk, WaitFigures } from './types.js';

export type StartSetting = Omit<StartInput, 'minNodes' | 'placeholders'>;

/**
 * The fewest warm nodes, each held by a whole-node placeholder, for which at most
 * `maxWaitingFraction` of the attendees wait for a node and no start times out (see
 * `startsMeetPolicy`). More warm nodes never make either worse, so the search gallops from the rule of
 * thumb (arrival rate × time for a new node to take users, in nodes), which is usually within one node,
 * then bisects. When even a warm node for every attendee cannot meet it (the pool's maximum is too
 * low), the policy does not hold.
 */
export function sizeWarmNodes(setting: StartSetting, maxWaitingFraction: number): { warmNodes: number; policyHolds: boolean } {
  const people = Math.max(0, Math.floor(setting.attendees));
  if (people === 0 || setting.usersPerNode < 1) return { warmNodes: 0, policyHolds: true };
  const meets = (warm: number) => startsMeetPolicy({ ...setting, minNodes: warm, placeholders: warm }, maxWaitingFraction);
  const enough = Math.min(Math.ceil(people / setting.usersPerNode), Math.max(0, Math.floor(setting.maxNodes)));
  const guess = Math.min(enough, Math.round(ruleOfThumbSeats(setting) / setting.usersPerNode));
  // Invariant: `tooFew` fails (−1 stands for "below zero"), `fits` meets the policy.
  let tooFew = -1;
  let fits = enough;
  if (meets(guess)) {
    fits = guess;
    for (let step = 1; fits - step > tooFew; step *= 2) {
      if (!meets(fits - step)) {
        tooFew = fits - step;
        break;
      }
      fits -= step;
    }
  } else {
    tooFew = guess;
    for (let step = 1; ; step *= 2) {
      if (tooFew + step >= enough) {
        if (!meets(enough)) return { warmNodes: enough, policyHolds: false };
        break;
      }
      if (meets(tooFew + step)) {
        fits = tooFew + step;
        break;
      }
      tooFew += step;
    }
  }
  while (fits - tooFew > 1) {
    const middle = (tooFew + fits) >> 1;
    if (meets(middle)) fits = middle;
    else tooFew = middle;
  }
  return { warmNodes: fits, policyHolds: true };
}

/** Seats to keep warm by the rule of thumb: arrival rate × (half a scan + time for a new node to take users). */
export function ruleOfThumbSeats(setting: Pick<StartSetting, 'attendees' | 'arrivalWindowSeconds' | 'nodeReadySeconds'>): number {
  return Math.ceil((setting.attendees / setting.arrivalWindowSeconds) * (AUTOSCALER_SCAN_SECONDS / 2 + setting.nodeReadySeconds));
}

/**
 * The start risks of a plan, from the same figures the plan shows: the policy not met even with
 * warm nodes, and JupyterHub's spawn limit turning people away.
 */
export function startRisks(input: { setting: StartSetting; warmNodes: number; policyHolds: boolean; withReadyMode: WaitFigures; maxWaitingFraction: number; arrivalWindowMinutes: number }): Risk[] {
  const { setting, withReadyMode: warm } = input;
  const risks: Risk[] = [];
  if (!input.policyHolds && warm.peopleWithoutServer > 0) {
    risks.push({
      code: 'slow-start',
      severity: 'warning',
      message: `Even with ${input.warmNodes} warm nodes, ${warm.peopleWithoutServer} of ${setting.attendees} attendees would get no server at all: the pool's maximum of ${setting.maxNodes} nodes for this workshop holds ${setting.maxNodes * setting.usersPerNode} people. Raise it, or use a bigger instance type.`,
    });
  } else if (!input.policyHolds) {
    const failed = warm.failedStarts ? `, and ${warm.peopleWithFailedStart} would see their start fail after ${duration(START_TIMEOUT_SECONDS)} and have to start again` : '';
    risks.push({
      code: 'slow-start',
      severity: 'warning',
      message: `Even with ${input.warmNodes} warm nodes, ${percent(warm.shareWaitingForNode)} of attendees would wait for a node (the longest ${duration(warm.maxWaitSeconds)})${failed}; the policy allows ${percent(input.maxWaitingFraction)}. The pool's maximum of ${setting.maxNodes} nodes for this workshop leaves no room for more warm nodes: raise it, or spread the arrivals.`,
    });
  }
  // With people left without a server the pool, not the spawn limit, is what to fix.
  if (warm.peopleRefused > 0 && warm.peopleWithoutServer === 0) {
    const unthrottled = simulateStarts({ ...setting, concurrentSpawnLimit: Number.MAX_SAFE_INTEGER, minNodes: input.warmNodes, placeholders: input.warmNodes });
    risks.push({
      code: 'spawn-limit',
      severity: 'warning',
      message: `${setting.attendees} people starting within ${input.arrivalWindowMinutes} min need up to ${unthrottled.peakSpawnsInFlight} starts at once, above JupyterHub's concurrent_spawn_limit of ${setting.concurrentSpawnLimit}: even with ready mode, ${warm.peopleRefused} of them (${percent(warm.peopleRefused / setting.attendees)}) would be told "too many users trying to log in" (HTTP 429) and have to try again ${RETRY_RANGE_SECONDS[0]}–${RETRY_RANGE_SECONDS[1]} s later, so some wait ${duration(warm.maxWaitSeconds)}. Raise the limit to at least ${unthrottled.peakSpawnsInFlight} for the event, or stagger the start.`,
    });
  }
  return risks;
}
