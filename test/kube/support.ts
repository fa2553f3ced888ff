import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import nock from 'nock';
import type { PoolConfig } from '../../src/config/schema.js';

/** The fake API server every kube test talks to (through nock; nothing leaves the process). */
export const SERVER = 'https://k8s.test';
export const NAMESPACE = 'workshop-readiness';
export const PODS_PATH = `/api/v1/namespaces/${NAMESPACE}/pods`;
/** 2025-03-01T10:00:00Z: the fake clock's zero. */
export const T0 = Date.parse('2025-03-01T10:00:00Z');

/** A KubeConfig as `loadFromOptions` builds it: one cluster, a bearer-token user, one context. */
export function testKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'test', server: SERVER, skipTLSVerify: false }],
    users: [{ name: 'workshop-readiness', token: 'test-token' }],
    contexts: [{ name: 'test', cluster: 'test', user: 'workshop-readiness', namespace: NAMESPACE }],
    currentContext: 'test',
  });
  return config;
}

/** nock scope that also checks the bearer token is sent. */
export function api(): nock.Scope {
  return nock(SERVER, { reqheaders: { authorization: 'Bearer test-token' } });
}

/** Fake time: `sleep` advances `now` instantly and records how long it was asked to wait. */
export function fakeClock(start = T0) {
  const clock = {
    t: start,
    slept: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.slept.push(ms);
      clock.t += ms;
    },
    /** Seconds since `start`. */
    elapsed: () => (clock.t - start) / 1000,
  };
  return clock;
}

/** The workshop pool as config describes it: GKE pool of n2-highmem-4, tainted for users. */
export const POOL: PoolConfig = {
  instanceType: 'n2-highmem-4',
  maxNodes: 100,
  nodeSelector: { 'cloud.google.com/gke-nodepool': 'nb-n2-highmem-4' },
  tolerations: [{ key: 'hub.jupyter.org_dedicated', operator: 'Equal', value: 'user', effect: 'NoSchedule' }],
};
export const POOL_SELECTOR = 'node.kubernetes.io/instance-type=n2-highmem-4,cloud.google.com/gke-nodepool=nb-n2-highmem-4';

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/kube/${name}`, import.meta.url), 'utf8')) as T;
}

type Json = Record<string, any>;

/** The three real-shaped GKE nodes of the fixture. */
export function poolNodes(): Json[] {
  return fixture<{ items: Json[] }>('nodes-n2-highmem-4.json').items;
}

/** A NodeList of `count` Ready pool nodes, cloned from the fixture's first node. */
export function nodeList(count: number): Json {
  const template = poolNodes()[0]!;
  const items = Array.from({ length: count }, (_, i) => {
    const node = structuredClone(template);
    node.metadata.name = `gke-hub-cluster-nb-n2-highmem-4-3f1c2a9e-n${i}`;
    node.metadata.labels['kubernetes.io/hostname'] = node.metadata.name;
    return node;
  });
  return { kind: 'NodeList', apiVersion: 'v1', metadata: { resourceVersion: '4811920' }, items };
}

/** A `metav1.Status` failure body exactly as the API server sends it. */
export function status(code: number, reason: string, message: string, details: Json = {}): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

export const JSON_HEADERS = { 'content-type': 'application/json' };
