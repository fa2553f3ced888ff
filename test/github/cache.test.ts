import nock from 'nock';
import { EtagCache, TtlCache, conditionalRequests } from '../../src/github/cache.js';
import { issuePortCaches, octokitIssuePort } from '../../src/github/issue-port.js';
import { API, REPO, QuietOctokit, restComment } from '../support/probot.js';

const octokit = () => new QuietOctokit({ auth: 'ghs_test' });

describe('conditional requests and caches (nock, real 304 behaviour)', () => {

  test('comments: the ETag goes back as If-None-Match and a 304 is answered from the stored response', async () => {
    const etags = new EtagCache();
    const client = octokit();
    conditionalRequests(client, etags, '4242');
    const etag = 'W/"6f1ed002ab5595859014ebf0951522d9"';
    const scope = nock(API)
      .get(`${REPO}/issues/17/comments`)
      .query({ per_page: 100 })
      .reply(200, [restComment(501, 'status', { app: true })], { etag })
      .get(`${REPO}/issues/17/comments`)
      .query({ per_page: 100 })
      .matchHeader('if-none-match', etag)
      .reply(304, '', { etag });
    const port = octokitIssuePort(client, { owner: 'example-org', repo: 'infrastructure', issue_number: 17 }, 123);
    const first = await port.listComments();
    const second = await port.listComments();
    expect(scope.isDone()).toBe(true);
    expect(second).toEqual(first);
    expect(second[0]?.byThisApp).toBe(true);
  });

  test('routes GitHub does not answer 304 for free are never conditional; installations do not share entries', async () => {
    const etags = new EtagCache();
    const a = octokit();
    const b = octokit();
    conditionalRequests(a, etags, '1');
    conditionalRequests(b, etags, '2');
    const seen: Array<string | undefined> = [];
    nock(API)
      .get(`${REPO}/collaborators/hub-engineer/permission`)
      .times(2)
      .reply(function () {
        seen.push(this.req.headers['if-none-match'] as string | undefined);
        return [200, { permission: 'write', role_name: 'write', user: { login: 'hub-engineer' } }, { etag: '"p1"' }];
      })
      .get(`${REPO}/issues/17`)
      .times(2)
      .reply(function () {
        seen.push(this.req.headers['if-none-match'] as string | undefined);
        return [200, { number: 17, title: 't', body: '', state: 'open', user: { login: 'x' }, labels: [] }, { etag: '"i1"' }];
      });
    await a.rest.repos.getCollaboratorPermissionLevel({ owner: 'example-org', repo: 'infrastructure', username: 'hub-engineer' });
    await a.rest.repos.getCollaboratorPermissionLevel({ owner: 'example-org', repo: 'infrastructure', username: 'hub-engineer' });
    await a.rest.issues.get({ owner: 'example-org', repo: 'infrastructure', issue_number: 17 });
    await b.rest.issues.get({ owner: 'example-org', repo: 'infrastructure', issue_number: 17 });
    expect(seen).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('permissions are looked up once per (repository, user) within the TTL, again after it', async () => {
    let now = 0;
    const caches = issuePortCaches(60_000, () => now);
    const scope = nock(API)
      .get(`${REPO}/collaborators/hub-engineer/permission`)
      .times(2)
      .reply(200, { permission: 'write', role_name: 'write', user: { login: 'hub-engineer' } });
    const port = (issue: number) => octokitIssuePort(octokit(), { owner: 'example-org', repo: 'infrastructure', issue_number: issue }, 123, caches);
    expect(await port(17).permissionOf('hub-engineer')).toBe('write');
    expect(await port(18).permissionOf('hub-engineer')).toBe('write');
    expect(scope.pendingMocks()).toHaveLength(1);
    now = 60_001;
    await port(17).permissionOf('hub-engineer');
    expect(scope.isDone()).toBe(true);
  });

  test('TtlCache: expiry, bound (oldest out first), null is a value', () => {
    let now = 0;
    const cache = new TtlCache<string, number | null>(100, 2, () => now);
    cache.set('a', 1);
    cache.set('b', null);
    cache.set('c', 3);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeNull();
    now = 100;
    expect(cache.get('c')).toBeUndefined();
  });
});
