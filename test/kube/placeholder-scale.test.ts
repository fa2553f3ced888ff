import nock from 'nock';
import { placeholderScale } from '../../src/kube/placeholder-scale.js';
import { api, testKubeConfig } from './support.js';

const HUB = 'workshops';
const SCALE_PATH = `/apis/apps/v1/namespaces/${HUB}/statefulsets/user-placeholder/scale`;

/** A Scale as the API server returns it for a StatefulSet (autoscaling/v1, as apps/v1 serves it). */
const scale = (replicas: number, resourceVersion = '4711') => ({
  kind: 'Scale',
  apiVersion: 'autoscaling/v1',
  metadata: { name: 'user-placeholder', namespace: HUB, uid: '1f9c5e8a-7d0b-4a52-9d3e-2b7c0a6f9e11', resourceVersion, creationTimestamp: '2027-01-05T10:00:00Z' },
  spec: { replicas },
  status: { replicas, selector: 'app=jupyterhub,component=user-placeholder,release=workshops' },
});

const notFound = {
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
  message: 'statefulsets.apps "user-placeholder" not found', reason: 'NotFound', details: { name: 'user-placeholder', group: 'apps', kind: 'statefulsets' }, code: 404,
};

describe('placeholderScale (apps/v1 statefulsets/scale, nock)', () => {

  test('reads the desired replicas', async () => {
    const scope = api().get(SCALE_PATH).reply(200, scale(6));
    await expect(placeholderScale(testKubeConfig()).replicas(HUB)).resolves.toBe(6);
    expect(scope.isDone()).toBe(true);
  });

  test('a hub without placeholders reads as null', async () => {
    api().get(SCALE_PATH).reply(404, notFound);
    await expect(placeholderScale(testKubeConfig()).replicas(HUB)).resolves.toBeNull();
  });

  test('scales with a conditional replace carrying the resourceVersion it read', async () => {
    let sent: Record<string, any> | undefined;
    const scope = api()
      .get(SCALE_PATH).reply(200, scale(0, '4711'))
      .put(SCALE_PATH, (body) => ((sent = body), true)).reply(200, scale(6, '4712'));
    await placeholderScale(testKubeConfig()).scale(HUB, 6);
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'user-placeholder', namespace: HUB, resourceVersion: '4711' }, spec: { replicas: 6 } });
  });

  test('already at the wanted replicas: no write', async () => {
    const scope = api().get(SCALE_PATH).reply(200, scale(6));
    await placeholderScale(testKubeConfig()).scale(HUB, 6);
    expect(scope.isDone()).toBe(true);
  });

  test('a deploy in between (409 Conflict) is read again and the write retried once', async () => {
    const conflict = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Operation cannot be fulfilled on statefulsets.apps "user-placeholder": the object has been modified; please apply your changes to the latest version and try again', reason: 'Conflict', code: 409 };
    const versions: string[] = [];
    const scope = api()
      .get(SCALE_PATH).reply(200, scale(6, '10'))
      .put(SCALE_PATH, (body) => (versions.push(body.metadata.resourceVersion), true)).reply(409, conflict)
      .get(SCALE_PATH).reply(200, scale(6, '11'))
      .put(SCALE_PATH, (body) => (versions.push(body.metadata.resourceVersion), true)).reply(200, scale(0, '12'));
    await placeholderScale(testKubeConfig()).scale(HUB, 0);
    expect(scope.isDone()).toBe(true);
    expect(versions).toEqual(['10', '11']);
  });

  test('no RBAC for statefulsets/scale: one line that says what to grant', async () => {
    api().get(SCALE_PATH).reply(403, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403,
      message: 'statefulsets.apps "user-placeholder" is forbidden: User "system:serviceaccount:workshop-readiness:workshop-readiness" cannot get resource "statefulsets/scale" in API group "apps" in the namespace "workshops"',
    });
    await expect(placeholderScale(testKubeConfig()).scale(HUB, 6)).rejects.toThrow(/^Kubernetes refused reading the user placeholders in namespace workshops: .*cannot get resource "statefulsets\/scale"/);
  });

  test('scaling a hub without placeholders says how to turn them on', async () => {
    api().get(SCALE_PATH).reply(404, notFound);
    await expect(placeholderScale(testKubeConfig()).scale(HUB, 6)).rejects.toThrow(/no user-placeholder StatefulSet: turn on scheduling.userPlaceholder/);
  });
});
