import type { ProbotOctokit } from 'probot';
import type { CommentSnapshot, IssuePort, IssueSnapshot, Permission } from '../pipeline/ports.js';

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

/** IssuePort over Octokit for one issue. */
export function octokitIssuePort(octokit: Octokit, ref: IssueRef, appId: number | null): IssuePort {
  const repo = { owner: ref.owner, repo: ref.repo };
  return {
    async getIssue() {
      const { data } = await octokit.rest.issues.get({ ...ref });
      return issueSnapshot(data);
    },
    async listComments() {
      const comments = (await octokit.paginate(octokit.rest.issues.listComments, { ...ref, per_page: 100 })) as RestComment[];
      return comments.map((c) => toCommentSnapshot(c, appId));
    },
    async createComment(body) {
      const { data } = await octokit.rest.issues.createComment({ ...ref, body });
      return { id: data.id };
    },
    async updateComment(id, body) {
      await octokit.rest.issues.updateComment({ ...repo, comment_id: id, body });
    },
    async deleteComment(id) {
      await octokit.rest.issues.deleteComment({ ...repo, comment_id: id });
    },
    async addLabels(labels) {
      // Adding creates unknown labels with GitHub's default grey; only those get our colour and text,
      // so labels that already exist cost no extra call.
      const { data } = await octokit.rest.issues.addLabels({ ...ref, labels: labels.map((l) => l.name) });
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
    async permissionOf(login) {
      const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
      const role = (data as { role_name?: string }).role_name;
      return (role === 'maintain' ? 'maintain' : data.permission) as Permission;
    },
    async isTeamMember(team, login) {
      const [org, slug] = team.split('/');
      if (!org || !slug) return false;
      try {
        const { data } = await octokit.rest.teams.getMembershipForUserInOrg({ org, team_slug: slug, username: login });
        return data.state === 'active';
      } catch (error) {
        if ((error as { status?: number }).status === 404) return false;
        throw error;
      }
    },
  };
}
