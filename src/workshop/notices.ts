import { DateTime } from 'luxon';
import type { ObservedNode, Plan } from '../capacity/types.js';
import { preflightCheck } from '../kube/preflight.js';
import { safeLogin } from '../text/escape.js';
import type { MarkerState } from './marker.js';
import { heldCostLine } from '../render/plan-markdown.js';
import type { Readiness } from './readiness.js';
import { eventEnd, readyRecord, scaleDownRecord } from './lifecycle.js';
import type { WorkshopRequest } from './types.js';

/**
 * One-time comments driven by the clock (the sweep is what makes them happen without a webhook). Each
 * has a stable key; the sync posts it once, found again by its hidden marker, so replicas and restarts
 * never post it twice.
 */
export interface Notice {
  key: string;
  body: string;
}

/** Days before the start at which a request still missing information gets a reminder. */
export const REMINDER_LEAD_DAYS = [21, 14, 7] as const;

export interface NoticeInput {
  now: string;
  requester: string;
  request: WorkshopRequest | null;
  /** The start as far as it could be read, even when other fields are missing. */
  startHint: string | null;
  plan: Plan | null;
  readiness: Readiness;
  state: MarkerState;
  problems: number;
  /** Live pool figures when the cluster is reachable: the pre-flight check compares them with the plan. */
  observed?: ObservedNode | null;
}

export function noticeMarker(key: string): string {
  return `<!-- workshop-readiness:notice ${key} -->`;
}

export function noticeKey(body: string): string | null {
  return /<!-- workshop-readiness:notice ([\w:.-]+) -->/.exec(body)?.[1] ?? null;
}

/** The nodes' cost for the closing summary: the event's nodes plus ready mode's warm nodes, as the status comment counts them. */
function nodeCost(plan: Plan): string {
  const { workshopUSD, heldUSD } = plan.cost;
  if (workshopUSD === null || heldUSD === null) return '';
  return `, about \\$${(workshopUSD + heldUSD).toFixed(2)} of nodes (\\$${workshopUSD.toFixed(2)} during the event + \\$${heldUSD.toFixed(2)} held warm by ready mode)`;
}

/** The notices due at `now`; the newest reminder only, so a late sweep does not post three at once. */
export function dueNotices(input: NoticeInput): Notice[] {
  const now = DateTime.fromISO(input.now);
  const notices: Notice[] = [];
  const start = input.request?.start ?? input.startHint;

  if (input.readiness.stage === 'needs-info' && start) {
    const daysLeft = DateTime.fromISO(start).diff(now, 'days').days;
    const due = REMINDER_LEAD_DAYS.filter((lead) => daysLeft <= lead && daysLeft > 0).at(-1);
    if (due !== undefined) {
      notices.push({
        key: `reminder:${due}d`,
        body: `@${safeLogin(input.requester)} the workshop starts in ${Math.ceil(daysLeft)} day${Math.ceil(daysLeft) === 1 ? '' : 's'} and ${input.problems} item${input.problems === 1 ? ' is' : 's are'} still missing (see the status comment above). Without ${input.problems === 1 ? 'it' : 'them'} we cannot prepare the cluster.\n\n${noticeMarker(`reminder:${due}d`)}`,
      });
    }
  }

  const plan = input.plan;
  const ready = readyRecord(input.state);
  const firstWindow = plan?.readyMode.windows[0];
  if (plan && firstWindow && ready?.state === 'open') {
    const mergeBy = DateTime.fromISO(firstWindow.start);
    // Nodes and images need the lead; warn a day ahead so someone is around to merge.
    if (now >= mergeBy.minus({ days: 1 }) && now < DateTime.fromISO(plan.readyMode.scaleDownAt)) {
      notices.push({
        key: `merge-ready-pr:${ready.number}`,
        body: `⏰ Hub team: the ready-mode PR ${ready.url} is not merged yet and must be by **${mergeBy.setZone(plan.timeZone).toFormat('ccc d LLL HH:mm ZZZZ')}** (the pre-warm lead before the first day). Until it is, the first attendees will wait for nodes.\n\n${noticeMarker(`merge-ready-pr:${ready.number}`)}`,
      });
    }
  }

  // Pre-flight, on each event day from the pre-warm lead: are the planned warm nodes really there?
  // (An unmerged PR is the merge reminder's job; placeholders are not observed yet.)
  if (plan && ready && input.observed) {
    const check = preflightCheck({
      now: input.now,
      windows: plan.readyMode.days,
      leadMinutes: plan.readyMode.leadMinutes,
      // What the approved plan put in place, not what an edit during the event would want.
      plannedMinNodes: input.state.event?.warmNodes ?? plan.readyMode.minNodes,
      plannedPlaceholders: 0,
      observed: { readyNodes: input.observed.readyNodes, placeholdersRunning: 0 },
      readyModePrMerged: true,
    });
    const day = plan.readyMode.days.find((d) => Date.parse(d.end) > now.toMillis())?.start.slice(0, 10);
    if (check.due && check.warnings.length && day) {
      notices.push({ key: `preflight:${day}`, body: `⚠️ Pre-flight check for ${day}: ${check.warnings.join(' ')}\n\n${noticeMarker(`preflight:${day}`)}` });
    }
  }

  // After the event: once, for a request that was approved or had ready mode applied.
  const end = eventEnd(input.state, plan);
  if (end && now >= DateTime.fromISO(end) && (input.readiness.stage === 'go' || ready)) {
    const down = scaleDownRecord(input.state);
    const zone = plan?.timeZone ?? 'UTC';
    notices.push({
      key: 'closing-summary',
      body: [
        '### Workshop finished',
        '',
        `The workshop ended on ${DateTime.fromISO(end).setZone(zone).toFormat('ccc d LLL yyyy HH:mm ZZZZ')}.`,
        ...(plan ? [`- Planned: ${plan.nodes} × ${plan.instanceType} at peak, ${plan.readyMode.minNodes} warm${nodeCost(plan)}.`, `- Ready mode (warm nodes held): ${heldCostLine(plan, zone, '\\$')}.`] : []),
        `- Ready-mode PR: ${ready ? `${ready.url} (${ready.state})` : 'none'}.`,
        `- Scale-down PR: ${down?.state === 'restored' ? 'not needed: the files were already back to their values from before ready mode' : down ? `${down.url} (${down.state})` : ready?.state === 'merged' ? 'being opened' : 'not needed: ready mode was never applied'}.`,
        '',
        'The stage label stays for the record; `readiness: done` is added once nothing is held for the workshop any more. Close this issue once the scale-down is merged.',
        '',
        noticeMarker('closing-summary'),
      ].join('\n'),
    });
  }
  return notices;
}
