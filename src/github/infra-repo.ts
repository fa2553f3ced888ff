import type { ProbotOctokit } from 'probot';

type Octokit = InstanceType<typeof ProbotOctokit>;

export interface PullRequestInfo {
  number: number;
  url: string;
  state: 'open' | 'closed';
  merged: boolean;
  body: string;
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
}

/**
 * InfraRepoPort over Octokit, committing through the Git Data API (one tree, one commit, one ref
 * update) so a PR never holds a half-written change.
 */
export function octokitInfraRepo(octokit: Octokit, owner: string, repo: string): InfraRepoPort {
  const base = { owner, repo };
  const notFound = (error: unknown) => (error as { status?: number }).status === 404;
  const toInfo = (pr: { number: number; html_url: string; state: string; merged_at?: string | null; body?: string | null }): PullRequestInfo => ({
    number: pr.number,
    url: pr.html_url,
    state: pr.state === 'open' ? 'open' : 'closed',
    merged: Boolean(pr.merged_at),
    body: pr.body ?? '',
  });
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
  };
}
