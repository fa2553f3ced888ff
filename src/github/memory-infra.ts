import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openedByApp, type InfraRepoPort, type PullRequestInfo } from './infra-repo.js';

/**
 * An infrastructure repository in memory, seeded from a local directory as its base branch: the demo,
 * the CLI and the tests run the real PR step against it. Branches, PRs and merges live only in memory;
 * the directory is never written. A merge lands the branch's files on the base, as on GitHub, so what
 * the next PR is computed from is what the last merge left.
 */
export class MemoryInfraRepo implements InfraRepoPort {
  /** The app's slug here, and its bot user: the author of the PRs it opens here. */
  static readonly SLUG = 'workshop-readiness';
  static readonly APP = { login: `${MemoryInfraRepo.SLUG}[bot]`, type: 'Bot' };
  readonly branches = new Map<string, Map<string, string>>();
  readonly pulls: Array<PullRequestInfo & { branch: string; base: string; title: string }> = [];
  /** Files the merges wrote on the base branch, over the seed directory. */
  private readonly merged = new Map<string, string>();
  writes = 0;
  /** Calls that would be GitHub reads (file contents, PR look-ups), to check the read budget. */
  reads = 0;

  constructor(
    readonly fullName: string,
    private readonly baseDir: string,
    private readonly baseBranch = 'main',
  ) {}

  async readFile(file: string, ref: string): Promise<string | null> {
    this.reads++;
    const onBranch = ref === this.baseBranch ? undefined : this.branches.get(ref);
    if (ref !== this.baseBranch && !onBranch) return null;
    // A branch holds its own commit's files on top of the base it was cut from.
    return onBranch?.get(file) ?? this.baseFile(file);
  }

  async findPullRequest(branch: string): Promise<PullRequestInfo | null> {
    this.reads++;
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
    const info = { number, url: `https://github.com/${this.fullName}/pull/${number}`, state: 'open' as const, merged: false, author: { ...MemoryInfraRepo.APP }, viaAppId: null, ...pr };
    this.pulls.push(info);
    return { ...info };
  }

  async updatePullRequest(number: number, pr: { title: string; body: string }): Promise<void> {
    this.writes++;
    const found = this.pulls.find((p) => p.number === number);
    if (found) Object.assign(found, pr);
  }

  async openedByThisApp(pr: PullRequestInfo): Promise<boolean> {
    // The GitHub adapter's rule, with no app id (nothing here is performed via an app): the bot author.
    return openedByApp(pr, null, MemoryInfraRepo.SLUG);
  }

  /** What an engineer merging the PR does: the branch's files land on the base branch. */
  merge(number: number): PullRequestInfo {
    const found = this.pulls.find((p) => p.number === number);
    if (!found) throw new Error(`no pull request #${number} in ${this.fullName}`);
    if (found.state !== 'open') throw new Error(`pull request #${number} is not open`);
    for (const [file, content] of this.branches.get(found.branch) ?? []) this.merged.set(file, content);
    Object.assign(found, { state: 'closed', merged: true });
    return { ...found };
  }

  /** What an engineer closing the PR without merging does. */
  close(number: number): void {
    const found = this.pulls.find((p) => p.number === number);
    if (found) Object.assign(found, { state: 'closed', merged: false });
  }

  /** The base branch's text of a file now (seed directory plus merges); null when absent. */
  baseFile(file: string): string | null {
    const merged = this.merged.get(file);
    if (merged !== undefined) return merged;
    const full = path.join(this.baseDir, file);
    return existsSync(full) ? readFileSync(full, 'utf8') : null;
  }
}
