import type { PoolConfig } from '../config/schema.js';

/**
 * Label and annotation names the app writes on its placeholder pods. The run's whole state lives in
 * these (not in the app's memory) so another replica, or the app after a restart, can find and clean it.
 */
export const LABEL_ISSUE = 'workshop-readiness/issue';
/** The load-test run id, one per `/loadtest`. */
export const LABEL_RUN = 'workshop-readiness/run';
/** Standard "who made this" label, for `kubectl get pods -l app.kubernetes.io/managed-by=workshop-readiness`. */
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
/** When the run started (ISO 8601). */
export const ANNOTATION_STARTED_AT = 'workshop-readiness/started-at';
/** After this instant (ISO 8601) the pod is garbage: the sweeper deletes it. */
export const ANNOTATION_DEADLINE = 'workshop-readiness/deadline';
/** Fraction of the planned seats this run tests (`1` = all). */
export const ANNOTATION_FRACTION = 'workshop-readiness/fraction';
/** How many placeholder pods the run creates in total. */
export const ANNOTATION_REPLICAS = 'workshop-readiness/replicas';
/** Well-known node label every cloud sets; the pool's primary selector. */
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';

const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$/;
const LABEL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/;

/** True when `value` is a valid Kubernetes label value (≤ 63 chars, alphanumeric at both ends). */
export function isLabelValue(value: string): boolean {
  return LABEL_VALUE.test(value);
}

/** True when `key` is a valid label key: an optional DNS-subdomain prefix and a name. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return LABEL_NAME.test(name) && (prefix === null || DNS_SUBDOMAIN.test(prefix));
}

/**
 * The node labels that pick out a pool: the instance type plus the pool's own `nodeSelector`. Values
 * come from repository config, so they are checked here: a `,` or `!` in a value would otherwise add
 * terms to the label selector we send.
 */
export function poolNodeSelector(pool: PoolConfig): Record<string, string> {
  const selector: Record<string, string> = { [INSTANCE_TYPE_LABEL]: pool.instanceType, ...pool.nodeSelector };
  for (const [key, value] of Object.entries(selector)) {
    if (!isLabelKey(key)) throw new Error(`pool node selector key "${key}" is not a valid Kubernetes label name`);
    if (!isLabelValue(value)) {
      throw new Error(`pool node selector "${key}: ${value}" is not a valid Kubernetes label value (letters, digits, - _ . and at most 63 characters)`);
    }
  }
  return selector;
}

/** `{a: 'x', b: 'y'}` → `a=x,b=y`; inputs must already be validated. */
export function equalitySelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Label selector for every pod of one load-test run. */
export function runSelector(issueNumber: number, runId: string): string {
  return equalitySelector({ [LABEL_ISSUE]: String(issueNumber), [LABEL_RUN]: runId });
}

/**
 * A DNS-1123 pod name for the run's i-th placeholder, kept within 63 characters so it also works as
 * a hostname. Deterministic on purpose: a redelivered `/loadtest` or a second replica gets
 * 409 AlreadyExists instead of doubling the pods.
 */
export function placeholderPodName(issueNumber: number, runId: string, index: number): string {
  const head = `wr-${issueNumber}-`;
  const tail = `-${index}`;
  const slug = runId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63 - head.length - tail.length)
    .replace(/-+$/, '');
  return `${head}${slug || 'run'}${tail}`;
}
