import nock from 'nock';
import { createApp } from '../../src/server/app.js';
import { decodeMarker, deriveMarkerKey, LOCAL_MARKER_KEY } from '../../src/workshop/marker.js';
import { API, REPO, TEST_MARKER_SECRET, fixedClock, nockCreateLabel, nockIssueReads, payload, restComment, restLabel, testProbot } from '../support/probot.js';

type Payload = { issue: Record<string, unknown> & { number: number } };

/** The server seals its markers with a key derived from its own secret, never the public local key. */
describe('the app seals the state marker with its own key', () => {

  test('the status comment verifies under the key from WEBHOOK_SECRET for this issue, not under the local key', async () => {
    const probot = await testProbot(fixedClock('2027-02-01T15:00:00Z'));
    let commentBody = '';
    const scope = nockIssueReads(nock(API), payload<Payload>('issues.opened').issue);
    scope.post(`${REPO}/issues/17/comments`, (b: { body: string }) => ((commentBody = b.body), true)).reply(201, restComment(501, 'x', { app: true }));
    nockCreateLabel(scope, 'readiness: modeled', '1d76db', 'Workshop request: capacity plan fits with no blocking risk');
    scope.post(`${REPO}/issues/17/labels`).reply(200, [restLabel('readiness: modeled', '1d76db', 'x')]);
    await probot.receive({ id: 'delivery-k', name: 'issues', payload: payload<Payload>('issues.opened') as never });
    expect(scope.isDone()).toBe(true);

    const scopeName = 'example-org/infrastructure#17';
    expect(decodeMarker(commentBody, { key: deriveMarkerKey(TEST_MARKER_SECRET), scope: scopeName })?.stage).toBe('modeled');
    expect(decodeMarker(commentBody, { key: LOCAL_MARKER_KEY, scope: scopeName })).toBeNull();
    expect(decodeMarker(commentBody, { key: deriveMarkerKey(TEST_MARKER_SECRET), scope: 'example-org/infrastructure#18' })).toBeNull();
  });

  test('without any secret the app refuses to start rather than seal with a public key', () => {
    const saved = { WEBHOOK_SECRET: process.env.WEBHOOK_SECRET, PRIVATE_KEY: process.env.PRIVATE_KEY };
    delete process.env.WEBHOOK_SECRET;
    delete process.env.PRIVATE_KEY;
    try {
      expect(() => createApp({ appId: 123, sweepIntervalMinutes: 0, sweepToken: null })).toThrow(/WEBHOOK_SECRET/);
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    }
  });
});
