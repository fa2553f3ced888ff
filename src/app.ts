import type { ApplicationFunction, Context, Probot } from 'probot';
import { loadConfig } from './github/config.js';
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
    // The payload only decides whether the event is worth a look; reconcile reads the issue afresh.
    const run = async (context: Context<'issues' | 'issue_comment'>, hint: IssueSnapshot) => {
      const log = context.log.child({ delivery: context.id, issue: hint.number });
      if (!mightBeWorkshopRequest(hint)) return log.debug('ignored: not a workshop request (no labels, no form headings)');
      const configLoad = await loadConfig(context);
      const port = octokitIssuePort(context.octokit, context.issue(), appId);
      try {
        const result = await reconcile(configLoad, { issues: port, clock, log, dryRun });
        if (result.skipped) log.debug({ reason: result.skipped }, 'ignored');
      } catch (error) {
        // Never a stack trace in a comment: the error goes to the logs and the event is failed so
        // GitHub shows it in the delivery log; the next event or sweep converges.
        log.error({ err: error }, 'reconcile failed');
        throw error;
      }
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
  };
}
