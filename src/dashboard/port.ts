import type { ProbotOctokit } from 'probot';
import type { TtlCache } from '../github/cache.js';
import { NO_BLIND_RETRY } from '../github/issue-port.js';

/** The dashboard issue of a repository (found by its label and the app's authorship). */
export interface DashboardPort {
  find(): Promise<{ number: number; body: string } | null>;
  create(title: string, body: string): Promise<number>;
  update(number: number, body: string): Promise<void>;
}

export const DASHBOARD_LABEL = 'workshop-readiness: dashboard';

/** DashboardPort over Octokit; a new dashboard is pinned (best effort: pinning needs GraphQL and a free pin slot). */
export function octokitDashboard(octokit: InstanceType<typeof ProbotOctokit>, owner: string, repo: string, appId: number | null): DashboardPort {
  return {
    async find() {
      const { data } = await octokit.rest.issues.listForRepo({ owner, repo, labels: DASHBOARD_LABEL, state: 'open', per_page: 10, sort: 'created', direction: 'asc' });
      // Only an issue this app created is trusted: a dashboard-labelled issue by anyone else (another
      // bot included) could carry a forged registry that blocks every plan on a cluster.
      const ours = data.find((issue) => !issue.pull_request && appId !== null && issue.performed_via_github_app?.id === appId);
      return ours ? { number: ours.number, body: ours.body ?? '' } : null;
    },
    async create(title, body) {
      // No blind retry: a create that may have succeeded is found by the next sweep's find().
      const { data } = await octokit.rest.issues.create({ owner, repo, title, body, labels: [DASHBOARD_LABEL], ...NO_BLIND_RETRY });
      try {
        await octokit.graphql('mutation($id: ID!) { pinIssue(input: { issueId: $id }) { issue { number } } }', { id: data.node_id });
      } catch {
        // Three pins at most per repository; an unpinned dashboard still works.
      }
      return data.number;
    },
    async update(number, body) {
      await octokit.rest.issues.update({ owner, repo, issue_number: number, body });
    },
  };
}

export type DashboardEntry = { number: number; body: string } | null;

/**
 * The registry from a per-installation cache (keyed by repository) instead of one read per event.
 * `readThrough` (the sweep) always reads GitHub — conditionally, so unchanged costs a free 304 — and
 * refreshes the cache; every write updates the cache too.
 */
export function cachedDashboard(port: DashboardPort, cache: TtlCache<string, DashboardEntry>, repoKey: string, readThrough = false): DashboardPort {
  return {
    async find() {
      const hit = readThrough ? undefined : cache.get(repoKey);
      if (hit !== undefined) return hit && { ...hit };
      const found = await port.find();
      cache.set(repoKey, found);
      return found;
    },
    async create(title, body) {
      const number = await port.create(title, body);
      cache.set(repoKey, { number, body });
      return number;
    },
    async update(number, body) {
      await port.update(number, body);
      cache.set(repoKey, { number, body });
    },
  };
}

/** A dashboard in memory, for the CLI and tests. */
export class MemoryDashboard implements DashboardPort {
  issue: { number: number; body: string } | null = null;
  writes = 0;
  async find() {
    return this.issue ? { ...this.issue } : null;
  }
  async create(_title: string, body: string) {
    this.writes++;
    this.issue = { number: 1, body };
    return 1;
  }
  async update(_number: number, body: string) {
    this.writes++;
    if (this.issue) this.issue.body = body;
  }
}
