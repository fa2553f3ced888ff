import { DateTime } from 'luxon';
import { fmtCpu, fmtGiB } from '../capacity/allocatable.js';
import { offsetOf } from '../capacity/ready-mode.js';
import type { Plan } from '../capacity/types.js';
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
      `Ready mode: **${rm.minNodes} warm node${rm.minNodes === 1 ? '' : 's'}** from ${rm.leadMinutes} min before each day's start, so the first ${rm.seatsToReserve} arrivals do not wait for a node.`,
    '',
    ...risks(plan),
    '',
    '| | |',
    '|---|---|',
    `| Users per node | ${plan.usersPerNode}, bound by ${plan.bindingResource} (${fmtCpu(plan.node.availableCpu)} CPU and ${fmtGiB(plan.node.availableMemoryBytes)} free for users per node) |`,
    `| Nodes at peak | ${plan.nodes}${plan.otherNodes ? ` + ${plan.otherNodes} for overlapping workshops` : ''} |`,
    `| Warm nodes / placeholders | ${rm.minNodes} / ${rm.placeholders.replicas} whole-node pods of ${fmtCpu(rm.placeholders.cpu)} CPU, ${fmtGiB(rm.placeholders.memory)} |`,
    `| Longest wait for a server | ${duration(plan.timeline.waitWithoutReadyMode)} without ready mode, ${duration(plan.timeline.waitWithReadyMode)} with |`,
    `| Attendees waiting for a node | ${pct(plan.timeline.fractionWaiting)} without ready mode, ${pct(plan.timeline.fractionWaitingWithReadyMode)} with |`,
    `| New node ready in | ${duration(plan.timeline.nodeStartSeconds + plan.timeline.imagePullSeconds)} (start ${duration(plan.timeline.nodeStartSeconds)} + image pull ${duration(plan.timeline.imagePullSeconds)}) |`,
    `| Node cost of the workshop | ${usd(plan.cost.workshopUSD)}${plan.cost.pricePerNodeHourUSD !== null ? ` at \\$${plan.cost.pricePerNodeHourUSD.toFixed(3)} per node-hour` : ''} |`,
    `| Ready mode cost | ${usd(plan.cost.readyModeUSD)} in the daily windows, ${usd(plan.cost.continuousUSD)} if held from the first window to the end |`,
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
    `seats to keep warm ≈ arrival rate × time for a node to take users = ${plan.readyMode.seatsToReserve}; warm nodes = ⌈${plan.readyMode.seatsToReserve} ÷ ${perNode}⌉ = ${plan.readyMode.minNodes}`,
  ];
}

/** Mermaid gantt: each day's ready-mode window and the workshop hours, in the workshop's zone. */
function gantt(plan: Plan, zone: string): string[] {
  const local = (iso: string) => DateTime.fromISO(iso).setZone(zone);
  const minutes = (a: string, b: string) => Math.max(1, Math.round((Date.parse(b) - Date.parse(a)) / 60_000));
  const rows = ['```mermaid', 'gantt', `    title Event days and ready mode (${mermaidSafe(zone)})`, '    dateFormat YYYY-MM-DD HH:mm', '    axisFormat %a %d %b'];
  rows.push('    section Ready mode');
  plan.readyMode.windows.forEach((w, i) => rows.push(`    ${plan.readyMode.minNodes} warm nodes, day ${i + 1} :${local(w.start).toFormat('yyyy-LL-dd HH:mm')}, ${minutes(w.start, w.end)}m`));
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
  const [windowStart, windowEnd, dayStart, dayEnd] = [window.start, window.end, day.start, day.end].map(Date.parse) as [number, number, number, number];
  const hour = 3_600_000;
  const first = Math.floor((windowStart + offset * 60_000) / hour) * hour - offset * 60_000 - hour;
  const slots: number[] = [];
  for (let t = first; t <= dayEnd + hour && slots.length < 30; t += hour) slots.push(t);
  const warm = slots.map((t) => (t >= windowStart && t < windowEnd ? plan.readyMode.minNodes : 0));
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
    '| day | ready mode from | workshop | warm nodes | nodes at peak |',
    '|---|---|---|---|---|',
    ...plan.readyMode.days.map((d, i) => {
      const w = plan.readyMode.windows[i];
      return `| ${local(d.start, 'ccc d LLL')} | ${local(w?.start, 'HH:mm')} | ${local(d.start, 'HH:mm')}–${local(d.end, 'HH:mm ZZZZ')} | ${plan.readyMode.minNodes} | ${plan.nodes} |`;
    }),
  ];
}

function mermaidSafe(text: string): string {
  return text.replace(/[:#;%{}<>"]/g, ' ');
}



function pct(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** `\$`: two dollar signs on one line would be read as inline math by GitHub. */
function usd(value: number | null): string {
  return value === null ? 'unknown' : `\\$${value.toFixed(2)}`;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
