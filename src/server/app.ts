import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot, ProbotOctokit } from 'probot';
import { cachedConfig, configReader, loadConfig } from '../github/config.js';
import { octokitInfraRepo, type InfraRepoPort } from '../github/infra-repo.js';
import { prMarker } from '../pipeline/infra-pr.js';
import { cachedDashboard, octokitDashboard, type DashboardEntry } from '../dashboard/port.js';
import { EtagCache, TtlCache, conditionalRequests } from '../github/cache.js';
import { issueLockFromEnv, type IssueLock } from '../kube/coordination.js';
import { DEFAULT_QUEUE_SETTINGS, QueueRejected, RetryLater, WorkQueue, type QueueSettings, type Timers } from './queue.js';
import { othersOnCluster, readRegistry } from '../dashboard/render.js';
import { httpHandler } from './http.js';
import { Metrics } from './metrics.js';
import { closedUnfinishedLister, openIssuesLister, sweepAll, sweepRepository } from '../pipeline/sweep.js';
import type { Config } from '../config/schema.js';
import { DEFAULT_KUBECONFIG_DIR, operatorClusters } from '../kube/operator.js';
import type { ClusterPort } from '../kube/types.js';
import { progressLine, resultSummary, type LoadTestUpdate } from '../pipeline/loadtest.js';
import { issuePortCaches, issueSnapshot, octokitIssuePort, type IssueRef, type RestComment, type RestIssue } from '../github/issue-port.js';
import type { Clock, IssueSnapshot } from '../pipeline/ports.js';
import { mightBeWorkshopRequest, reconcile, type Adapters, type ConfigLoad, type ReconcileResult } from '../pipeline/reconcile.js';
import { parseCommands } from '../workshop/commands.js';
import { deriveMarkerKey } from '../workshop/marker.js';
import type { ShutdownHooks } from './shutdown.js';

export interface AppOptions {
  /** This app's id, to recognise its own comments (defaults to env APP_ID). */
  appId?: number;
  /** This app's slug, to recognise the PRs it opened (defaults to env APP_SLUG, else asked of GitHub once). */
  appSlug?: string;
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
  /** One reconcile per issue across replicas (defaults from the environment: Leases in a cluster). */
  issueLock?: IssueLock;
  /** Work-queue settings (defaults, overridable by QUEUE_CONCURRENCY, QUEUE_MAX_DEPTH, QUEUE_RETRY_BASE_MS, QUEUE_MAX_ATTEMPTS). */
  queue?: Partial<QueueSettings> & { timers?: Timers; onFailure?: (key: string, error: Error) => void };
  /** Receives the work queue (tests wait on it; the entry point drains it on SIGTERM). */
  onQueue?: (queue: WorkQueue<ReconcileJob, ReconcileResult>) => void;
  /** Where work that must finish before the process exits registers (the server entry's SIGTERM handling). */
  shutdown?: ShutdownHooks;
  /** Without a server entry (`probot run ./dist/index.js`): drain the queue on SIGTERM, then exit. */
  drainOnSigterm?: boolean;
}

type Octokit = InstanceType<typeof ProbotOctokit>;

/** What a queued reconcile of one issue needs; jobs for one issue merge while they wait. */
export interface ReconcileJob {
  octokit: Octokit;
  installation: string;
  ref: IssueRef;
  log: Context['log'];
  refreshInfra?: boolean;
  loadTestUpdate?: LoadTestUpdate;
}

/** The newest job's client and log; infra refresh if any asked; a load-test result is never replaced by progress. */
export function mergeJobs(waiting: ReconcileJob, incoming: ReconcileJob): ReconcileJob {
  const a = waiting.loadTestUpdate;
  const b = incoming.loadTestUpdate;
  const loadTestUpdate = !b || (a && a.runId === b.runId && a.status !== 'running' && b.status === 'running') ? a : b;
  const refreshInfra = waiting.refreshInfra || incoming.refreshInfra ? true : (incoming.refreshInfra ?? waiting.refreshInfra);
  return { ...incoming, ...(refreshInfra !== undefined ? { refreshInfra } : {}), ...(loadTestUpdate ? { loadTestUpdate } : {}) };
}

const issueKey = (ref: IssueRef) => `${ref.owner}/${ref.repo}#${ref.issue_number}`;

const envNumber = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);

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
    // Per-process caches: they keep repeated events off the API (see README "Performance").
    const etags = new EtagCache();
    const issueCaches = issuePortCaches(Number(process.env.PERMISSION_CACHE_SECONDS ?? 60) * 1000);
    const configs = new TtlCache<string, ConfigLoad>(Number(process.env.CONFIG_CACHE_SECONDS ?? 60) * 1000, 1000);
    const registries = new TtlCache<string, DashboardEntry>(Number(process.env.REGISTRY_CACHE_SECONDS ?? 300) * 1000, 1000);
    const lock = options.issueLock ? Promise.resolve(options.issueLock) : issueLockFromEnv();
    void lock.then((l) => app.log.info(`one reconcile per issue: ${l.description}`)).catch((error: Error) => app.log.error({ err: error.message }, 'no Lease coordination: every reconcile will fail until this is fixed'));

    // The slug is asked of GitHub once per process when not configured; unknown, only GitHub's
    // `performed_via_github_app` makes a PR the app's.
    let slug: Promise<string | null> | null = null;
    const configuredSlug = options.appSlug || process.env.APP_SLUG || null;
    const appIdentity = () => ({
      id: appId,
      slug: () => (slug ??= configuredSlug ? Promise.resolve(configuredSlug) : app.auth().then(async (jwt) => (await jwt.rest.apps.getAuthenticated()).data?.slug ?? null).catch(() => null)),
    });

    /** The infra repository: through the event's installation when it covers it, else the repository's own. */
    const infraRepoFor = (octokit: Octokit, installationOwner: string) => async (fullName: string): Promise<InfraRepoPort | null> => {
      const [owner, repo] = fullName.split('/');
      if (!owner || !repo) return null;
      if (owner === installationOwner) return octokitInfraRepo(octokit, owner, repo, appIdentity());
      try {
        const appOctokit = await app.auth();
        const { data } = await appOctokit.rest.apps.getRepoInstallation({ owner, repo });
        return octokitInfraRepo(await app.auth(data.id), owner, repo, appIdentity());
      } catch {
        return null;
      }
    };

    /**
     * Counts every GitHub call and keeps the rate-limit figure (for /metrics and the bench), and makes
     * reads conditional on their ETag. A secondary rate limit fails the reconcile: the queue retries it
     * after GitHub's retry-after instead of a handler sleeping on it.
     */
    const instrumented = new WeakSet<Octokit>();
    const instrument = (octokit: Octokit, installation: string) => {
      if (instrumented.has(octokit)) return octokit;
      instrumented.add(octokit);
      octokit.hook.after('request', (response, request) => {
        metrics.inc('workshop_readiness_github_requests_total', { method: request.method, status: String(response.status) });
        const remaining = Number(response.headers['x-ratelimit-remaining']);
        if (!Number.isNaN(remaining)) metrics.set('workshop_readiness_github_rate_limit_remaining', { installation }, remaining);
      });
      octokit.hook.error('request', async (error, request) => {
        metrics.inc('workshop_readiness_github_requests_total', { method: request.method, status: String((error as { status?: number }).status ?? 'error') });
        throw error;
      });
      conditionalRequests(octokit, etags, installation);
      return octokit;
    };

    /**
     * Cluster access is the operator's (CLUSTER_ACCESS_FILE, kubeconfigs under KUBECONFIG_DIR):
     * repository config only chooses among what it grants. Leftover load-test pods are reaped now.
     */
    const clusters = operatorClusters({ accessFile: process.env.CLUSTER_ACCESS_FILE ?? null, kubeconfigDir: process.env.KUBECONFIG_DIR ?? DEFAULT_KUBECONFIG_DIR, logger: app.log });
    void clusters.reapAll();
    const clusterPort = (config: Config, clusterName: string, repository: string): ClusterPort | null => clusters.portFor(config, clusterName, repository);

    const dashboardOf = (octokit: Octokit, owner: string, repo: string, readThrough = false) =>
      cachedDashboard(octokitDashboard(octokit, owner, repo, appId), registries, `${owner}/${repo}`, readThrough);

    /** What a reconcile can reach besides the issue: one set for webhooks and the sweep alike. */
    const adaptersFor = (octokit: Octokit, owner: string, repo: string, config: Config | null): Adapters => {
      const dashboard = dashboardOf(octokit, owner, repo);
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

    /**
     * Runs an accepted `/loadtest`: minutes long, so beside the queue; its progress and result come back
     * as queued reconciles of the issue (a result is never replaced by progress while they wait).
     */
    const startLoadTest = (job: ReconcileJob, config: Config | null, run: NonNullable<ReconcileResult['loadTestToStart']>) => {
      const cluster = config ? clusterPort(config, run.clusterName, `${job.ref.owner}/${job.ref.repo}`) : null;
      if (!cluster) return;
      const { octokit, installation, ref, log } = job;
      const update = (loadTestUpdate: LoadTestUpdate) => {
        try {
          queue.add(issueKey(ref), { octokit, installation, ref, log, loadTestUpdate });
        } catch (error) {
          log.warn({ err: (error as Error).message, run: loadTestUpdate.runId }, 'load-test update not recorded; the sweep marks a lost run');
        }
      };
      void cluster
        .runLoadTest(run.spec, async (progress) => update({ runId: run.spec.runId, status: 'running', summary: progressLine(progress) }))
        .then((outcome) => update({ runId: run.spec.runId, status: outcome.passed ? 'passed' : 'failed', summary: resultSummary(outcome), finishedAt: clock.now().toISOString() }))
        .catch((error: Error) => log.error({ err: error.message, run: run.spec.runId }, 'load test failed to report'));
    };

    /** One reconcile of one issue, for any event: the queue's worker, under the issue's lock. */
    const reconcileIssue = async (job: ReconcileJob): Promise<ReconcileResult> => {
      const { octokit, ref, log } = job;
      const started = performance.now();
      const configLoad = await cachedConfig(configs, `${ref.owner}/${ref.repo}`, configReader(octokit, ref.owner, ref.repo));
      const config = configLoad.kind === 'ok' ? configLoad.config : null;
      const port = octokitIssuePort(octokit, ref, appId, issueCaches);
      try {
        const result = await reconcile(configLoad, {
          issues: port,
          markerKey,
          clock,
          log,
          dryRun,
          repo: `${ref.owner}/${ref.repo}`,
          ...adaptersFor(octokit, ref.owner, ref.repo, config),
          ...(job.refreshInfra !== undefined ? { refreshInfra: job.refreshInfra } : {}),
          ...(job.loadTestUpdate ? { loadTestUpdate: job.loadTestUpdate } : {}),
        });
        if (result.loadTestToStart) startLoadTest(job, config, result.loadTestToStart);
        if (result.skipped) log.debug({ reason: result.skipped }, 'ignored');
        for (const write of result.writes) metrics.inc('workshop_readiness_writes_total', { kind: write.kind });
        metrics.recordStage(issueKey(ref), result.stage);
        metrics.observeReconcile((performance.now() - started) / 1000);
        return result;
      } catch (error) {
        // Never a stack trace in a comment: the error goes to the logs and the queue retries with
        // backoff; a create that may have landed is found by the retry's fresh read.
        log.error({ err: error }, 'reconcile failed');
        throw error;
      }
    };

    const queue = new WorkQueue<ReconcileJob, ReconcileResult>({
      concurrency: envNumber('QUEUE_CONCURRENCY') ?? DEFAULT_QUEUE_SETTINGS.concurrency,
      maxDepth: envNumber('QUEUE_MAX_DEPTH') ?? DEFAULT_QUEUE_SETTINGS.maxDepth,
      backoff: {
        ...DEFAULT_QUEUE_SETTINGS.backoff,
        ...(envNumber('QUEUE_RETRY_BASE_MS') !== undefined ? { baseMs: envNumber('QUEUE_RETRY_BASE_MS') as number } : {}),
        ...(envNumber('QUEUE_MAX_ATTEMPTS') !== undefined ? { maxAttempts: envNumber('QUEUE_MAX_ATTEMPTS') as number } : {}),
      },
      ...options.queue,
      merge: mergeJobs,
      metrics,
      log: app.log,
      work: async (key, job) => {
        const claim = await (await lock).acquire(key);
        if (!claim.acquired) {
          metrics.inc('workshop_readiness_lease_busy_total');
          throw new RetryLater(claim.retryAfterMs, `${key} is being reconciled by ${claim.holder}`);
        }
        try {
          return await reconcileIssue(job);
        } finally {
          await claim.release();
        }
      },
    });
    options.onQueue?.(queue);

    /** Answers the webhook as soon as the issue is queued; a full or draining queue fails the delivery (the sweep catches up). */
    const enqueue = (job: ReconcileJob, event: string) => {
      try {
        const outcome = queue.add(issueKey(job.ref), job);
        metrics.inc('workshop_readiness_events_total', { event, outcome });
        job.log.debug({ outcome }, 'queued');
      } catch (error) {
        if (!(error instanceof QueueRejected)) throw error;
        metrics.inc('workshop_readiness_events_total', { event, outcome: 'rejected' });
        job.log.warn({ err: error.message }, 'event refused; the next sweep reconciles the issue');
        throw error;
      }
    };

    // The payload only decides whether the event is worth a look; reconcile reads the issue afresh.
    const run = async (context: Context<'issues' | 'issue_comment'>, hint: IssueSnapshot) => {
      const log = context.log.child({ delivery: context.id, issue: hint.number });
      if (!mightBeWorkshopRequest(hint)) return log.debug('ignored: not a workshop request (no labels, no form headings)');
      const installation = String(context.payload.installation?.id ?? '');
      enqueue({ octokit: instrument(context.octokit, installation), installation, ref: context.issue(), log }, context.name);
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
      const installation = String(context.payload.installation?.id ?? '');
      const ref = { owner: target[1], repo: target[2], issue_number: Number(target[3]) };
      enqueue({ octokit: instrument(context.octokit, installation), installation, ref, log: log.child({ issue: ref.issue_number }), refreshInfra: true }, context.name);
    });

    const sweepOnce = () =>
      sweepAll(app, async (octokit, owner, repo) => {
        const log = app.log.child({ sweep: `${owner}/${repo}` });
        instrument(octokit, owner);
        const configLoad = await loadConfig(configReader(octokit, owner, repo));
        configs.set(`${owner}/${repo}`, configLoad);
        return sweepRepository({
          configLoad,
          listOpenWorkshopIssues: openIssuesLister(octokit, owner, repo),
          listClosedUnfinishedIssues: closedUnfinishedLister(octokit, owner, repo),
          issuePort: (number) => octokitIssuePort(octokit, { owner, repo, issue_number: number }, appId, issueCaches),
          dashboard: dashboardOf(octokit, owner, repo, true),
          // Through the same queue and lock as webhooks: never two reconciles of one issue at once.
          reconcileIssue: (number) => {
            const ref = { owner, repo, issue_number: number };
            return queue.addAndWait(issueKey(ref), { octokit, installation: owner, ref, log: log.child({ issue: number }) });
          },
          clock,
          log,
          dryRun,
          repo: `${owner}/${repo}`,
        });
      }, clusters.reapAll);

    try {
      addHandler(httpHandler({ metrics, sweep: sweepOnce, sweepToken, ready: () => (options.shutdown?.accepting ?? true) && !queue.isDraining }));
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
    // Running and queued reconciles finish (their Leases are released); keys backing off are left to the
    // sweep. Bounded below the shutdown's hook budget and the pod's terminationGracePeriodSeconds.
    const drainSeconds = Number(process.env.DRAIN_TIMEOUT_SECONDS ?? 40);
    const drainQueue = async () => {
      app.log.info({ depth: queue.depth }, 'draining the work queue');
      const finished = await queue.drain(drainSeconds * 1000);
      app.log.info({ finished }, finished ? 'work queue drained' : 'drain timed out; the sweep will catch up');
    };
    options.shutdown?.onShutdown('work queue', drainQueue);
    if (options.drainOnSigterm) process.once('SIGTERM', () => void drainQueue().then(() => process.exit(0)));
  };
}
