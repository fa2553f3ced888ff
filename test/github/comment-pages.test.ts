import nock from 'nock';
import { ProbotOctokit } from 'probot';
import { commentPagesAfterFirst, lastPageOf, MAX_COMMENT_PAGES, octokitIssuePort } from '../../src/github/issue-port.js';
import { API, APP_ID, REPO, restComment } from '../support/probot.js';

const octokit = () => new ProbotOctokit({ auth: { token: 'ghs_test' }, retry: { enabled: false }, throttle: { enabled: false } });
const PATH = `${REPO}/issues/17/comments`;
const link = (last: number) =>
  `<https://api.github.com${PATH}?per_page=100&page=2>; rel="next", <https://api.github.com${PATH}?per_page=100&page=${last}>; rel="last"`;
const page = (n: number) => Array.from({ length: 100 }, (_, i) => restComment(10_000 + (n - 1) * 100 + i, `comment ${(n - 1) * 100 + i}`, { login: 'someone' }));

afterEach(() => nock.cleanAll());

describe('bounded comment reads (finding 9)', () => {
  test.each([
    [undefined, 1],
    [link(3), 3],
    [link(50), 50],
    ['<https://api.github.com/x?page=2>; rel="next"', 1],
  ])('lastPageOf(%j) = %d', (header, expected) => {
    expect(lastPageOf(header)).toBe(expected);
  });

  test.each([
    [1, []],
    [3, [2, 3]],
    [10, [2, 3, 4, 5, 6, 7, 8, 9, 10]],
    [11, [3, 4, 5, 6, 7, 8, 9, 10, 11]],
    [50, [42, 43, 44, 45, 46, 47, 48, 49, 50]],
  ])('after the first of %d pages, read %j', (last, expected) => {
    expect(commentPagesAfterFirst(last)).toEqual(expected);
    expect(1 + commentPagesAfterFirst(last).length).toBeLessThanOrEqual(MAX_COMMENT_PAGES);
  });

  test('finding 9: an issue with 5,000 comments costs 10 page reads, not 50: the first page and the newest', async () => {
    const scope = nock(API);
    scope.get(PATH).query({ per_page: 100 }).reply(200, page(1), { link: link(50) });
    for (let n = 42; n <= 50; n++) scope.get(PATH).query({ per_page: 100, page: n }).reply(200, page(n));
    const requests: string[] = [];
    scope.on('request', (req: { path: string }) => requests.push(req.path));
    const comments = await octokitIssuePort(octokit(), { owner: 'example-org', repo: 'infrastructure', issue_number: 17 }, APP_ID).listComments();
    expect(scope.isDone()).toBe(true);
    expect(requests).toHaveLength(10);
    expect(comments).toHaveLength(1000);
    expect(comments[0]?.body).toBe('comment 0');
    expect(comments.at(-1)?.body).toBe('comment 4999');
  });

  test('a short issue is read whole, page by page', async () => {
    const scope = nock(API);
    scope.get(PATH).query({ per_page: 100 }).reply(200, page(1), { link: link(3) });
    scope.get(PATH).query({ per_page: 100, page: 2 }).reply(200, page(2));
    scope.get(PATH).query({ per_page: 100, page: 3 }).reply(200, page(3).slice(0, 7));
    const comments = await octokitIssuePort(octokit(), { owner: 'example-org', repo: 'infrastructure', issue_number: 17 }, APP_ID).listComments();
    expect(scope.isDone()).toBe(true);
    expect(comments).toHaveLength(207);
  });
});
