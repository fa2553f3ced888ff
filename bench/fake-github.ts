import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import nock from 'nock';
import { isStatusCommentBody, repliedTo } from '../src/workshop/marker.js';
import { noticeKey } from '../src/workshop/notices.js';

/**
 * A stateful fake of the GitHub REST endpoints the app uses (issues, comments, labels, reactions,
 * permissions, config and infra contents, the Git Data API, pull requests) answering with REST shapes
 * and ETags (304 on If-None-Match), plus the Kubernetes Lease API. One request handler serves both the
 * in-process bench (through nock) and the outside-in test (a real HTTP server on loopback). It records
 * every call and checks after every write that no issue holds two status comments, two replies to one
 * command, two notices with one key, or two load-test runs, and that no branch has two pull requests.
 */

export interface Call {
  method: string;
  path: string;
  /** Which route answered, e.g. `comments`, `create-comment`. */
  route: string;
  status: number;
  at: number;
}

interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  user: string;
  state: 'open' | 'closed';
}

interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
  created_at: string;
  updated_at: string;
  performed_via_github_app: { id: number; slug: string } | null;
}

interface FakePull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: 'open' | 'closed';
  merged_at: string | null;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeRequest {
  method: string;
  /** Path and query, with any `/api/v3` prefix (GitHub Enterprise Server form) removed. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

const APP_SLUG = 'workshop-readiness';
const NOT_FOUND: Answer = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };

export class FakeGitHub {
  calls: Call[] = [];
  issues = new Map<number, FakeIssue>();
  comments = new Map<number, FakeComment[]>();
  repoLabels = new Map<string, { color: string; description: string | null }>([['workshop-request', { color: '0052cc', description: 'Workshop request' }]]);
  reactions: Array<{ commentId: number; content: string }> = [];
  pulls: FakePull[] = [];
  /** Infra files on each branch (path → text). */
  branches = new Map<string, Map<string, string>>();
  /** Writers of the users the permission API knows (others read). */
  writers = new Set<string>(['hub-engineer', 'hub-lead']);
  /** The clock of the timestamps it writes: the app's own in the bench, so comments and the app's state agree. */
  now: () => Date = () => new Date();
  /** Every broken invariant, with the moment it was seen. */
  violations: string[] = [];
  /** Load-test run ids ever recorded per issue. */
  loadTestRuns = new Map<number, Set<string>>();
  /** Comment creations to store and then answer 502 (GitHub does this under load). */
  failCommentAfterStore = 0;
  leases = new Map<string, Record<string, any>>();
  private nextComment = 5000;
  private nextPull = 900;
  private commits = new Map<string, { tree: string; parents: string[] }>();
  private trees = new Map<string, Map<string, string>>();
  private refs = new Map<string, string>();
  private leaseVersion = 1;

  constructor(
    private readonly config: string,
    private readonly appId: number,
    readonly owner = 'example-org',
    readonly repoName = 'infrastructure',
  ) {}

  get repo(): string {
    return `/repos/${this.owner}/${this.repoName}`;
  }

  /** The infra repository's main branch from a folder (e.g. examples/infra-repo). */
  seedInfra(root: string, files: string[]): void {
    const tree = new Map(files.map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
    const treeSha = this.sha('tree', [...tree.entries()]);
    this.trees.set(treeSha, tree);
    const commit = this.sha('commit', [treeSha]);
    this.commits.set(commit, { tree: treeSha, parents: [] });
    this.refs.set('heads/main', commit);
  }

  openIssue(number: number, body: string, title = `[Workshop] request ${number}`, user = 'community-rep'): void {
    this.issues.set(number, { number, title, body, labels: ['workshop-request'], user, state: 'open' });
  }

  addUserComment(issue: number, login: string, body: string): FakeComment {
    const comment = this.comment(body, login, false);
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment]);
    return comment;
  }

  statusComments(issue: number): FakeComment[] {
    return (this.comments.get(issue) ?? []).filter((c) => c.performed_via_github_app && isStatusCommentBody(c.body));
  }

  writesSince(mark: number): number {
    return this.calls.slice(mark).filter((c) => c.method !== 'GET' && c.route !== 'token' && !c.route.startsWith('lease')).length;
  }

  /** Answers through nock (in-process bench). */
  install(base = 'https://api.github.com'): void {
    const scope = nock(base).persist();
    for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
      scope[method](/.*/).reply(function (uri, body) {
        const answer = this_handle(uri, body, this.req.headers as Record<string, string>, method.toUpperCase());
        return [answer.status, answer.body === undefined ? '' : answer.body, answer.headers ?? {}];
      });
    }
    const this_handle = (uri: string, body: unknown, headers: Record<string, string>, method: string) => this.handle({ method, url: uri, headers, body });
  }

  /** Answers over real HTTP on loopback (outside-in test). Resolves with its base URL's host:port. */
  async listen(): Promise<{ host: string; server: Server }> {
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const answer = this.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
        const text = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', ...answer.headers });
        res.end(text);
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  }

  handle(request: FakeRequest): Answer {
    const url = new URL(request.url.replace(/^\/api\/v3/, ''), 'http://fake');
    const answer = this.route(request.method, url, request);
    this.calls.push({ method: request.method, path: decodeURIComponent(url.pathname), route: answer.route, status: answer.status, at: Date.now() });
    if (request.method !== 'GET') this.check();
    return answer;
  }

  private route(method: string, url: URL, request: FakeRequest): Answer & { route: string } {
    const p = decodeURIComponent(url.pathname);
    const body = (request.body ?? {}) as Record<string, any>;
    const r = this.repo;
    let m: RegExpExecArray | null;
    const named = (route: string, answer: Answer) => ({ ...answer, route });

    if (method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(p)) {
      return named('token', { status: 201, body: { token: 'ghs_fake', expires_at: '2099-01-01T00:00:00Z', permissions: { issues: 'write', contents: 'write', pull_requests: 'write' }, repository_selection: 'all' } });
    }
    if ((m = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/.exec(p))) return { ...this.lease(method, m[1] ?? '', m[2], body), route: `lease-${method.toLowerCase()}` };
    if (method === 'GET' && p === `${r}/contents/.github/workshop-readiness.yml`) {
      return named('config', this.conditional(request, this.config, { 'content-type': 'application/vnd.github.raw; charset=utf-8' }));
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/\.github\/contents\//.test(p)) return named('org-config', NOT_FOUND);
    if (method === 'GET' && (m = new RegExp(`^${r}/contents/(.+)$`).exec(p))) {
      const file = decodeURIComponent(m[1] ?? '');
      const text = this.fileAt(url.searchParams.get('ref') ?? 'main', file);
      if (text === null) return named('contents', NOT_FOUND);
      return named('contents', { status: 200, body: { type: 'file', path: file, encoding: 'base64', content: Buffer.from(text).toString('base64'), sha: this.sha('blob', [text]) } });
    }
    if (method === 'GET' && p === `${r}/issues`) return named('registry', this.conditional(request, []));
    if ((m = new RegExp(`^${r}/issues/(\\d+)$`).exec(p)) && method === 'GET') {
      const issue = this.issues.get(Number(m[1]));
      return named('issue', issue ? this.conditional(request, this.restIssue(issue)) : NOT_FOUND);
    }
    if ((m = new RegExp(`^${r}/issues/(\\d+)/comments$`).exec(p))) {
      const number = Number(m[1]);
      if (method === 'GET') return named('comments', this.conditional(request, this.comments.get(number) ?? []));
      if (method === 'POST') {
        const comment = this.comment(String(body.body ?? ''), `${APP_SLUG}[bot]`, true);
        this.comments.set(number, [...(this.comments.get(number) ?? []), comment]);
        if (this.failCommentAfterStore > 0) {
          this.failCommentAfterStore--;
          return named('create-comment', { status: 502, body: { message: 'Server Error' } });
        }
        return named('create-comment', { status: 201, body: comment });
      }
    }
    if ((m = new RegExp(`^${r}/issues/comments/(\\d+)$`).exec(p))) {
      const id = Number(m[1]);
      const found = [...this.comments.values()].flat().find((c) => c.id === id);
      if (!found) return named('comment', NOT_FOUND);
      if (method === 'PATCH') {
        found.body = String(body.body ?? '');
        found.updated_at = this.now().toISOString();
        return named('update-comment', { status: 200, body: found });
      }
      if (method === 'DELETE') {
        for (const [n, list] of this.comments) this.comments.set(n, list.filter((c) => c.id !== id));
        return named('delete-comment', { status: 204 });
      }
    }
    if ((m = new RegExp(`^${r}/issues/comments/(\\d+)/reactions$`).exec(p)) && method === 'POST') {
      this.reactions.push({ commentId: Number(m[1]), content: String(body.content) });
      return named('reaction', { status: 201, body: { id: this.reactions.length, content: body.content, user: { login: `${APP_SLUG}[bot]` } } });
    }
    if (p === `${r}/labels` && method === 'POST') {
      if (this.repoLabels.has(body.name)) {
        return named('create-label', { status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }], status: '422' } });
      }
      this.repoLabels.set(body.name, { color: body.color, description: body.description ?? null });
      return named('create-label', { status: 201, body: this.restLabel(body.name) });
    }
    if ((m = new RegExp(`^${r}/labels/(.+)$`).exec(p)) && method === 'PATCH') {
      const name = decodeURIComponent(m[1] ?? '');
      this.repoLabels.set(name, { color: body.color, description: body.description ?? null });
      return named('update-label', { status: 200, body: this.restLabel(name) });
    }
    if ((m = new RegExp(`^${r}/issues/(\\d+)/labels$`).exec(p)) && method === 'POST') {
      const issue = this.issues.get(Number(m[1]));
      if (!issue) return named('add-labels', NOT_FOUND);
      for (const name of body.labels as string[]) if (!this.repoLabels.has(name)) this.repoLabels.set(name, { color: 'ededed', description: null });
      issue.labels = [...new Set([...issue.labels, ...(body.labels as string[])])];
      return named('add-labels', { status: 200, body: issue.labels.map((l) => this.restLabel(l)) });
    }
    if ((m = new RegExp(`^${r}/issues/(\\d+)/labels/(.+)$`).exec(p)) && method === 'DELETE') {
      const issue = this.issues.get(Number(m[1]));
      const name = decodeURIComponent(m[2] ?? '');
      if (!issue || !issue.labels.includes(name)) return named('remove-label', NOT_FOUND);
      issue.labels = issue.labels.filter((l) => l !== name);
      return named('remove-label', { status: 200, body: issue.labels.map((l) => this.restLabel(l)) });
    }
    if ((m = new RegExp(`^${r}/collaborators/([^/]+)/permission$`).exec(p))) {
      const login = decodeURIComponent(m[1] ?? '');
      const permission = this.writers.has(login) ? 'write' : 'read';
      return named('permission', { status: 200, body: { permission, role_name: permission, user: { login } } });
    }
    return this.git(method, p, url, body) ?? named('unknown', NOT_FOUND);
  }

  /** The Git Data API and pull requests, enough for the infra PR (one tree, one commit, one ref). */
  private git(method: string, p: string, url: URL, body: Record<string, any>): (Answer & { route: string }) | null {
    const r = this.repo;
    let m: RegExpExecArray | null;
    if (method === 'GET' && p === `${r}/pulls`) {
      const head = url.searchParams.get('head')?.split(':')[1];
      return { route: 'list-pulls', status: 200, body: this.pulls.filter((pr) => !head || pr.head === head).map((pr) => this.restPull(pr)) };
    }
    if (method === 'POST' && p === `${r}/pulls`) {
      if (this.pulls.some((pr) => pr.head === body.head && pr.state === 'open')) {
        return { route: 'create-pull', status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${this.owner}:${body.head}.` }] } };
      }
      const pr: FakePull = { number: this.nextPull++, head: body.head, base: body.base, title: body.title, body: body.body, state: 'open', merged_at: null };
      this.pulls.push(pr);
      return { route: 'create-pull', status: 201, body: this.restPull(pr) };
    }
    if ((m = new RegExp(`^${r}/pulls/(\\d+)$`).exec(p)) && method === 'PATCH') {
      const pr = this.pulls.find((x) => x.number === Number(m?.[1]));
      if (!pr) return { route: 'update-pull', ...NOT_FOUND };
      Object.assign(pr, { title: body.title ?? pr.title, body: body.body ?? pr.body });
      return { route: 'update-pull', status: 200, body: this.restPull(pr) };
    }
    if ((m = new RegExp(`^${r}/git/ref/(.+)$`).exec(p)) && method === 'GET') {
      const sha = this.refs.get(decodeURIComponent(m[1] ?? ''));
      return sha ? { route: 'get-ref', status: 200, body: { ref: `refs/${m[1]}`, object: { sha, type: 'commit' } } } : { route: 'get-ref', ...NOT_FOUND };
    }
    if ((m = new RegExp(`^${r}/git/commits/([0-9a-f]+)$`).exec(p)) && method === 'GET') {
      const commit = this.commits.get(m[1] ?? '');
      return commit ? { route: 'get-commit', status: 200, body: { sha: m[1], tree: { sha: commit.tree }, parents: commit.parents.map((sha) => ({ sha })) } } : { route: 'get-commit', ...NOT_FOUND };
    }
    if (method === 'POST' && p === `${r}/git/trees`) {
      const tree = new Map(this.trees.get(body.base_tree) ?? []);
      for (const entry of body.tree as Array<{ path: string; content: string }>) tree.set(entry.path, entry.content);
      const sha = this.sha('tree', [...tree.entries()]);
      this.trees.set(sha, tree);
      return { route: 'create-tree', status: 201, body: { sha, tree: [] } };
    }
    if (method === 'POST' && p === `${r}/git/commits`) {
      const sha = this.sha('commit', [body.tree, ...(body.parents as string[]), body.message]);
      this.commits.set(sha, { tree: body.tree, parents: body.parents });
      return { route: 'create-commit', status: 201, body: { sha, tree: { sha: body.tree } } };
    }
    if ((m = new RegExp(`^${r}/git/refs/(.+)$`).exec(p)) && method === 'PATCH') {
      const ref = decodeURIComponent(m[1] ?? '');
      if (!this.refs.has(ref)) return { route: 'update-ref', status: 422, body: { message: 'Reference does not exist' } };
      this.refs.set(ref, body.sha);
      return { route: 'update-ref', status: 200, body: { ref: `refs/${ref}`, object: { sha: body.sha } } };
    }
    if (method === 'POST' && p === `${r}/git/refs`) {
      const ref = String(body.ref).replace(/^refs\//, '');
      if (this.refs.has(ref)) return { route: 'create-ref', status: 422, body: { message: 'Reference already exists' } };
      this.refs.set(ref, body.sha);
      return { route: 'create-ref', status: 201, body: { ref: body.ref, object: { sha: body.sha } } };
    }
    return null;
  }

  /** The Lease API with the server's semantics: 409 AlreadyExists on create, 409 Conflict on a stale resourceVersion. */
  private lease(method: string, namespace: string, name: string | undefined, body: Record<string, any>): Answer {
    const status = (code: number, reason: string, message: string): Answer => ({ status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } });
    const key = `${namespace}/${name ?? body.metadata?.name}`;
    const stored = this.leases.get(key);
    if (method === 'POST') {
      if (stored) return status(409, 'AlreadyExists', `leases.coordination.k8s.io "${body.metadata?.name}" already exists`);
      const lease = { ...body, metadata: { ...body.metadata, namespace, resourceVersion: String(this.leaseVersion++) } };
      this.leases.set(key, lease);
      return { status: 201, body: lease };
    }
    if (!stored) return status(404, 'NotFound', `leases.coordination.k8s.io "${name}" not found`);
    if (method === 'GET') return { status: 200, body: stored };
    if (method === 'PUT') {
      if (body.metadata?.resourceVersion !== stored.metadata.resourceVersion) {
        return status(409, 'Conflict', `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`);
      }
      const lease = { ...body, metadata: { ...body.metadata, namespace, resourceVersion: String(this.leaseVersion++) } };
      this.leases.set(key, lease);
      return { status: 200, body: lease };
    }
    return status(405, 'MethodNotAllowed', 'method not allowed');
  }

  /** 200 with an ETag, or 304 when the client already holds this version (free on GitHub). */
  private conditional(request: FakeRequest, value: unknown, headers: Record<string, string> = {}): Answer {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    const etag = `W/"${createHash('sha1').update(text).digest('hex')}"`;
    if (request.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
    return { status: 200, body: value, headers: { ...headers, etag } };
  }

  private check(): void {
    const at = this.now().toISOString();
    for (const [number, list] of this.comments) {
      const status = this.statusComments(number);
      if (status.length > 1) this.violations.push(`${at} #${number}: ${status.length} status comments`);
      const replies = new Map<number, number>();
      const notices = new Map<string, number>();
      for (const c of list.filter((x) => x.performed_via_github_app)) {
        const to = repliedTo(c.body);
        if (to !== null) replies.set(to, (replies.get(to) ?? 0) + 1);
        const key = noticeKey(c.body);
        if (key) notices.set(key, (notices.get(key) ?? 0) + 1);
      }
      for (const [to, n] of replies) if (n > 1) this.violations.push(`${at} #${number}: ${n} replies to comment ${to}`);
      for (const [key, n] of notices) if (n > 1) this.violations.push(`${at} #${number}: ${n} notices "${key}"`);
      for (const c of status) {
        for (const run of c.body.matchAll(/"runId":"([^"]+)"/g)) {
          const runs = this.loadTestRuns.get(number) ?? new Set<string>();
          runs.add(run[1] ?? '');
          this.loadTestRuns.set(number, runs);
        }
      }
      if ((this.loadTestRuns.get(number)?.size ?? 0) > 1) this.violations.push(`${at} #${number}: ${this.loadTestRuns.get(number)?.size} load-test runs`);
    }
    const heads = new Map<string, number>();
    for (const pr of this.pulls) heads.set(pr.head, (heads.get(pr.head) ?? 0) + 1);
    for (const [head, n] of heads) if (n > 1) this.violations.push(`${at} ${n} pull requests for ${head}`);
  }

  private fileAt(ref: string, file: string): string | null {
    const commit = this.refs.get(`heads/${ref}`);
    const tree = commit ? this.trees.get(this.commits.get(commit)?.tree ?? '') : undefined;
    return tree?.get(file) ?? null;
  }

  private sha(kind: string, parts: unknown[]): string {
    return createHash('sha1').update(`${kind}:${JSON.stringify(parts)}:${this.commits.size}:${this.trees.size}`).digest('hex');
  }

  private comment(body: string, login: string, app: boolean): FakeComment {
    const at = this.now().toISOString();
    return { id: this.nextComment++, body, user: { login, type: app ? 'Bot' : 'User' }, created_at: at, updated_at: at, performed_via_github_app: app ? { id: this.appId, slug: APP_SLUG } : null };
  }

  private restIssue(issue: FakeIssue) {
    return { number: issue.number, title: issue.title, body: issue.body, state: issue.state, user: { login: issue.user, type: 'User' }, labels: issue.labels.map((l) => this.restLabel(l)) };
  }

  private restLabel(name: string) {
    const label = this.repoLabels.get(name);
    return { name, color: label?.color ?? 'ededed', description: label?.description ?? null, default: false };
  }

  private restPull(pr: FakePull) {
    return {
      number: pr.number,
      html_url: `https://github.com/${this.owner}/${this.repoName}/pull/${pr.number}`,
      state: pr.state,
      merged_at: pr.merged_at,
      title: pr.title,
      body: pr.body,
      head: { ref: pr.head, label: `${this.owner}:${pr.head}` },
      base: { ref: pr.base },
    };
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
