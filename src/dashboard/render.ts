import { DateTime } from 'luxon';
import { escapeMarkdown } from '../text/escape.js';
import { hiddenJson } from '../workshop/marker.js';
import { template } from '../render/templates.js';
import type { OtherWorkshop } from '../capacity/types.js';
import { workshopSummarySchema, type WorkshopSummary } from './summary.js';
import { z } from 'zod';

const MARKER = /<!-- workshop-readiness:dashboard ([\s\S]*?) -->/;
export const DASHBOARD_TITLE = 'Workshop readiness dashboard';

/** The registry of workshops the dashboard carries (used for overlaps between workshops). */
export function readRegistry(body: string): WorkshopSummary[] {
  const match = MARKER.exec(body);
  if (!match?.[1]) return [];
  try {
    const parsed = z.array(workshopSummarySchema).safeParse(JSON.parse(match[1]));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Other workshops on a cluster from the registry, in the shape the capacity model wants. */
export function othersOnCluster(registry: WorkshopSummary[], cluster: string, exclude: number): OtherWorkshop[] {
  return registry
    .filter((w) => w.cluster === cluster && w.number !== exclude && w.pool && w.instanceType && w.nodes !== null && w.stage !== 'needs-info')
    .map((w) => ({ issueNumber: w.number, title: w.title, pool: w.pool ?? '', instanceType: w.instanceType ?? '', nodes: w.nodes ?? 0, windows: w.windows }));
}

const STAGE_ORDER = ['needs-info', 'scoped', 'modeled', 'load-tested', 'go'];

/** The dashboard issue body: by stage, upcoming, waiting on whom, and a per-cluster calendar. */
export function renderDashboard(workshops: WorkshopSummary[], now: string): string {
  const sorted = [...workshops].sort((a, b) => (a.start ?? '9999').localeCompare(b.start ?? '9999') || a.number - b.number);
  const title = (w: WorkshopSummary) => `#${w.number} ${escapeMarkdown(w.title, 80)}`;
  const day = (iso: string | null) => (iso ? DateTime.fromISO(iso, { setZone: true }).toFormat('ccc d LLL yyyy') : '—');
  const byStage = STAGE_ORDER.map((stage) => {
    const list = sorted.filter((w) => w.stage === stage);
    return { stage, count: list.length, issues: list.map((w) => `#${w.number}${w.onHold ? ' ⏸' : ''}`).join(', ') || '—' };
  });
  // Instants, not strings: the ends carry the workshop's offset, `now` is UTC.
  const notOver = (w: WorkshopSummary) => w.end === null || Date.parse(w.end) >= Date.parse(now);
  const upcoming = sorted
    .filter(notOver)
    .map((w) => ({
      title: title(w),
      dates: w.start ? `${day(w.start)} → ${day(w.end)}` : 'unknown',
      where: w.cluster ? `${w.cluster} / ${w.pool}` : '—',
      nodes: w.nodes === null ? '—' : `${w.nodes} × ${w.instanceType} (${w.warmNodes} warm)`,
      cost: w.costUSD === null ? '—' : `$${w.costUSD.toFixed(0)}`,
      stage: w.stage,
      next: escapeMarkdown(w.next, 80),
    }));
  // A workshop that is over still waits on the engineers while its scale-down is not merged.
  const waiting = (who: WorkshopSummary['waitingOn']) => sorted.filter((w) => w.waitingOn === who && (notOver(w) || who === 'engineers')).map((w) => ({ title: title(w), next: escapeMarkdown(w.next, 80) }));
  const calendar = clusterCalendar(sorted.filter((w) => w.cluster && w.windows.length && w.end !== null && notOver(w)));
  const registry = hiddenJson(sorted);
  return template('dashboard.hbs')({
    updated: DateTime.fromISO(now).toUTC().toFormat("yyyy-LL-dd HH:mm 'UTC'"),
    total: sorted.length,
    plural: sorted.length === 1 ? '' : 's',
    byStage,
    upcoming,
    community: waiting('community'),
    engineers: waiting('engineers'),
    calendar,
    marker: `<!-- workshop-readiness:dashboard ${registry} -->`,
  });
}

/** Per cluster and day: the workshops holding nodes and their total, as a Mermaid gantt and a table. */
function clusterCalendar(workshops: WorkshopSummary[]) {
  const rows: Array<{ day: string; cluster: string; workshops: string; nodes: number }> = [];
  const gantt: string[] = [];
  const clusters = [...new Set(workshops.map((w) => w.cluster ?? ''))].sort();
  for (const cluster of clusters) {
    gantt.push(`    section ${mermaidText(cluster)}`);
    const days = new Map<string, WorkshopSummary[]>();
    for (const w of workshops.filter((x) => x.cluster === cluster)) {
      for (const window of w.windows) {
        const start = DateTime.fromISO(window.start, { setZone: true });
        const end = DateTime.fromISO(window.end, { setZone: true });
        gantt.push(`    issue ${w.number} ${w.nodes} nodes :${start.toUTC().toFormat('yyyy-LL-dd HH:mm')}, ${Math.max(1, Math.round(end.diff(start, 'minutes').minutes))}m`);
        const key = start.toUTC().toISODate() ?? '';
        days.set(key, [...(days.get(key) ?? []), w]);
      }
    }
    for (const [date, list] of [...days].sort(([a], [b]) => a.localeCompare(b))) {
      rows.push({ day: date, cluster: escapeMarkdown(cluster, 60), workshops: list.map((w) => `#${w.number}`).join(', '), nodes: list.reduce((sum, w) => sum + (w.nodes ?? 0), 0) });
    }
  }
  return { gantt: gantt.join('\n'), rows, any: rows.length > 0 };
}

/** Mermaid breaks on `:`, `#` and `;` in names. */
function mermaidText(text: string): string {
  return text.replace(/[:#;%{}<>]/g, ' ').trim() || 'cluster';
}
