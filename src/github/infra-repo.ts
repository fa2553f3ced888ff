import type { ProbotOctokit } from 'probot';
import { NO_BLIND_RETRY } from './issue-port.js';

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface PullRequestInfo {
  number: number;
  url: string;
  state: 'open' | 'closed';
  merged: boolean;
  body: string;
  /** The branch it merges into. */
  base: string;
  /** Who opened it, and the app GitHub says performed it (if any): see `openedByThisApp`. */
  author: { login: string; type: string };
  viaAppId: number | null;
}

/** Who this app is on GitHub, to recognise the PRs it opened (the same rule as its comments). */
export interface AppIdentity {
  id: number | null;
  /** The app's slug (its PRs' author is `<slug>[bot]`, a Bot); asked for only when a PR's author must be checked. */
  slug: () => Promise<string | null>;
}

/** The REST fields of a pull request the app reads. */
export interface RestPullRequest {
  number: number;
  html_url: string;
  state: string;
  merged_at?: string | null;
  body?: string | null;
  base: { ref: string };
  user: { login: string; type?: string } | null;
  performed_via_github_app?: { id: number } | null;
}

/**
 * A PR is this app's when GitHub says this app performed it, or its author is the app's bot user (PRs
 * opened with an installation token are authored by `<slug>[bot]`, type Bot, which no person can be).
 */
export function openedByApp(pr: Pick<PullRequestInfo, 'author' | 'viaAppId'>, appId: number | null, slug: string | null): boolean {
  if (appId !== null && pr.viaAppId === appId) return true;
  return slug !== null && pr.author.type === 'Bot' && pr.author.login === `${slug}[bot]`;
}

export function toPullRequestInfo(pr: RestPullRequest): PullRequestInfo {
  return {
    number: pr.number,
    url: pr.html_url,
    state: pr.state === 'open' ? 'open' : 'closed',
    merged: Boolean(pr.merged_at),
    body: pr.body ?? '',
    base: pr.base.ref,
    author: { login: pr.user?.login ?? 'ghost', type: pr.user?.type ?? 'User' },
    viaAppId: pr.performed_via_github_app?.id ?? null,
  };
}

/** What the infrastructure-PR step needs from the repository that holds the infra files. */
export interface InfraRepoPort {
  readonly fullName: string;
  /** File text at a ref; null when the file does not exist. */
  readFile(path: string, ref: string): Promise<string | null>;
  /** The newest PR (any state) whose head is this branch; null when there is none. */
  findPullRequest(branch: string): Promise<PullRequestInfo | null>;
  /** One commit on `branch` holding `files` on top of `base`'s head (the branch is created or reset). */
  commitFiles(branch: string, base: string, files: Array<{ path: string; content: string }>, message: string): Promise<void>;
  openPullRequest(pr: { branch: string; base: string; title: string; body: string }): Promise<PullRequestInfo>;
  updatePullRequest(number: number, pr: { title: string; body: string }): Promise<void>;
  /** Whether this app opened the PR: only then is the hidden marker in its body trusted. */
  openedByThisApp(pr: PullRequestInfo): Promise<boolean>;
}

/**
 * InfraRepoPort over Octokit, committing through the Git Data API (one tree, one commit, one ref
 * update) so a PR never holds a half-written change.
 */
export function octokitInfraRepo(octokit: Octokit, owner: string, repo: string, app: AppIdentity = { id: null, slug: async () => null }): InfraRepoPort {
  const base = { owner, repo };
  const statusOf = (error: unknown) => (error as { status?: number }).status;
  const notFound = (error: unknown) => statusOf(error) === 404;
  /** A 5xx or a network failure: GitHub may have stored the create before the answer was lost. */
  const ambiguous = (error: unknown) => {
    const status = statusOf(error);
    return status === undefined || status >= 500;
  };
  /** GitHub's 422 when the thing a create asked for is there already (made by us a moment ago, or by a racing replica). */
  const alreadyExists = (error: unknown, what: RegExp) =>
    statusOf(error) === 422 && what.test(`${(error as { message?: string }).message ?? ''} ${JSON.stringify((error as { response?: { data?: unknown } }).response?.data ?? '')}`);
  const branchRef = async (branch: string): Promise<string | null> => {
    try {
      const { data } = await octokit.rest.git.getRef({ ...base, ref: `heads/${branch}` });
      return data.object.sha;
    } catch (error) {
      if (notFound(error)) return null;
      throw error;
    }
  };
  const toInfo = toPullRequestInfo;
  const findPullRequest = async (branch: string): Promise<PullRequestInfo | null> => {
    const { data } = await octokit.rest.pulls.list({ ...base, head: `${owner}:${branch}`, state: 'all', per_page: 10 });
    const newest = [...data].sort((a, b) => b.number - a.number)[0];
    return newest ? toInfo(newest) : null;
  };
  const openedByThisApp = async (pr: PullRequestInfo): Promise<boolean> => {
    if (openedByApp(pr, app.id, null)) return true;
    return pr.author.type === 'Bot' && openedByApp(pr, app.id, await app.slug());
  };
  return {
    fullName: `${owner}/${repo}`,
    async readFile(path, ref) {
      try {
        const { data } = await octokit.rest.repos.getContent({ ...base, path, ref });
        if (Array.isArray(data) || data.type !== 'file' || typeof data.content !== 'string') return null;
        return Buffer.from(data.content, 'base64').toString('utf8');
      } catch (error) {
        if (notFound(error)) return null;
        throw error;
      }
    },
    findPullRequest,
    async commitFiles(branch, baseBranch, files, message) {
      const { data: baseRef } = await octokit.rest.git.getRef({ ...base, ref: `heads/${baseBranch}` });
      const { data: baseCommit } = await octokit.rest.git.getCommit({ ...base, commit_sha: baseRef.object.sha });
      const { data: tree } = await octokit.rest.git.createTree({
        ...base,
        base_tree: baseCommit.tree.sha,
        tree: files.map((f) => ({ path: f.path, mode: '100644' as const, type: 'blob' as const, content: f.content })),
      });
      const { data: commit } = await octokit.rest.git.createCommit({ ...base, message, tree: tree.sha, parents: [baseRef.object.sha] });
      // A forced ref update is idempotent (retrying it is harmless); creating the ref is not.
      const moveBranch = () => octokit.rest.git.updateRef({ ...base, ref: `heads/${branch}`, sha: commit.sha, force: true });
      try {
        await moveBranch();
        return;
      } catch (error) {
        // 422 "Reference does not exist" on the first commit of the branch.
        if (statusOf(error) !== 422 && !notFound(error)) throw error;
      }
      try {
        await octokit.rest.git.createRef({ ...base, ref: `refs/heads/${branch}`, sha: commit.sha, ...NO_BLIND_RETRY });
      } catch (error) {
        // Never created twice: re-read, and move what exists to this commit.
        if (alreadyExists(error, /reference already exists/i)) return void (await moveBranch());
        if (!ambiguous(error)) throw error;
        const stored = await branchRef(branch);
        if (stored === null) throw error;
        if (stored !== commit.sha) await moveBranch();
      }
    },
    async openPullRequest(pr) {
      try {
        const { data } = await octokit.rest.pulls.create({ ...base, head: pr.branch, base: pr.base, title: pr.title, body: pr.body, maintainer_can_modify: true, ...NO_BLIND_RETRY });
        return toInfo(data);
      } catch (error) {
        if (!alreadyExists(error, /a pull request already exists/i) && !ambiguous(error)) throw error;
        // GitHub may hold the PR already (stored before a 502, or opened by a racing replica): re-read and
        // continue with it instead of opening a second one; only the app's own, never someone else's.
        const found = await findPullRequest(pr.branch);
        if (found?.state !== 'open' || !(await openedByThisApp(found))) throw error;
        if (found.body === pr.body) return found;
        await octokit.rest.pulls.update({ ...base, pull_number: found.number, title: pr.title, body: pr.body });
        return { ...found, body: pr.body };
      }
    },
    async updatePullRequest(number, pr) {
      await octokit.rest.pulls.update({ ...base, pull_number: number, title: pr.title, body: pr.body });
    },
    openedByThisApp,
  };
}
