import type nock from 'nock';
import { api, JSON_HEADERS, NAMESPACE, nodeList, PODS_PATH, POOL_SELECTOR, type fakeClock } from './support.js';

type Json = Record<string, any>;
type Clock = ReturnType<typeof fakeClock>;

/** How the simulated cluster behaves during one load test. */
export interface Scenario {
  /** Seconds after its creation at which pod i is Running; undefined = stays Pending. */
  runAfter: Array<number | undefined>;
  /** Ready pool nodes as a function of seconds since the test started. */
  nodesAt: (elapsedSeconds: number) => number;
  /** Overrides the API's answer to the i-th create (0-based), e.g. a 403 quota Status. */
  createReply?: (index: number, pod: Json) => [number, Json] | undefined;
  /** The scheduler's message on pods still Pending. */
  pendingMessage?: string;
  /** Replaces pod i's status (e.g. Failed), or removes it from lists ('deleted', as preemption does). */
  override?: (index: number, secondsSinceCreated: number) => Json | 'deleted' | undefined;
}

export interface Recorded {
  created: Json[];
  creates: number;
  podLists: number;
  nodeLists: number[];
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * Serves the pods and nodes endpoints a load test uses, with the API server's shapes: a created pod
 * comes back with uid/resourceVersion/creationTimestamp and `status.phase: Pending`; listed pods turn
 * Running (with nodeName, conditions and containerStatuses[].state.running.startedAt) once the fake
 * clock passes their `runAfter`. Interceptors persist; the clean-up interceptor is set per test.
 */
export function servePlaceholders(clock: Clock, scenario: Scenario, runSelector: string): Recorded {
  const start = clock.t;
  const store: Json[] = [];
  const recorded: Recorded = { created: store, creates: 0, podLists: 0, nodeLists: [] };

  const render = (pod: Json, index: number): Json | null => {
    const created = Date.parse(pod.metadata.creationTimestamp);
    const after = scenario.runAfter[index];
    const copy = structuredClone(pod);
    const override = scenario.override?.(index, (clock.t - created) / 1000);
    if (override === 'deleted') return null;
    if (override) {
      copy.status = override;
    } else if (after !== undefined && clock.t >= created + after * 1000) {
      const at = iso(created + after * 1000);
      copy.spec.nodeName = `gke-hub-cluster-nb-n2-highmem-4-3f1c2a9e-n${index % 4}`;
      copy.status = {
        phase: 'Running',
        qosClass: 'Guaranteed',
        hostIP: '10.128.0.41',
        podIP: `10.8.4.${20 + index}`,
        startTime: at,
        conditions: [
          { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: at },
          { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: at },
          { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: at },
          { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: at },
          { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: at },
        ],
        containerStatuses: [
          {
            name: 'placeholder',
            image: 'registry.k8s.io/pause:3.10',
            imageID: 'registry.k8s.io/pause@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a',
            containerID: `containerd://${'ab'.repeat(31)}${String(index).padStart(2, '0')}`,
            ready: true,
            restartCount: 0,
            started: true,
            state: { running: { startedAt: at } },
            lastState: {},
          },
        ],
      };
    } else {
      copy.status = {
        phase: 'Pending',
        qosClass: 'Guaranteed',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            lastProbeTime: null,
            lastTransitionTime: pod.metadata.creationTimestamp,
            reason: 'Unschedulable',
            message:
              scenario.pendingMessage ??
              '0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
          },
        ],
      };
    }
    return copy;
  };

  const scope: nock.Scope = api().persist();
  scope
    .post(PODS_PATH)
    .reply((_uri, body) => {
      const index = recorded.creates;
      recorded.creates += 1;
      const pod = structuredClone(body as Json);
      const override = scenario.createReply?.(index, pod);
      if (override) return [override[0], override[1], JSON_HEADERS];
      pod.metadata.uid = `6f1d3c2a-0000-4000-8000-${String(index).padStart(12, '0')}`;
      pod.metadata.resourceVersion = String(4_900_000 + index);
      pod.metadata.creationTimestamp = iso(clock.t);
      pod.spec.schedulerName = 'default-scheduler';
      pod.spec.terminationGracePeriodSeconds = 30;
      pod.status = { phase: 'Pending', qosClass: 'Guaranteed' };
      store.push(pod);
      return [201, pod, JSON_HEADERS];
    })
    .get(PODS_PATH)
    .query({ labelSelector: runSelector })
    // A simulated server answers whatever the run asks; tests that expect no list assert `podLists`.
    .optionally()
    .reply(() => {
      recorded.podLists += 1;
      return [200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '4900100' }, items: store.map(render).filter(Boolean) }, JSON_HEADERS];
    })
    .get('/api/v1/nodes')
    .query({ labelSelector: POOL_SELECTOR })
    .reply(() => {
      const nodes = scenario.nodesAt((clock.t - start) / 1000);
      recorded.nodeLists.push(nodes);
      return [200, nodeList(nodes), JSON_HEADERS];
    });
  return recorded;
}

/** The clean-up call: DELETE …/pods?labelSelector=<run>; the API answers with the deleted PodList. */
export function expectCleanup(runSelector: string, reply: [number, Json] = [200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items: [] }]): nock.Scope {
  return api().delete(`/api/v1/namespaces/${NAMESPACE}/pods`).query({ labelSelector: runSelector }).reply(reply[0], reply[1], JSON_HEADERS);
}
