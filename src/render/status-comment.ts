import { DateTime } from 'luxon';
import type { Config } from '../config/schema.js';
import { fmtGiB } from '../capacity/allocatable.js';
import type { Plan } from '../capacity/types.js';
import { ASSUMPTION_KEYS, MAX_COMMANDS_PER_COMMENT } from '../workshop/commands.js';
import { replyMarker, type MarkerState } from '../workshop/marker.js';
import type { Readiness, Stage } from '../workshop/readiness.js';
import type { Phase } from '../workshop/lifecycle.js';
import { FIELD_NAMES } from '../workshop/request.js';
import type { Problem, WorkshopRequest } from '../workshop/types.js';
import { escapeMarkdown, safeLogin } from '../text/escape.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { template } from './templates.js';

const STAGE_VIEW: Record<Stage, { emoji: string; name: string }> = {
  'needs-info': { emoji: '📝', name: 'needs information' },
  scoped: { emoji: '🔎', name: 'scoped' },
  modeled: { emoji: '📐', name: 'modeled' },
  'load-tested': { emoji: '🧪', name: 'load-tested' },
  go: { emoji: '🚀', name: 'go' },
};

const ORDER: Stage[] = ['scoped', 'modeled', 'load-tested', 'go'];

export interface StatusView {
  stage: Stage;
  readiness: Readiness;
  problems: Problem[];
  /** Values read from ambiguous text and used: listed for the requester to confirm. */
  confirmations?: Problem[];
  request: WorkshopRequest | null;
  plan: Plan | null;
  assumptions: string[];
  config: Config;
  state: MarkerState;
  /** Where the request is in its life; absent = before the event. */
  phase?: Phase;
  /** After the event with nothing held any more. */
  done?: boolean;
  sections: { loadTest?: string | null; infra?: string | null };
  /** The sealed state marker; always the last thing in the comment. */
  marker: string;
}

/**
 * The most the status comment may hold, marker included: well under GitHub's 65,536-character limit, so
 * no input can make the update fail (and the labels after it never sync).
 */
export const STATUS_COMMENT_BUDGET = 50_000;

/** The single status comment: what we understood, what is missing, the plan, what happens next. */
export function renderStatusComment(view: StatusView): string {
  const { readiness, request, plan } = view;
  const reached = ORDER.indexOf(view.stage);
  const progress = ORDER.map((stage, i) => `${i <= reached ? '✅' : '⬜'} ${stage}`).join(' → ');
  const body = template('status-comment.hbs')({
    stage: STAGE_VIEW[view.stage],
    progress,
    hold: readiness.onHold
      ? {
          by: safeLogin(readiness.onHold.by),
          reason: readiness.onHold.reason ? escapeMarkdown(readiness.onHold.reason, 200) : null,
          liftedBy: view.state.commands.hold?.byEngineer ? 'someone with write access' : 'the requester or someone with write access',
        }
      : null,
    lapsed: readiness.lapsed.map((line) => escapeMarkdown(line, 1200)),
    problems: view.problems.map((p) => ({ field: FIELD_NAMES[p.field] ?? p.field, message: stripFieldPrefix(p, escapeMarkdown(p.message, 400)) })),
    confirmations: (view.confirmations ?? []).map((p) => ({ field: FIELD_NAMES[p.field] ?? p.field, message: stripFieldPrefix(p, escapeMarkdown(p.message, 400)) })),
    understood: request ? understood(request, view.config) : [],
    assumptions: view.assumptions.map((a) => escapeMarkdown(a, 300)),
    planMarkdown: plan && request ? renderPlanMarkdown(plan, { timeZone: request.timeZone }) : '',
    loadTest: view.sections.loadTest ?? runningLine(view.state) ?? loadTestLine(readiness),
    infra: view.sections.infra ?? null,
    next: nextStep(view),
    assumptionKeys: ASSUMPTION_KEYS.join(', '),
  });
  return withinBudget(body.replace(/\n{3,}/g, '\n\n'), view.marker);
}

/** The visible text and the marker, cut (never the marker) when they would pass the budget. */
function withinBudget(visible: string, marker: string): string {
  const room = STATUS_COMMENT_BUDGET - marker.length - 2;
  if (visible.length <= room) return `${visible}\n${marker}`;
  const note = '\n\n_… the rest of this report was cut to stay under GitHub\'s comment size limit._\n\n';
  return `${visible.slice(0, room - note.length)}${note}${marker}`;
}

/** Problem messages already start with the field name; the template shows it in bold, so drop it once. */
function stripFieldPrefix(problem: Problem, message: string): string {
  const name = FIELD_NAMES[problem.field];
  if (!name) return message;
  const escapedName = escapeMarkdown(name);
  for (const prefix of [`${escapedName}: `, `${escapedName} is `]) {
    if (message.startsWith(prefix)) return prefix.endsWith('is ') ? message.slice(escapedName.length + 1) : message.slice(prefix.length);
  }
  return message;
}

/**
 * "Wed 10 Mar 2027, 09:00 CST". Named offsets cost luxon an Intl round trip each; every reconcile of a
 * request formats the same two instants again, so the last few are remembered (a pure function of its input).
 */
const localTimes = new Map<string, string>();
function localTime(iso: string, zone: string): string {
  const key = `${iso} ${zone}`;
  let text = localTimes.get(key);
  if (text === undefined) {
    text = DateTime.fromISO(iso, { zone }).toFormat('ccc d LLL yyyy, HH:mm ZZZZ');
    if (localTimes.size >= 512) localTimes.clear();
    localTimes.set(key, text);
  }
  return text;
}

function understood(request: WorkshopRequest, config: Config): Array<{ name: string; value: string }> {
  const zone = request.timeZone;
  const when = (iso: string) => localTime(iso, zone);
  const hub = config.hubs[request.hub];
  const rows: Array<[string, string | null]> = [
    ['Hub', `${request.hub}${hub?.url ? ` (${hub.url})` : ''} on cluster ${hub?.cluster ?? '?'}`],
    ['Community', request.community],
    ['Contact', request.contact],
    ['First day starts', when(request.start)],
    ['Last day ends', when(request.end)],
    ['Daily hours', dailyHoursText(request)],
    ['Peak simultaneous attendees', String(request.attendees)],
    ['Per user', `${request.cpuGuarantee} CPU, ${fmtGiB(request.memoryGuaranteeBytes)} guaranteed (limits ${request.cpuLimit} CPU, ${fmtGiB(request.memoryLimitBytes)})`],
    ['GPU', request.gpu ? 'yes' : 'no'],
    ['Image', request.image],
    ['Data per attendee', request.dataPerUserGB === null ? null : `${request.dataPerUserGB} GB${request.dataSource ? ` from ${request.dataSource}` : ''}`],
    ['Dask', request.dask ? 'yes' : 'no'],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== null).map(([name, value]) => ({ name, value: escapeMarkdown(value, 200) }));
}

/** "13:00–16:00 (America/Los_Angeles), Tue and Thu only", "22:00–02:00 the next day (…)". */
function dailyHoursText(request: WorkshopRequest): string {
  const { start, end } = request.dailyHours;
  const days = request.weekdays?.length ? `, ${request.weekdays.map((d) => ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][d - 1]).join(', ')} only` : '';
  return `${start}–${end}${end <= start ? ' the next day' : ''} (${request.timeZone})${days}`;
}

function runningLine(state: MarkerState): string | null {
  const test = state.loadTest;
  if (!test || test.status !== 'running') return null;
  return `🧪 Running (run \`${test.runId.replace(/[^\w-]/g, '')}\`, started ${test.startedAt}): ${escapeMarkdown(test.summary, 200)}`;
}

function loadTestLine(readiness: Readiness): string | null {
  const test = readiness.loadTest;
  if (!test) return null;
  const who = test.by ? ` recorded by ${safeLogin(test.by)}` : '';
  return `${test.passed ? '✅ Passed' : '❌ Failed'} (${test.source}${who}): ${escapeMarkdown(test.summary, 300)}`;
}

function nextStep(view: StatusView): string {
  if (view.phase === 'after') {
    return view.done
      ? 'The event is over and nothing is held for it any more. Close this issue when you are done with it.'
      : 'The event is over. The scale-down PR above returns the pool to the values it had before ready mode; once it is merged, this request is done.';
  }
  if (view.readiness.onHold) return 'The request is on hold. Nothing advances until it is resumed with `/unhold`.';
  if (view.phase === 'during' && view.stage === 'go') {
    return 'The event is under way on the approved plan; each day the app checks that the warm nodes are there. After the last day it opens the scale-down PR.';
  }
  const blocking = view.plan?.risks.filter((r) => r.severity === 'blocking') ?? [];
  switch (view.stage) {
    case 'needs-info':
      return 'Once the items above are fixed in the issue description, we compute the capacity plan. No need to comment: edits are picked up.';
    case 'scoped':
      return blocking.length
        ? `The plan has ${blocking.length} blocking risk${blocking.length > 1 ? 's' : ''} (marked ⛔ above). The hub team resolves ${blocking.length > 1 ? 'them' : 'it'} (a quota increase, a bigger pool, or \`/assume\`), then \`/recompute\`.`
        : 'The plan is being computed; comment `/recompute` if this does not change.';
    case 'modeled':
      return 'The plan fits. Next, the hub team runs a load test (`/loadtest`) to confirm the cluster scales as planned.';
    case 'load-tested':
      return view.readiness.approval
        ? 'Load test passed and approved.'
        : 'The load test passed. Next, an engineer other than the requester reviews the plan and comments `/approve`.';
    case 'go':
      return 'Approved. The ready-mode infrastructure pull request is the last step; it is merged before the pre-warm lead of the first day, and scaled down after the event.';
  }
}

export interface ReplyView {
  commentId: number;
  author: string;
  /** Refused commands and why; the reason may quote what the user wrote, so it is escaped here. */
  refusals: Array<{ command: string; reason: string }>;
  help: boolean;
  /** The comment held more commands than are read from one comment. */
  capped?: boolean;
  authorized: boolean;
  isRequester: boolean;
}

/** A reply to a command comment: why commands were refused, and/or the commands this user may run. */
export function renderReply(view: ReplyView): string {
  const lines = [`@${safeLogin(view.author)}`, ''];
  if (view.refusals.length) {
    lines.push(...view.refusals.map((r) => `- \`${r.command.replace(/[^\w /%|=.<>[\]-]/g, '')}\` was not applied: ${escapeMarkdown(r.reason, 300)}.`), '');
  }
  if (view.capped) lines.push(`Only the first ${MAX_COMMANDS_PER_COMMENT} commands of a comment are read.`, '');
  if (view.help) {
    const mine = ['`/recompute`', '`/help`'];
    if (view.authorized || view.isRequester) mine.push('`/hold [reason]`', '`/unhold`');
    if (view.authorized) mine.push('`/assume <key>=<value>`', '`/loadtest [n%]`', '`/loadtest pass|fail <evidence>`', '`/approve cancel`');
    if (view.authorized && !view.isRequester) mine.push('`/approve`');
    lines.push(`Commands you may run here: ${mine.join(', ')}.`, '');
  }
  lines.push(replyMarker(view.commentId));
  return lines.join('\n');
}
