import type { ProbotOctokit } from 'probot';

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
  const notFound = (error: unknown) => (error as { status?: number }).status === 404;
  const toInfo = toPullRequestInfo;
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
    async findPullRequest(branch) {
      const { data } = await octokit.rest.pulls.list({ ...base, head: `${owner}:${branch}`, state: 'all', per_page: 10 });
      const newest = [...data].sort((a, b) => b.number - a.number)[0];
      return newest ? toInfo(newest) : null;
    },
    async commitFiles(branch, baseBranch, files, message) {
      const { data: baseRef } = await octokit.rest.git.getRef({ ...base, ref: `heads/${baseBranch}` });
      const { data: baseCommit } = await octokit.rest.git.getCommit({ ...base, commit_sha: baseRef.object.sha });
      const { data: tree } = await octokit.rest.git.createTree({
        ...base,
        base_tree: baseCommit.tree.sha,
        tree: files.map((f) => ({ path: f.path, mode: '100644' as const, type: 'blob' as const, content: f.content })),
      });
      const { data: commit } = await octokit.rest.git.createCommit({ ...base, message, tree: tree.sha, parents: [baseRef.object.sha] });
      try {
        await octokit.rest.git.updateRef({ ...base, ref: `heads/${branch}`, sha: commit.sha, force: true });
      } catch (error) {
        // 422 "Reference does not exist" on the first commit of the branch.
        if ((error as { status?: number }).status !== 422 && !notFound(error)) throw error;
        await octokit.rest.git.createRef({ ...base, ref: `refs/heads/${branch}`, sha: commit.sha });
      }
    },
    async openPullRequest(pr) {
      const { data } = await octokit.rest.pulls.create({ ...base, head: pr.branch, base: pr.base, title: pr.title, body: pr.body, maintainer_can_modify: true });
      return toInfo(data);
    },
    async updatePullRequest(number, pr) {
      await octokit.rest.pulls.update({ ...base, pull_number: number, title: pr.title, body: pr.body });
    },
    async openedByThisApp(pr) {
      if (openedByApp(pr, app.id, null)) return true;
      return pr.author.type === 'Bot' && openedByApp(pr, app.id, await app.slug());
    },
  };
}
