import type { ProbotOctokit } from 'probot';
import type { CommentSnapshot, IssuePort, IssueSnapshot, Permission } from '../pipeline/ports.js';
import { TtlCache } from './cache.js';

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface IssueRef {
  owner: string;
  repo: string;
  issue_number: number;
}

/** The shape of a comment in GitHub's REST responses and webhook payloads (the fields we read). */
export interface RestComment {
  id: number;
  body?: string | null;
  user: { login: string; type?: string } | null;
  created_at: string;
  updated_at: string;
  performed_via_github_app?: { id: number } | null;
}

/** The shape of an issue in REST responses and webhook payloads (the fields we read). */
export interface RestIssue {
  number: number;
  title: string;
  body?: string | null;
  state?: string;
  user: { login: string } | null;
  labels?: Array<{ name?: string } | string>;
}

/** The issue as the pipeline sees it. */
export function issueSnapshot(issue: RestIssue): IssueSnapshot {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    author: issue.user?.login ?? 'ghost',
    state: issue.state === 'closed' ? 'closed' : 'open',
    labels: (issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
  };
}

/** Maps a REST/webhook comment; `appId` decides which comments are the app's own. */
export function toCommentSnapshot(comment: RestComment, appId: number | null): CommentSnapshot {
  const login = comment.user?.login ?? 'ghost';
  return {
    id: comment.id,
    author: login,
    authorIsBot: comment.user?.type === 'Bot' || login.endsWith('[bot]'),
    byThisApp: appId !== null && comment.performed_via_github_app?.id === appId,
    body: comment.body ?? '',
    createdAt: comment.created_at,
    updatedAt: comment.updated_at,
  };
}

/** Pages of 100 comments one reconcile reads at most. */
export const MAX_COMMENT_PAGES = 10;

/** The `rel="last"` page number of a Link header; 1 when there is no other page. */
export function lastPageOf(link: string | undefined): number {
  const match = /[?&]page=(\d+)[^>]*>;\s*rel="last"/.exec(link ?? '');
  return match ? Number(match[1]) : 1;
}

/**
 * The pages to read after the first: all of them up to the cap, else the newest ones. Comments in the
 * skipped middle are older than the newest 900 and were handled by earlier reconciles (commands are
 * read once, from the last handled comment on).
 */
export function commentPagesAfterFirst(last: number): number[] {
  const from = Math.max(2, last - (MAX_COMMENT_PAGES - 2));
  return Array.from({ length: Math.max(0, last - from + 1) }, (_, i) => from + i);
}

/** Per-process look-ups shared by every event: they keep repeated events off the API. */
export interface IssuePortCaches {
  /** `owner/repo:login` → permission, for a short time (a revoked write permission takes effect within it). */
  permissions: TtlCache<string, Permission>;
  /** `owner/repo:org/team:login` → active membership. */
  teams: TtlCache<string, boolean>;
  /** `owner/repo:label` known to exist with its colour: each label is created once per repository. */
  labels: TtlCache<string, true>;
}

export function issuePortCaches(permissionTtlMs = 60_000, now: () => number = Date.now): IssuePortCaches {
  return {
    permissions: new TtlCache(permissionTtlMs, 5000, now),
    teams: new TtlCache(permissionTtlMs, 5000, now),
    labels: new TtlCache(24 * 3600_000, 5000, now),
  };
}

/**
 * Octokit's retry plugin must not repeat a create that may have succeeded (GitHub can store a comment
 * and still answer 502): such a failure fails the reconcile instead, and the next one re-reads the
 * comments and finds what was stored.
 */
export const NO_BLIND_RETRY = { request: { retries: 0 } } as const;

/** IssuePort over Octokit for one issue. */
export function octokitIssuePort(octokit: Octokit, ref: IssueRef, appId: number | null, caches: IssuePortCaches = issuePortCaches()): IssuePort {
  const repo = { owner: ref.owner, repo: ref.repo };
  const repoKey = `${ref.owner}/${ref.repo}`;
  return {
    async getIssue() {
      const { data } = await octokit.rest.issues.get({ ...ref });
      return issueSnapshot(data);
    },
    async listComments() {
      // The first page (where the app's status comment sits) and the newest pages only: an issue with
      // thousands of comments costs at most MAX_COMMENT_PAGES reads and bounded memory per reconcile.
      const first = await octokit.rest.issues.listComments({ ...ref, per_page: 100 });
      const comments: RestComment[] = [...first.data];
      for (const page of commentPagesAfterFirst(lastPageOf(first.headers.link))) {
        const { data } = await octokit.rest.issues.listComments({ ...ref, per_page: 100, page });
        comments.push(...data);
      }
      return comments.map((c) => toCommentSnapshot(c, appId));
    },
    async createComment(body) {
      const { data } = await octokit.rest.issues.createComment({ ...ref, body, ...NO_BLIND_RETRY });
      return { id: data.id };
    },
    async updateComment(id, body) {
      await octokit.rest.issues.updateComment({ ...repo, comment_id: id, body });
    },
    async deleteComment(id) {
      await octokit.rest.issues.deleteComment({ ...repo, comment_id: id });
    },
    async addLabels(labels) {
      // Created with colour and text before first use (once per repository and process; 422 = it
      // exists already), so adding never leaves GitHub's default grey label behind.
      for (const label of labels) {
        if (caches.labels.get(`${repoKey}:${label.name}`)) continue;
        try {
          await octokit.rest.issues.createLabel({ ...repo, name: label.name, color: label.color, description: label.description });
        } catch (error) {
          if ((error as { status?: number }).status !== 422) throw error;
        }
        caches.labels.set(`${repoKey}:${label.name}`, true);
      }
      const { data } = await octokit.rest.issues.addLabels({ ...ref, labels: labels.map((l) => l.name) });
      // A label deleted by hand since is re-created grey by GitHub: give it its colour back.
      for (const label of labels) {
        const created = data.find((d) => d.name === label.name);
        if (created && created.color === 'ededed' && !created.description && label.color !== 'ededed') {
          await octokit.rest.issues.updateLabel({ ...repo, name: label.name, color: label.color, description: label.description });
        }
      }
    },
    async removeLabel(name) {
      try {
        await octokit.rest.issues.removeLabel({ ...ref, name });
      } catch (error) {
        // Already gone (someone removed it meanwhile): the desired state holds.
        if ((error as { status?: number }).status !== 404) throw error;
      }
    },
    async addReaction(commentId, content) {
      await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: commentId, content });
    },
    permissionOf(login) {
      return caches.permissions.through(`${repoKey}:${login}`, async () => {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
        const role = (data as { role_name?: string }).role_name;
        return (role === 'maintain' ? 'maintain' : data.permission) as Permission;
      });
    },
    isTeamMember(team, login) {
      return caches.teams.through(`${repoKey}:${team}:${login}`, async () => {
        const [org, slug] = team.split('/');
        if (!org || !slug) return false;
        try {
          const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
          return data.state === 'active';
        } catch (error) {
          if ((error as { status?: number }).status === 404) return false;
          throw error;
        }
      });
    },
  };
}
