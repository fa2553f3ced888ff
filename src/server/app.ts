import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot, ProbotOctokit } from 'probot';
import { configReader, loadConfig } from '../github/config.js';
import { octokitInfraRepo, type InfraRepoPort } from '../github/infra-repo.js';
import { prMarker } from '../pipeline/infra-pr.js';
import { octokitDashboard } from '../dashboard/port.js';
import { othersOnCluster, readRegistry } from '../dashboard/render.js';
import { httpHandler } from './http.js';
import { Metrics } from './metrics.js';
import { closedUnfinishedLister, openIssuesLister, sweepAll, sweepRepository } from '../pipeline/sweep.js';
import type { Config } from '../config/schema.js';
import { DEFAULT_KUBECONFIG_DIR, operatorClusters } from '../kube/operator.js';
import type { ClusterPort } from '../kube/types.js';
import { progressLine, resultSummary, type LoadTestUpdate } from '../pipeline/loadtest.js';
import { issueSnapshot, octokitIssuePort, type RestComment, type RestIssue } from '../github/issue-port.js';
import type { Clock, IssueSnapshot } from '../pipeline/ports.js';
import { mightBeWorkshopRequest, reconcile, type Adapters, type ReconcileResult } from '../pipeline/reconcile.js';
import { parseCommands } from '../workshop/commands.js';
import { deriveMarkerKey } from '../workshop/marker.js';
import type { ShutdownHooks } from './shutdown.js';

export interface AppOptions {
  /** This app's id, to recognise its own comments (defaults to env APP_ID). */
  appId?: number;
  clock?: Clock;
  /** Compute and log every write without making it (defaults to env DRY_RUN=1). */
  dryRun?: boolean;
  metrics?: Metrics;
  /** Minutes between in-process sweeps; 0 = off (defaults to env SWEEP_INTERVAL_MINUTES, else 15). */
  sweepIntervalMinutes?: number;
  /** Bearer token for POST /sweep (defaults to env SWEEP_TOKEN; unset = endpoint off). */
  sweepToken?: string | null;
  /** Secret the state-marker key is derived from (defaults to env WEBHOOK_SECRET, else PRIVATE_KEY). */
  markerSecret?: string;
  /** Where work that must finish before the process exits registers (the server entry's SIGTERM handling). */
  shutdown?: ShutdownHooks;
}

const systemClock: Clock = { now: () => new Date() };


/** The Probot app: wires events to the one reconcile path and logs every event it ignores, with why. */
export function createApp(options: AppOptions = {}): ApplicationFunction {
  const appId = options.appId ?? (process.env.APP_ID ? Number(process.env.APP_ID) : null);
  const clock = options.clock ?? systemClock;
  const dryRun = options.dryRun ?? process.env.DRY_RUN === '1';
  const metrics = options.metrics ?? new Metrics();
  const sweepIntervalMinutes = options.sweepIntervalMinutes ?? Number(process.env.SWEEP_INTERVAL_MINUTES ?? 15);
  const sweepToken = options.sweepToken === undefined ? (process.env.SWEEP_TOKEN ?? null) : options.sweepToken;
  // Derived once at start-up; without a secret the app refuses to start rather than seal with a public key.
  const markerKey = deriveMarkerKey(options.markerSecret ?? process.env.WEBHOOK_SECRET ?? process.env.PRIVATE_KEY ?? '');

  return (app: Probot, { addHandler }: ApplicationFunctionOptions) => {
    type Octokit = InstanceType<typeof ProbotOctokit>;

    /** The infra repository: through the event's installation when it covers it, else the repository's own. */
    const infraRepoFor = (octokit: Octokit, installationOwner: string) => async (fullName: string): Promise<InfraRepoPort | null> => {
      const [owner, repo] = fullName.split('/');
      if (!owner || !repo) return null;
      if (owner === installationOwner) return octokitInfraRepo(octokit, owner, repo);
      try {
        const appOctokit = await app.auth();
        const { data } = await appOctokit.rest.apps.getRepoInstallation({ owner, repo });
        return octokitInfraRepo(await app.auth(data.id), owner, repo);
      } catch {
        return null;
      }
    };

    /** Counts every GitHub call and keeps the rate-limit figure, for /metrics and the bench. */
    const instrument = (octokit: Octokit, installation: string) => {
      octokit.hook.after('request', (response, request) => {
        metrics.inc('workshop_readiness_github_requests_total', { method: request.method, status: String(response.status) });
        const remaining = Number(response.headers['x-ratelimit-remaining']);
        if (!Number.isNaN(remaining)) metrics.set('workshop_readiness_github_rate_limit_remaining', { installation }, remaining);
      });
      octokit.hook.error('request', async (error, request) => {
        const failure = error as { status?: number; message?: string; response?: { headers?: Record<string, string | undefined> } };
        metrics.inc('workshop_readiness_github_requests_total', { method: request.method, status: String(failure.status ?? 'error') });
        // Probot's throttling only logs secondary rate limits; writes must not be lost to them, so
        // wait what GitHub asks (bounded) and try again, twice at most.
        const attempt = Number((request.request as { secondaryRetry?: number } | undefined)?.secondaryRetry ?? 0);
        if ((failure.status === 403 || failure.status === 429) && /secondary rate/i.test(failure.message ?? '') && attempt < 2) {
          const seconds = Math.min(60, Number(failure.response?.headers?.['retry-after']) || 60);
          await new Promise((done) => setTimeout(done, seconds * 1000));
          return octokit.request({ ...request, request: { ...request.request, secondaryRetry: attempt + 1 } } as never);
        }
        throw error;
      });
      return octokit;
    };

    /**
     * Cluster access is the operator's (CLUSTER_ACCESS_FILE, kubeconfigs under KUBECONFIG_DIR):
     * repository config only chooses among what it grants. Leftover load-test pods are reaped now.
     */
    const clusters = operatorClusters({ accessFile: process.env.CLUSTER_ACCESS_FILE ?? null, kubeconfigDir: process.env.KUBECONFIG_DIR ?? DEFAULT_KUBECONFIG_DIR, logger: app.log });
    void clusters.reapAll();
    const clusterPort = (config: Config, clusterName: string, repository: string): ClusterPort | null => clusters.portFor(config, clusterName, repository);

    /** What a reconcile can reach besides the issue: one set for webhooks and the sweep alike. */
    const adaptersFor = (octokit: Octokit, owner: string, repo: string, config: Config | null): Adapters => {
      const dashboard = octokitDashboard(octokit, owner, repo, appId);
      return {
        infraRepo: infraRepoFor(octokit, owner),
        others: async (cluster, number) => othersOnCluster(readRegistry((await dashboard.find())?.body ?? ''), cluster, number),
        hasCluster: (name) => config !== null && clusterPort(config, name, `${owner}/${repo}`) !== null,
        clusterAccessProblem: (name) => {
          const decision = config ? clusters.decide(config, name, `${owner}/${repo}`) : null;
          return decision && !decision.ok ? decision.reason : null;
        },
        placeholders: (name) => (config ? clusters.placeholdersFor(config, name, `${owner}/${repo}`) : null),
        observe: async (clusterName, poolName) => {
          const pool = config?.clusters[clusterName]?.pools[poolName];
          const port = config && pool ? clusterPort(config, clusterName, `${owner}/${repo}`) : null;
          return port && pool ? port.observePool(pool) : null;
        },
      };
    };

    /** Runs an accepted `/loadtest`: minutes long, so after the event is answered; progress and the result come back as reconciles. */
    const startLoadTest = (octokit: Octokit, ref: { owner: string; repo: string; issue_number: number }, log: Context['log'], config: Config | null, run: NonNullable<ReconcileResult['loadTestToStart']>) => {
      const cluster = config ? clusterPort(config, run.clusterName, `${ref.owner}/${ref.repo}`) : null;
      if (!cluster) return;
      const update = (u: LoadTestUpdate) => reconcileIssue(octokit, ref, log, undefined, u);
      void cluster
        .runLoadTest(run.spec, (progress) => update({ runId: run.spec.runId, status: 'running', summary: progressLine(progress) }).then(() => undefined))
        .then((outcome) => update({ runId: run.spec.runId, status: outcome.passed ? 'passed' : 'failed', summary: resultSummary(outcome), finishedAt: clock.now().toISOString() }))
        .catch((error: Error) => log.error({ err: error.message, run: run.spec.runId }, 'load test failed to report'));
    };

    /** One reconcile of one issue, for any event. */
    const reconcileIssue = async (
      octokit: Octokit,
      ref: { owner: string; repo: string; issue_number: number },
      log: Context['log'],
      refreshInfra?: boolean,
      loadTestUpdate?: LoadTestUpdate,
    ): Promise<unknown> => {
      const started = performance.now();
      const configLoad = await loadConfig(configReader(octokit, ref.owner, ref.repo));
      const config = configLoad.kind === 'ok' ? configLoad.config : null;
      const port = octokitIssuePort(octokit, ref, appId);
      try {
        const result = await reconcile(configLoad, {
          issues: port,
          markerKey,
          clock,
          log,
          dryRun,
          repo: `${ref.owner}/${ref.repo}`,
          ...adaptersFor(octokit, ref.owner, ref.repo, config),
          ...(refreshInfra !== undefined ? { refreshInfra } : {}),
          ...(loadTestUpdate ? { loadTestUpdate } : {}),
        });
        if (result.loadTestToStart) startLoadTest(octokit, ref, log, config, result.loadTestToStart);
        if (result.skipped) log.debug({ reason: result.skipped }, 'ignored');
        for (const write of result.writes) metrics.inc('workshop_readiness_writes_total', { kind: write.kind });
        metrics.recordStage(`${ref.owner}/${ref.repo}#${ref.issue_number}`, result.stage);
        metrics.observeReconcile((performance.now() - started) / 1000);
        return result;
      } catch (error) {
        // Never a stack trace in a comment: the error goes to the logs and the event is failed so
        // GitHub shows it in the delivery log; the next event or sweep converges.
        log.error({ err: error }, 'reconcile failed');
        throw error;
      }
    };

    // The payload only decides whether the event is worth a look; reconcile reads the issue afresh.
    const run = async (context: Context<'issues' | 'issue_comment'>, hint: IssueSnapshot) => {
      const log = context.log.child({ delivery: context.id, issue: hint.number });
      if (!mightBeWorkshopRequest(hint)) return log.debug('ignored: not a workshop request (no labels, no form headings)');
      metrics.inc('workshop_readiness_events_total', { event: context.name });
      await reconcileIssue(instrument(context.octokit, String(context.payload.installation?.id ?? '')), context.issue(), log);
    };

    app.on(['issues.opened', 'issues.edited', 'issues.reopened', 'issues.labeled', 'issues.unlabeled'], async (context) => {
      if (context.isBot) return context.log.debug({ sender: context.payload.sender.login }, 'ignored: event by a bot');
      await run(context, issueSnapshot(context.payload.issue as RestIssue));
    });

    app.on('issue_comment.created', async (context) => {
      const comment = context.payload.comment as RestComment;
      if (context.isBot) return context.log.debug('ignored: comment by a bot');
      if (context.payload.issue.pull_request) return context.log.debug('ignored: comment on a pull request');
      if (!parseCommands(comment.body ?? '').length) return context.log.debug('ignored: comment without commands');
      await run(context, issueSnapshot(context.payload.issue as RestIssue));
    });

    // A merged or closed infra PR moves its workshop on (scale-down after the event, the PR's state).
    app.on('pull_request.closed', async (context) => {
      const pr = context.payload.pull_request;
      const log = context.log.child({ delivery: context.id, pull: pr.number });
      if (!pr.head.ref.startsWith('workshop-readiness/issue-')) return log.debug('ignored: not a workshop-readiness branch');
      const marker = prMarker(pr.body ?? '');
      const target = marker ? /^([\w.-]+)\/([\w.-]+)#(\d+)$/.exec(marker.issue) : null;
      if (!target?.[1] || !target[2] || !target[3]) return log.debug('ignored: no workshop-readiness marker in the PR body');
      // Acting on another owner's repository would leave this installation's scope.
      if (target[1] !== context.payload.repository.owner.login) return log.warn({ issue: marker?.issue }, 'ignored: PR marker names another owner');
      metrics.inc('workshop_readiness_events_total', { event: context.name });
      await reconcileIssue(instrument(context.octokit, String(context.payload.installation?.id ?? '')), { owner: target[1], repo: target[2], issue_number: Number(target[3]) }, log.child({ issue: Number(target[3]) }), true);
    });

    const sweepOnce = () =>
      sweepAll(app, async (octokit, owner, repo) => {
        const log = app.log.child({ sweep: `${owner}/${repo}` });
        instrument(octokit, owner);
        const configLoad = await loadConfig(configReader(octokit, owner, repo));
        const config = configLoad.kind === 'ok' ? configLoad.config : null;
        return sweepRepository({
          configLoad,
          listOpenWorkshopIssues: openIssuesLister(octokit, owner, repo),
          listClosedUnfinishedIssues: closedUnfinishedLister(octokit, owner, repo),
          issuePort: (number) => octokitIssuePort(octokit, { owner, repo, issue_number: number }, appId),
          dashboard: octokitDashboard(octokit, owner, repo, appId),
          clock,
          log,
          dryRun,
          repo: `${owner}/${repo}`,
          adapters: adaptersFor(octokit, owner, repo, config),
          startLoadTest: (number, run) => startLoadTest(octokit, { owner, repo, issue_number: number }, log, config, run),
          markerKey,
        });
      }, clusters.reapAll);

    try {
      addHandler(httpHandler({ metrics, sweep: sweepOnce, sweepToken, ready: () => options.shutdown?.accepting ?? true }));
    } catch {
      // Loaded without an HTTP server (tests driving `probot.receive`): no endpoints to add.
      app.log.debug('no HTTP server: /healthz, /metrics and /sweep not mounted');
    }
    if (sweepIntervalMinutes > 0 && appId !== null) {
      // Jittered so replicas started together do not sweep in lockstep; unref'd so tests and
      // shutdown are not held open by the timer.
      const every = sweepIntervalMinutes * 60_000;
      const timer = setInterval(() => {
        sweepOnce().catch((error: Error) => app.log.error({ err: error.message }, 'sweep failed'));
      }, every + Math.floor(Math.random() * Math.min(60_000, every / 10)));
      timer.unref();
      options.shutdown?.onShutdown('sweep timer', () => clearInterval(timer));
    }
  };
}
