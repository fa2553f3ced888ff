import nock from 'nock';

/**
 * Each test file gets its own module registry, hence its own nock, but all share Node's http
 * module: a nock left active by one file would answer (and refuse) another file's requests. Each
 * file activates its own on start and restores the real http module when done.
 */
beforeAll(() => {
  if (!nock.isActive()) nock.activate();
});

afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
