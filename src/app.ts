import type { ApplicationFunction, Context, Probot, ProbotOctokit } from 'probot';
import { configReader, loadConfig } from './github/config.js';
import { octokitInfraRepo, type InfraRepoPort } from './github/infra-repo.js';
import { prMarker } from './infra-pr.js';
import { issueSnapshot, octokitIssuePort, type RestComment, type RestIssue } from './github/issue-port.js';
import type { Clock, IssueSnapshot } from './ports.js';
import { mightBeWorkshopRequest, reconcile } from './reconcile.js';
import { parseCommands } from './workshop/commands.js';

export interface AppOptions {
  /** This app's id, to recognise its own comments (defaults to env APP_ID). */
  appId?: number;
  clock?: Clock;
  /** Compute and log every write without making it (defaults to env DRY_RUN=1). */
  dryRun?: boolean;
}

const systemClock: Clock = { now: () => new Date() };


/** The Probot app: wires events to the one reconcile path and logs every event it ignores, with why. */
export function createApp(options: AppOptions = {}): ApplicationFunction {
  const appId = options.appId ?? (process.env.APP_ID ? Number(process.env.APP_ID) : null);
  const clock = options.clock ?? systemClock;
  const dryRun = options.dryRun ?? process.env.DRY_RUN === '1';

  return (app: Probot) => {
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

    /** One reconcile of one issue, for any event. */
    const reconcileIssue = async (octokit: Octokit, ref: { owner: string; repo: string; issue_number: number }, log: Context['log'], refreshInfra?: boolean) => {
      const configLoad = await loadConfig(configReader(octokit, ref.owner, ref.repo));
      const port = octokitIssuePort(octokit, ref, appId);
      try {
        const result = await reconcile(configLoad, {
          issues: port,
          clock,
          log,
          dryRun,
          repo: `${ref.owner}/${ref.repo}`,
          infraRepo: infraRepoFor(octokit, ref.owner),
          ...(refreshInfra !== undefined ? { refreshInfra } : {}),
        });
        if (result.skipped) log.debug({ reason: result.skipped }, 'ignored');
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
      await reconcileIssue(context.octokit, context.issue(), log);
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
      await reconcileIssue(context.octokit, { owner: target[1], repo: target[2], issue_number: Number(target[3]) }, log.child({ issue: Number(target[3]) }), true);
    });
  };
}
