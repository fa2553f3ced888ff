import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { InfraRepoPort, PullRequestInfo } from './infra-repo.js';

/**
 * An infrastructure repository in memory, seeded from a local directory as its base branch: the demo,
 * the CLI and the tests run the real PR step against it. Branches and PRs live only in memory.
 */
export class MemoryInfraRepo implements InfraRepoPort {
  readonly branches = new Map<string, Map<string, string>>();
  readonly pulls: Array<PullRequestInfo & { branch: string; base: string; title: string }> = [];
  writes = 0;

  constructor(
    readonly fullName: string,
    private readonly baseDir: string,
    private readonly baseBranch = 'main',
  ) {}

  async readFile(file: string, ref: string): Promise<string | null> {
    if (ref !== this.baseBranch) return this.branches.get(ref)?.get(file) ?? null;
    const full = path.join(this.baseDir, file);
    return existsSync(full) ? readFileSync(full, 'utf8') : null;
  }

  async findPullRequest(branch: string): Promise<PullRequestInfo | null> {
    const found = this.pulls.filter((p) => p.branch === branch).sort((a, b) => b.number - a.number)[0];
    return found ? { ...found } : null;
  }

  async commitFiles(branch: string, _base: string, files: Array<{ path: string; content: string }>): Promise<void> {
    this.writes++;
    this.branches.set(branch, new Map(files.map((f) => [f.path, f.content])));
  }

  async openPullRequest(pr: { branch: string; base: string; title: string; body: string }): Promise<PullRequestInfo> {
    this.writes++;
    const number = 100 + this.pulls.length + 1;
    const info = { number, url: `https://github.com/${this.fullName}/pull/${number}`, state: 'open' as const, merged: false, ...pr };
    this.pulls.push(info);
    return { ...info };
  }

  async updatePullRequest(number: number, pr: { title: string; body: string }): Promise<void> {
    this.writes++;
    const found = this.pulls.find((p) => p.number === number);
    if (found) Object.assign(found, pr);
  }

  /** What an engineer merging the PR does. */
  merge(number: number): void {
    const found = this.pulls.find((p) => p.number === number);
    if (found) Object.assign(found, { state: 'closed', merged: true });
  }
}
