import type { Probot, ProbotOctokit } from 'probot';
import { othersOnCluster, readRegistry } from '../dashboard/render.js';
import type { DashboardPort } from '../dashboard/port.js';
import { summarise, type WorkshopSummary } from '../dashboard/summary.js';
import { upsertDashboard } from '../dashboard/sync.js';
import type { Clock, IssuePort, Logger } from './ports.js';
import { reconcile, type Adapters, type ConfigLoad, type ReconcileDeps, type ReconcileResult } from './reconcile.js';

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
  /**
   * The same adapters the webhook path has (cluster observation, cluster access, infra repository):
   * a sweep must compute the plan a webhook would, and carry out the commands a webhook would.
   */
  adapters?: Adapters;
  /** Runs a `/loadtest` the sweep accepted, as the webhook path does. */
  startLoadTest?: (issueNumber: number, run: NonNullable<ReconcileResult['loadTestToStart']>) => void;
  /**
   * Closed issues that may still hold a warm pool (the `go` label without `done`): their scale-down is
   * still the app's job.
   */
  listClosedUnfinishedIssues?(go: string, done: string): Promise<Array<{ number: number; title: string }>>;
  /** Bound on the issues one sweep reconciles per repository (API budget). */
  maxIssues?: number;
  /** The same marker key the webhooks use: a sweep with another key would read every state as lost. */
  markerKey?: ReconcileDeps['markerKey'];
  /**
   * Runs one issue's reconcile; the app sends it through its work queue (one writer per issue), which
   * also starts an accepted load test. Defaults to `reconcile` here.
   */
  reconcileIssue?: (issueNumber: number, deps: ReconcileDeps) => Promise<ReconcileResult>;
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
  const open = await deps.listOpenWorkshopIssues([config.labels.workshop]);
  const closed = deps.listClosedUnfinishedIssues ? await deps.listClosedUnfinishedIssues(config.labels.go, config.labels.done) : [];
  const issues = [...open, ...closed].slice(0, deps.maxIssues ?? 100);
  const summaries: WorkshopSummary[] = [];
  const report: SweepReport = { reconciled: 0, failed: 0, writes: 0, dashboard: 'skipped' };
  const run = deps.reconcileIssue ?? ((_number: number, reconcileDeps: ReconcileDeps) => reconcile(deps.configLoad, reconcileDeps));
  for (const issue of issues) {
    try {
      const result = await run(issue.number, {
        issues: deps.issuePort(issue.number),
        clock: deps.clock,
        log: deps.log,
        dryRun: deps.dryRun ?? false,
        repo: deps.repo,
        ...deps.adapters,
        others: async (cluster, number) => othersOnCluster(registry, cluster, number),
        ...(deps.markerKey ? { markerKey: deps.markerKey } : {}),
      });
      if (result.loadTestToStart) deps.startLoadTest?.(issue.number, result.loadTestToStart);
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

/** Closed issues with the `go` label and without `done`, most recently updated first (one page). */
export function closedUnfinishedLister(octokit: Octokit, owner: string, repo: string) {
  return async (go: string, done: string) => {
    const { data } = await octokit.rest.issues.listForRepo({ owner, repo, labels: go, state: 'closed', per_page: 50, sort: 'updated', direction: 'desc' });
    return data
      .filter((issue) => !issue.pull_request && !issue.labels.some((l) => (typeof l === 'string' ? l : l.name) === done))
      .map((issue) => ({ number: issue.number, title: issue.title }));
  };
}

/**
 * Every repository of every installation: the in-process timer and the /sweep endpoint call this.
 * `reapClusters` first deletes expired load-test pods in every cluster the operator granted.
 */
export async function sweepAll(
  app: Probot,
  sweepRepo: (octokit: Octokit, owner: string, repo: string) => Promise<SweepReport>,
  reapClusters?: () => Promise<unknown>,
): Promise<SweepReport> {
  await reapClusters?.();
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
