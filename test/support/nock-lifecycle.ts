import nock from 'nock';

/**
 * Every HTTP call a test makes must be one it expected. Real network is off (a test may allow the
 * loopback interface for a server it starts itself); a request no
 * interceptor matches is recorded here even when the code under test catches the error (the
 * sweeper logs and goes on, Probot retries), and fails the test in `afterEach`. So does an
 * interceptor set up but never called: the test expected a call that did not happen.
 *
 * Each test file gets its own module registry, hence its own nock, but all share Node's http
 * module: a nock left active by one file would answer (and refuse) another file's requests. Each
 * file activates its own on start and restores the real http module when done.
 */
const unmatched: string[] = [];
/** Requests to the loopback interface reach a server the test itself started (tests of the HTTP endpoints). */
const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//;
type Unmatched = { method?: string; href?: string; path?: string; host?: string; options?: Unmatched };
const recordUnmatched = (request: Unmatched) => {
  const options = request.options ?? request;
  const url = options.href ?? `${options.host ?? ''}${options.path ?? ''}`;
  if (!LOOPBACK.test(url)) unmatched.push(`${options.method ?? 'GET'} ${url}`);
};

beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
  nock.emitter.on('no match', recordUnmatched);
});

afterEach(() => {
  const extra = unmatched.splice(0);
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (extra.length > 0) throw new Error(`unexpected HTTP request${extra.length > 1 ? 's' : ''} (no interceptor matched):\n  ${extra.join('\n  ')}`);
  if (pending.length > 0) throw new Error(`expected HTTP request${pending.length > 1 ? 's' : ''} never made:\n  ${pending.join('\n  ')}`);
});

afterAll(() => {
  nock.emitter.removeListener('no match', recordUnmatched);
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
