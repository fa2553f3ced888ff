import { DateTime } from 'luxon';
import { fmtCpu, fmtGiB } from '../capacity/allocatable.js';
import { duration, percent } from '../capacity/format.js';
import { AUTOSCALER_IDLE_MINUTES, offsetOf } from '../capacity/ready-mode.js';
import { AUTOSCALER_SCAN_SECONDS, RETRY_RANGE_SECONDS, SPAWN_SECONDS } from '../capacity/timeline.js';
import type { Plan, WaitFigures } from '../capacity/types.js';
import { ruleOfThumbSeats } from '../capacity/warm-nodes.js';
import { escapeMarkdown } from '../text/escape.js';


/**
 * The plan in the status comment: a plain-words summary, the numbers, the risks, a Mermaid gantt of
 * the event days and ready-mode windows, a Mermaid xychart of nodes over a day (with a table of the
 * same numbers for screen readers), the arithmetic and the model's assumptions, collapsed.
 */
export function renderPlanMarkdown(plan: Plan, options: { timeZone: string }): string {
  const name = (text: string) => escapeMarkdown(text, 80);
  const lines: string[] = ['#### Capacity plan', ''];
  if (plan.usersPerNode === 0) {
    lines.push(...risks(plan), '');
    return lines.join('\n');
  }
  const rm = plan.readyMode;
  lines.push(
    `**${plan.attendees} people at peak → ${plan.nodes} × ${name(plan.instanceType)}** (${plan.usersPerNode} users per node, ${plan.bindingResource}-bound) on cluster ${name(plan.cluster)}, pool ${name(plan.pool)}. ` +
      `Ready mode: **${rm.minNodes} warm node${rm.minNodes === 1 ? '' : 's'}** (${rm.seatsToReserve} seats) ${rm.followsWindows ? `from ${rm.leadMinutes} min before each day's start to its end (the app scales the placeholders)` : `held from ${rm.leadMinutes} min before the first day's start until the scale-down after the last day`}.`,
    '',
    ...waitStory(plan),
    '',
    ...risks(plan),
    '',
    '| | |',
    '|---|---|',
    `| Users per node | ${plan.usersPerNode}, bound by ${plan.bindingResource} (${fmtCpu(plan.node.availableCpu)} CPU and ${fmtGiB(plan.node.availableMemoryBytes)} free for users per node) |`,
    `| Nodes at peak | ${plan.nodes}${plan.otherNodes ? ` + ${plan.otherNodes} for overlapping workshops` : ''} |`,
    `| Warm nodes / placeholders | ${rm.minNodes} / ${placeholderLine(plan)} |`,
    `| Wait for a server, with ready mode | ${waitCell(plan.timeline.withReadyMode, plan.attendees)} |`,
    `| Wait for a server, without ready mode | ${waitCell(plan.timeline.withoutReadyMode, plan.attendees)} |`,
    `| New node ready in | ${duration(plan.timeline.nodeStartSeconds + plan.timeline.imagePullSeconds)} (start ${duration(plan.timeline.nodeStartSeconds)} + image pull ${duration(plan.timeline.imagePullSeconds)}) |`,
    `| Node cost of the workshop | ${usd(plan.cost.workshopUSD)}${plan.cost.pricePerNodeHourUSD !== null ? ` at \\$${plan.cost.pricePerNodeHourUSD.toFixed(3)} per node-hour` : ''} |`,
    `| Ready mode cost | ${heldCostLine(plan, options.timeZone, '\\$')} |`,
    `| Per user during the event | ${perUserLine(plan)} |`,
    `| Shared storage | ${plan.storage.type ? `${name(plan.storage.type)}, ~${plan.storage.aggregateMiBps ?? '?'} MiB/s: ${plan.storage.perUserMiBps ?? '?'} MiB/s per attendee` : 'not configured'} |`,
    `| Quotas | ${plan.quotas.length ? plan.quotas.map((q) => `${name(q.name)} ${q.needed}/${q.limit} ${q.needed > q.limit ? '⛔' : '✅'}`).join(', ') : 'none configured'} |`,
    `| Starts in | ${plan.leadTimeDays} day${plan.leadTimeDays === 1 ? '' : 's'} |`,
    '',
  );
  lines.push(...gantt(plan, options.timeZone), '', ...dayChart(plan, options.timeZone), '');
  lines.push('<details><summary>How these numbers were computed</summary>', '', ...arithmetic(plan).map((l) => `- ${l}`), '', '</details>', '');
  if (plan.assumptions.length) {
    lines.push('<details><summary>Assumptions of the model</summary>', '', ...plan.assumptions.map((a) => `- ${escapeMarkdown(a, 400)}`), '', '</details>', '');
  }
  return lines.join('\n');
}

function risks(plan: Plan): string[] {
  if (!plan.risks.length) return ['✅ No risks found.'];
  return plan.risks.map((r) => `- ${r.severity === 'blocking' ? '⛔ **Blocking**' : '⚠️'} \`${r.code}\`: ${escapeMarkdown(r.message, 500)}`);
}

function arithmetic(plan: Plan): string[] {
  const perNode = plan.usersPerNode;
  return [
    ...plan.node.arithmetic.map((l) => escapeMarkdown(l, 300)),
    `users per node = min(CPU, memory, pod slots) = ${perNode} (${plan.bindingResource} binds)`,
    `nodes = ⌈${plan.attendees} × (1 + headroom) ÷ ${perNode}⌉ = ${plan.nodes}`,
    ...startArithmetic(plan),
  ];
}

/**
 * How long people wait, in plain words, from the start model's figures (with and without ready
 * mode): the same numbers as the table and the risks.
 */
function waitStory(plan: Plan): string[] {
  const t = plan.timeline;
  const window = `If everyone presses Start within ${Math.round(t.arrivalWindowSeconds / 60)} min`;
  const warm = t.withReadyMode;
  const withIt =
    warm.maxWaitSeconds === 0
      ? `${window}, nobody waits: each server starts in about ${SPAWN_SECONDS} s.`
      : `${window}, ${sharePhrase(warm, plan.attendees)} Waits beyond the usual ${SPAWN_SECONDS} s start: ${duration(warm.meanWaitSeconds)} on average, 95% of people within ${duration(warm.p95WaitSeconds)}, the longest ${duration(warm.maxWaitSeconds)}${warm.shareWaitingOverMinute > 0 ? `; ${percent(warm.shareWaitingOverMinute)} wait more than a minute` : ''}.`;
  const cold = t.withoutReadyMode;
  const nodeTime = t.nodeStartSeconds + t.imagePullSeconds;
  const failing =
    cold.failedStarts > 0
      ? ` ${cold.peopleWithFailedStart} people would see their start **fail** and have to start again: JupyterHub gives up after ${duration(t.startTimeoutSeconds)}, but a new node takes ${duration(nodeTime)} to take users.`
      : '';
  const withoutIt = `Without ready mode, ${cold.shareWaitingForNode === 1 ? 'everyone' : percent(cold.shareWaitingForNode)} would wait for a node, ${duration(cold.meanWaitSeconds)} on average and up to ${duration(cold.maxWaitSeconds)}.${failing}`;
  return [`${withIt} ${withoutIt}`];
}

/** "12% wait for a node." plus the refusals, if any. */
function sharePhrase(figures: WaitFigures, attendees: number): string {
  const node = figures.shareWaitingForNode > 0 ? `${percent(figures.shareWaitingForNode)} wait for a node.` : 'nobody waits for a node.';
  const refused = figures.peopleRefused > 0 ? ` ${figures.peopleRefused} of ${attendees} are told "too many users trying to log in" and must try again.` : '';
  return `${node}${refused}`;
}

/** One table cell: mean, p95, maximum, share over a minute, share waiting for a node; 429s and failures when they happen. */
function waitCell(f: WaitFigures, attendees: number): string {
  const parts = [
    `${duration(f.meanWaitSeconds)} on average, 95% within ${duration(f.p95WaitSeconds)}, longest ${duration(f.maxWaitSeconds)}; ${percent(f.shareWaitingOverMinute)} over a minute`,
    `${percent(f.shareWaitingForNode)} wait for a node`,
  ];
  if (f.peopleRefused) parts.push(`${f.peopleRefused} of ${attendees} refused at first (HTTP 429)`);
  if (f.failedStarts) parts.push(`${f.failedStarts} starts time out (${f.peopleWithFailedStart} people)`);
  if (f.peopleWithoutServer) parts.push(`${f.peopleWithoutServer} get no server`);
  return parts.join('; ');
}

/** The start model's inputs and results, step by step, for the collapsed arithmetic. */
function startArithmetic(plan: Plan): string[] {
  const t = plan.timeline;
  const rm = plan.readyMode;
  const nodeTime = t.nodeStartSeconds + t.imagePullSeconds;
  const perNode = plan.usersPerNode;
  const rate = plan.attendees / t.arrivalWindowSeconds;
  const thumb = ruleOfThumbSeats({ attendees: plan.attendees, arrivalWindowSeconds: t.arrivalWindowSeconds, nodeReadySeconds: nodeTime });
  return [
    `arrivals: ${plan.attendees} people press Start evenly over ${Math.round(t.arrivalWindowSeconds / 60)} min = ${rate.toFixed(2)} per second`,
    `a new node takes users after the autoscaler's next loop (every ${AUTOSCALER_SCAN_SECONDS} s) + node start ${t.nodeStartSeconds} s + image pull ${t.imagePullSeconds} s = up to ${AUTOSCALER_SCAN_SECONDS + nodeTime} s; KubeSpawner gives up on a start after ${t.startTimeoutSeconds} s`,
    `first guess by the rule of thumb: seats to keep warm ≈ arrival rate × time for a node = ${rate.toFixed(2)} × ${AUTOSCALER_SCAN_SECONDS / 2 + nodeTime} s ≈ ${thumb} seats ≈ ${Math.ceil(thumb / perNode)} nodes`,
    `the start model, second by second: JupyterHub runs at most ${t.concurrentSpawnLimit} starts at once (concurrent_spawn_limit; a start holds its slot until the server runs, also while it waits for a node; more clicks get HTTP 429 and retry after ${RETRY_RANGE_SECONDS[0]}–${RETRY_RANGE_SECONDS[1]} s); a user takes a free seat, else evicts a whole-node placeholder, which is re-created and makes the autoscaler ask for a new node; a start not running after ${t.startTimeoutSeconds} s fails and is tried again`,
    `warm nodes = the fewest whole-node placeholders for which at most ${percent(t.maxWaitingShare)} of people wait for a node (the policy) and no start times out, also with the spawn limit raised: ${rm.minNodes} nodes = ${rm.seatsToReserve} seats${t.policyHolds ? '' : ' (the policy cannot be met within the pool maximum)'}`,
    `with ready mode: ${waitCell(t.withReadyMode, plan.attendees)}; the pool holds up to ${t.withReadyMode.peakNodes} nodes while the placeholders stay (users' nodes plus the re-created placeholders)`,
    `without ready mode: ${waitCell(t.withoutReadyMode, plan.attendees)}; the last server runs ${duration(t.withoutReadyMode.lastServerSeconds)} after the first click`,
  ];
}

/**
 * What the ready-mode PR holds, in words: the cost, and the figures it is computed from (nodes × hours ×
 * price, from the merge-by time to the scale-down). The status comment and the PR body both use it, so the
 * two cannot disagree. `dollar` is `\$` in markdown tables (GitHub reads two `$` on a line as math), else `$`.
 */
export function heldCostLine(plan: Plan, zone: string, dollar: '$' | '\\$'): string {
  const { heldNodes, heldHours, heldFrom, heldUntil, heldUSD, pricePerNodeHourUSD } = plan.cost;
  const local = (iso: string) => DateTime.fromISO(iso).setZone(zone).toFormat('ccc d LLL yyyy HH:mm ZZZZ');
  const cost = heldUSD === null ? 'unknown' : `${dollar}${heldUSD.toFixed(2)}`;
  const price = pricePerNodeHourUSD === null ? 'an unknown price (no price for this instance type)' : `${dollar}${pricePerNodeHourUSD.toFixed(3)} per node-hour`;
  const nodes = `${heldNodes} warm node${heldNodes === 1 ? '' : 's'}`;
  if (plan.readyMode.followsWindows) {
    return `${cost} = ${nodes} × ${heldHours} h × ${price}, held in the daily windows only (the app scales the placeholders at each window's start and end; ${AUTOSCALER_IDLE_MINUTES} min per window until the autoscaler removes the idle nodes), from the merge-by time (${local(heldFrom)}) to the scale-down (${local(heldUntil)})`;
  }
  return `${cost} = ${nodes} × ${heldHours} h × ${price}, held without a break from the merge-by time (${local(heldFrom)}) to the scale-down (${local(heldUntil)})`;
}

/** The user placeholders the ready-mode PR sets, shared with the PR body. */
export function placeholderLine(plan: Plan): string {
  const p = plan.readyMode.placeholders;
  return `${p.replicas} whole-node pods of ${fmtCpu(p.cpu)} CPU, ${fmtGiB(p.memory)}`;
}

/** The per-user resources the ready-mode PR sets for the event (guarantee = limit), shared with the PR body. */
export function perUserLine(plan: Plan): string {
  return `${fmtGiB(plan.perUser.memoryGuaranteeBytes)} memory and ${fmtCpu(plan.perUser.cpuGuarantee)} CPU, guarantee = limit (set by the ready-mode PR)`;
}

/** Mermaid gantt: the span ready mode is held (merge-by to scale-down) and the workshop hours, in the workshop's zone. */
function gantt(plan: Plan, zone: string): string[] {
  const local = (iso: string) => DateTime.fromISO(iso).setZone(zone);
  const minutes = (a: string, b: string) => Math.max(1, Math.round((Date.parse(b) - Date.parse(a)) / 60_000));
  const rows = ['```mermaid', 'gantt', `    title Event days and ready mode (${mermaidSafe(zone)})`, '    dateFormat YYYY-MM-DD HH:mm', '    axisFormat %a %d %b'];
  rows.push('    section Ready mode');
  const { heldFrom, heldUntil } = plan.cost;
  if (plan.readyMode.followsWindows) {
    plan.readyMode.windows.forEach((w, i) => rows.push(`    ${plan.readyMode.minNodes} warm nodes, day ${i + 1} :${local(w.start).toFormat('yyyy-LL-dd HH:mm')}, ${minutes(w.start, w.end)}m`));
  } else {
    rows.push(`    ${plan.readyMode.minNodes} warm nodes held :${local(heldFrom).toFormat('yyyy-LL-dd HH:mm')}, ${minutes(heldFrom, heldUntil)}m`);
  }
  rows.push('    section Workshop');
  plan.readyMode.days.forEach((d, i) => rows.push(`    Day ${i + 1} :${local(d.start).toFormat('yyyy-LL-dd HH:mm')}, ${minutes(d.start, d.end)}m`));
  rows.push('```');
  return rows;
}

/** Nodes over the first day, hour by hour: planned (peak after arrivals) and warm (ready mode). */
function dayChart(plan: Plan, zone: string): string[] {
  const window = plan.readyMode.windows[0];
  const day = plan.readyMode.days[0];
  if (!window || !day) return [];
  // Plain instants and the day's own offset: this chart is drawn on every reconcile.
  const offset = offsetOf(day.start);
  const [windowStart, dayStart, dayEnd] = [window.start, day.start, day.end].map(Date.parse) as [number, number, number];
  const hour = 3_600_000;
  const first = Math.floor((windowStart + offset * 60_000) / hour) * hour - offset * 60_000 - hour;
  const slots: number[] = [];
  for (let t = first; t <= dayEnd + hour && slots.length < 30; t += hour) slots.push(t);
  // Without the app following the windows, the warm nodes are held without a break from the merge-by time to the scale-down.
  const [heldFrom, heldUntil] = plan.readyMode.followsWindows ? [windowStart, Date.parse(window.end)] : [Date.parse(plan.cost.heldFrom), Date.parse(plan.cost.heldUntil)];
  const warm = slots.map((t) => (t >= heldFrom && t < heldUntil ? plan.readyMode.minNodes : 0));
  const planned = slots.map((t, i) => (t + hour > dayStart && t < dayEnd ? plan.nodes : (warm[i] ?? 0)));
  const labels = slots.map((t) => `"${new Date(t + offset * 60_000).toISOString().slice(11, 16)}"`);
  const local = (iso: string | undefined, fmt: string) => (iso ? DateTime.fromISO(iso).setZone(zone).toFormat(fmt) : '—');
  return [
    '```mermaid',
    'xychart-beta',
    `    title "Nodes on ${local(day.start, 'ccc d LLL')} (every day alike): planned vs warm"`,
    `    x-axis [${labels.join(', ')}]`,
    `    y-axis "nodes" 0 --> ${Math.max(plan.nodes, 1)}`,
    `    line [${planned.join(', ')}]`,
    `    bar [${warm.join(', ')}]`,
    '```',
    '',
    `| day | workshop | warm nodes (${plan.readyMode.followsWindows ? 'from the window\'s start' : 'held all day'}) | nodes at peak |`,
    '|---|---|---|---|',
    ...plan.readyMode.days.map((d) => `| ${local(d.start, 'ccc d LLL')} | ${local(d.start, 'HH:mm')}–${local(d.end, 'HH:mm ZZZZ')} | ${plan.readyMode.minNodes} | ${plan.nodes} |`),
  ];
}

function mermaidSafe(text: string): string {
  return text.replace(/[:#;%{}<>"]/g, ' ');
}



/** `\$`: two dollar signs on one line would be read as inline math by GitHub. */
function usd(value: number | null): string {
  return value === null ? 'unknown' : `\\$${value.toFixed(2)}`;
}
