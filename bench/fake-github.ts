import nock from 'nock';

/**
 * A stateful fake of the GitHub REST endpoints the app uses, on nock, answering with REST shapes:
 * issues, comments, labels, reactions, permissions, config contents. It counts every call so the
 * benchmark can report calls and writes per event.
 */
export class FakeGitHub {
  calls: Array<{ method: string; path: string }> = [];
  issues = new Map<number, { number: number; title: string; body: string; labels: string[]; user: string }>();
  comments = new Map<number, Array<Record<string, unknown>>>();
  repoLabels = new Set<string>(['workshop-request']);
  private nextComment = 5000;

  constructor(
    private readonly config: string,
    private readonly appId: number,
    readonly repo = '/repos/example-org/infrastructure',
  ) {}

  install(): void {
    const scope = nock('https://api.github.com').persist();
    scope.post(/\/app\/installations\/\d+\/access_tokens/).reply(201, () => this.record('POST', 'token', { token: 'ghs_bench', expires_at: '2099-01-01T00:00:00Z' }));
    scope.get(`${this.repo}/contents/.github%2Fworkshop-readiness.yml`).reply(200, () => this.record('GET', 'config', this.config), { 'content-type': 'application/vnd.github.raw; charset=utf-8' });
    scope.get(new RegExp(`^${this.repo}/issues/(\\d+)$`)).reply((uri) => [200, this.record('GET', 'issue', this.restIssue(num(uri)))]);
    scope.get(new RegExp(`^${this.repo}/issues/(\\d+)/comments`)).reply((uri) => [200, this.record('GET', 'comments', this.comments.get(num(uri)) ?? [])]);
    scope.get(new RegExp(`^${this.repo}/issues\\?`)).reply(() => [200, this.record('GET', 'dashboard', [])]);
    scope.post(new RegExp(`^${this.repo}/issues/(\\d+)/comments`)).reply((uri, body) => {
      const comment = this.restComment(this.nextComment++, (body as { body: string }).body, true);
      this.comments.set(num(uri), [...(this.comments.get(num(uri)) ?? []), comment]);
      return [201, this.record('POST', 'create-comment', comment)];
    });
    scope.patch(new RegExp(`^${this.repo}/issues/comments/(\\d+)$`)).reply((uri, body) => {
      const id = num(uri);
      for (const list of this.comments.values()) for (const c of list) if (c.id === id) c.body = (body as { body: string }).body;
      return [200, this.record('PATCH', 'update-comment', { id })];
    });
    scope.delete(new RegExp(`^${this.repo}/issues/comments/(\\d+)$`)).reply(() => [204, this.record('DELETE', 'delete-comment', '')]);
    scope.post(new RegExp(`^${this.repo}/issues/(\\d+)/labels`)).reply((uri, body) => {
      const issue = this.issues.get(num(uri));
      const added = (body as { labels: string[] }).labels;
      if (issue) issue.labels = [...new Set([...issue.labels, ...added])];
      const created = added.filter((l) => !this.repoLabels.has(l));
      created.forEach((l) => this.repoLabels.add(l));
      return [200, this.record('POST', 'add-labels', (issue?.labels ?? []).map((name) => ({ name, color: created.includes(name) ? 'ededed' : '1d76db', description: created.includes(name) ? null : 'x' })))];
    });
    scope.patch(new RegExp(`^${this.repo}/labels/`)).reply(() => [200, this.record('PATCH', 'update-label', {})]);
    scope.delete(new RegExp(`^${this.repo}/issues/(\\d+)/labels/`)).reply((uri) => {
      const issue = this.issues.get(num(uri));
      const name = decodeURIComponent(uri.split('/labels/')[1] ?? '');
      if (issue) issue.labels = issue.labels.filter((l) => l !== name);
      return [200, this.record('DELETE', 'remove-label', [])];
    });
    scope.post(new RegExp(`^${this.repo}/issues/comments/\\d+/reactions`)).reply(() => [201, this.record('POST', 'reaction', { id: 1, content: '+1' })]);
    scope.get(new RegExp(`^${this.repo}/collaborators/[^/]+/permission`)).reply((uri) => [200, this.record('GET', 'permission', { permission: uri.includes('engineer') ? 'write' : 'read', role_name: uri.includes('engineer') ? 'write' : 'read', user: {} })]);
  }

  private record<T>(method: string, path: string, value: T): T {
    this.calls.push({ method, path });
    return value;
  }

  /** A comment by a person (for commands). */
  addUserComment(issue: number, login: string, body: string): Record<string, unknown> {
    const comment = this.restComment(this.nextComment++, body, false, login);
    this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment]);
    return comment;
  }

  writesSince(mark: number): number {
    return this.calls.slice(mark).filter((c) => c.method !== 'GET' && c.path !== 'token').length;
  }

  private restIssue(number: number) {
    const issue = this.issues.get(number);
    return {
      number,
      title: issue?.title ?? '',
      body: issue?.body ?? '',
      state: 'open',
      user: { login: issue?.user ?? 'someone', type: 'User' },
      labels: (issue?.labels ?? []).map((name) => ({ name, color: '1d76db' })),
    };
  }

  private restComment(id: number, body: string, app: boolean, login = 'workshop-readiness[bot]') {
    const at = '2027-02-01T15:00:05Z';
    return { id, body, user: { login, type: app ? 'Bot' : 'User' }, created_at: at, updated_at: at, performed_via_github_app: app ? { id: this.appId } : null };
  }
}

function num(uri: string): number {
  return Number(/\/(\d+)(?:\/|$|\?)/.exec(uri.replace(/^.*\/issues\//, '/'))?.[1] ?? /comments\/(\d+)/.exec(uri)?.[1] ?? 0);
}
