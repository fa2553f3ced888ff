import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { Probot, ProbotOctokit, createNodeMiddleware } from 'probot';
import { createApp } from '../../src/server/app.js';
import { httpHandler } from '../../src/server/http.js';
import { Metrics } from '../../src/server/metrics.js';
import { payload } from '../support/probot.js';

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).then((handled) => {
      if (handled === false) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('HTTP endpoints', () => {
  beforeAll(() => nock.enableNetConnect('127.0.0.1'));
  let server: Server | undefined;
  afterEach(() => server?.close());

  test('/healthz, /readyz and /metrics in Prometheus text format', async () => {
    const metrics = new Metrics();
    metrics.inc('workshop_readiness_events_total', { event: 'issues' });
    metrics.inc('workshop_readiness_events_total', { event: 'issues' });
    metrics.observeReconcile(0.012);
    metrics.recordStage('o/r#1', 'modeled');
    metrics.recordStage('o/r#2', 'modeled');
    metrics.set('workshop_readiness_github_rate_limit_remaining', { installation: '4242' }, 4987);
    const started = await serve(httpHandler({ metrics, sweep: null, sweepToken: null, ready: () => true }));
    server = started.server;
    expect(await (await fetch(`${started.url}/healthz`)).text()).toBe('ok\n');
    expect((await fetch(`${started.url}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${started.url}/metrics`)).text();
    expect(text).toContain('# TYPE workshop_readiness_events_total counter');
    expect(text).toContain('workshop_readiness_events_total{event="issues"} 2');
    expect(text).toContain('workshop_readiness_reconcile_duration_seconds_bucket{le="0.025"} 1');
    expect(text).toContain('workshop_readiness_reconcile_duration_seconds_bucket{le="0.01"} 0');
    expect(text).toContain('workshop_readiness_requests_by_stage{stage="modeled"} 2');
    expect(text).toContain('workshop_readiness_github_rate_limit_remaining{installation="4242"} 4987');
    expect((await fetch(`${started.url}/other`)).status).toBe(404);
  });

  test('POST /sweep needs the bearer token; one sweep at a time', async () => {
    // No real time: the first sweep is held open until the second request has reached the handler.
    let runs = 0;
    let release!: () => void;
    const held = new Promise<void>((done) => (release = done));
    const sweep = async () => {
      runs++;
      await held;
      return { reconciled: 3, failed: 0, writes: 1, dashboard: 'updated' as const };
    };
    const handler = httpHandler({ metrics: new Metrics(), sweep, sweepToken: 's3cret-token', ready: () => true });
    let sweepRequests = 0;
    const started = await serve((req, res) => {
      if (req.url === '/sweep' && req.headers.authorization === 'Bearer s3cret-token') sweepRequests++;
      return handler(req, res);
    });
    server = started.server;
    expect((await fetch(`${started.url}/sweep`, { method: 'POST' })).status).toBe(401);
    expect((await fetch(`${started.url}/sweep`, { method: 'POST', headers: { authorization: 'Bearer wrong-token!' } })).status).toBe(401);
    expect((await fetch(`${started.url}/sweep`)).status).toBe(405);
    expect(runs).toBe(0);
    const auth = { method: 'POST', headers: { authorization: 'Bearer s3cret-token' } };
    const a = fetch(`${started.url}/sweep`, auth);
    const b = fetch(`${started.url}/sweep`, auth);
    while (sweepRequests < 2) await new Promise((done) => setImmediate(done));
    release();
    const [first, second] = await Promise.all([a, b]);
    expect(await first.json()).toEqual({ reconciled: 3, failed: 0, writes: 1, dashboard: 'updated' });
    expect(await second.json()).toEqual({ reconciled: 3, failed: 0, writes: 1, dashboard: 'updated' });
    expect(runs).toBe(1);
  });

  test('webhook signature verification: a bad signature is rejected and no handler runs', async () => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
    const secret = 'webhook-secret-for-tests';
    const probot = new Probot({ appId: 123, privateKey: 'unused', secret, Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }), logLevel: 'fatal' });
    // Every event the app's handlers would see is also seen here: a rejected delivery reaches neither.
    const delivered: string[] = [];
    const app = createApp({ appId: 123, sweepIntervalMinutes: 0, sweepToken: null, markerSecret: secret });
    const withSpy: typeof app = (probotApp, options) => {
      probotApp.onAny(async (event) => void delivered.push(`${event.name}:${event.id}`));
      return app(probotApp, options);
    };
    const middleware = await createNodeMiddleware(withSpy, { probot, webhooksPath: '/api/github/webhooks' });
    const started = await serve(middleware);
    server = started.server;
    const body = JSON.stringify(payload('issues.opened.plain'));
    const post = (signature: string) =>
      fetch(`${started.url}/api/github/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'd-1', 'x-hub-signature-256': signature },
        body,
      });
    const bad = await post(`sha256=${createHmac('sha256', 'not-the-secret').update(body).digest('hex')}`);
    expect(bad.status).toBe(400);
    expect(delivered).toEqual([]);
    // The same body correctly signed is accepted and handled (a plain issue: no API call follows).
    const good = await post(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    expect(good.status).toBe(200);
    expect(delivered).toEqual(['issues:d-1']);
  });
});
