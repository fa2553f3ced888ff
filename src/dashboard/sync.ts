import { DASHBOARD_TITLE, renderDashboard } from './render.js';
import type { DashboardPort } from './port.js';
import type { WorkshopSummary } from './summary.js';

/**
 * Upserts the dashboard like Renovate's dependency dashboard: created when missing, rewritten in place
 * only when its content changed (the "Updated" line is left out of the comparison, so an unchanged
 * sweep costs no write).
 */
export async function upsertDashboard(port: DashboardPort, workshops: WorkshopSummary[], now: string, dryRun = false): Promise<'created' | 'updated' | 'unchanged'> {
  const body = renderDashboard(workshops, now);
  const existing = await port.find();
  if (!existing) {
    if (!dryRun) await port.create(DASHBOARD_TITLE, body);
    return 'created';
  }
  const withoutStamp = (text: string) => text.replace(/^_Updated [^\n]*_$/m, '');
  if (withoutStamp(existing.body) === withoutStamp(body)) return 'unchanged';
  if (!dryRun) await port.update(existing.number, body);
  return 'updated';
}
