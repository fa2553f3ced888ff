import type { Probot, ProbotOctokit } from 'probot';
import { othersOnCluster, readRegistry } from '../dashboard/render.js';
import type { DashboardPort } from '../dashboard/port.js';
import { summarise, type WorkshopSummary } from '../dashboard/summary.js';
import { upsertDashboard } from '../dashboard/sync.js';
import type { Clock, IssuePort, Logger } from './ports.js';
import { reconcile, type ConfigLoad, type ReconcileDeps } from './reconcile.js';

/**
 * The periodic sweep: reconciles every open workshop request so time-based transitions happen
 * without a webhook (reminders, merge reminders, the scale-down PR, the closing summary), then
 * rewrites the dashboard. Safe on several replicas and after a restart: it is the same convergent
 * reconcile as the webhooks.
 */

export interface SweepRepositoryDeps {
  configLoad: ConfigLoad;
  /** Open issues carrying the workshop label (or the app's stage labels), oldest first. */
  listOpenWorkshopIssues(labels: string[]): Promise<Array<{ number: number; title: string }>>;
  issuePort(number: number): IssuePort;
  dashboard: DashboardPort;
  clock: Clock;
  log: Logger;
  dryRun?: boolean;
  repo: string;
  infraRepo?: ReconcileDeps['infraRepo'];
  /** Bound on the issues one sweep reconciles per repository (API budget). */
  maxIssues?: number;
  /** The same marker key the webhooks use: a sweep with another key would read every state as lost. */
  markerKey?: ReconcileDeps['markerKey'];
}

export interface SweepReport {
  reconciled: number;
  failed: number;
  writes: number;
  dashboard: 'created' | 'updated' | 'unchanged' | 'skipped';
}

export async function sweepRepository(deps: SweepRepositoryDeps): Promise<SweepReport> {
  if (deps.configLoad.kind !== 'ok') return { reconciled: 0, failed: 0, writes: 0, dashboard: 'skipped' };
  const { config } = deps.configLoad;
  const registry = readRegistry((await deps.dashboard.find())?.body ?? '');
  const issues = (await deps.listOpenWorkshopIssues([config.labels.workshop])).slice(0, deps.maxIssues ?? 100);
  const summaries: WorkshopSummary[] = [];
  const report: SweepReport = { reconciled: 0, failed: 0, writes: 0, dashboard: 'skipped' };
  for (const issue of issues) {
    try {
      const result = await reconcile(deps.configLoad, {
        issues: deps.issuePort(issue.number),
        clock: deps.clock,
        log: deps.log,
        dryRun: deps.dryRun ?? false,
        repo: deps.repo,
        refreshInfra: true,
        others: async (cluster, number) => othersOnCluster(registry, cluster, number),
        ...(deps.infraRepo ? { infraRepo: deps.infraRepo } : {}),
        ...(deps.markerKey ? { markerKey: deps.markerKey } : {}),
      });
      report.reconciled++;
      report.writes += result.writes.length;
      if (result.evaluation) summaries.push(summarise(issue.number, issue.title, result.evaluation));
    } catch (error) {
      // One broken issue must not stop the others; the next sweep retries it.
      report.failed++;
      deps.log.error({ issue: issue.number, err: (error as Error).message }, 'sweep: reconcile failed');
    }
  }
  report.dashboard = await upsertDashboard(deps.dashboard, summaries, deps.clock.now().toISOString(), deps.dryRun ?? false);
  if (report.dashboard !== 'unchanged' && !deps.dryRun) report.writes++;
  return report;
}

type Octokit = InstanceType<typeof ProbotOctokit>;

/** Lists open issues with any of the labels (one call per label page), skipping pull requests. */
export function openIssuesLister(octokit: Octokit, owner: string, repo: string) {
  return async (labels: string[]) => {
    const seen = new Map<number, { number: number; title: string }>();
    for (const label of labels) {
      const issues = await octokit.paginate(octokit.rest.issues.listForRepo, { owner, repo, labels: label, state: 'open', per_page: 100, sort: 'created', direction: 'asc' });
      for (const issue of issues) if (!issue.pull_request) seen.set(issue.number, { number: issue.number, title: issue.title });
    }
    return [...seen.values()];
  };
}

/** Every repository of every installation: the in-process timer and the /sweep endpoint call this. */
export async function sweepAll(app: Probot, sweepRepo: (octokit: Octokit, owner: string, repo: string) => Promise<SweepReport>): Promise<SweepReport> {
  const total: SweepReport = { reconciled: 0, failed: 0, writes: 0, dashboard: 'unchanged' };
  const appOctokit = await app.auth();
  const installations = await appOctokit.paginate(appOctokit.rest.apps.listInstallations, { per_page: 100 });
  for (const installation of installations) {
    const octokit = await app.auth(installation.id);
    const repos = await octokit.paginate(octokit.rest.apps.listReposAccessibleToInstallation, { per_page: 100 });
    for (const repository of repos) {
      const report = await sweepRepo(octokit, repository.owner.login, repository.name);
      total.reconciled += report.reconciled;
      total.failed += report.failed;
      total.writes += report.writes;
    }
  }
  return total;
}
