import type { Plan } from '../capacity/types.js';
import { placeholderReplicasAt } from '../capacity/ready-mode.js';
import type { PlaceholderScalePort } from '../kube/placeholder-scale.js';
import type { PullRequestRecord } from '../workshop/marker.js';
import type { Logger } from './ports.js';

/**
 * The daily windows, enforced: where the app has the cluster's credentials and the hub's namespace, every
 * reconcile (webhook or sweep) sets the hub's placeholder replicas to what ready mode wants now: all of them
 * inside a window, none outside, none after the event. Level-triggered: it reads the replicas and writes only
 * when they differ, so the first reconcile after a window boundary (the sweep) moves them.
 */

export interface WindowsInput {
  plan: Plan | null;
  /** The hub's namespace (config `hubs.<name>.namespace`); nothing is done without it. */
  namespace: string | undefined;
  /** The infra PR records: placeholders are followed once the ready PR is merged, until the scale-down is. */
  pullRequests: PullRequestRecord[];
  now: string;
}

export type WindowsOutcome =
  | { kind: 'idle' }
  | { kind: 'held'; replicas: number }
  | { kind: 'scaled'; from: number; to: number }
  | { kind: 'failed'; why: string };

export async function followWindows(input: WindowsInput, port: PlaceholderScalePort | null, options: { dryRun: boolean; log: Logger }): Promise<WindowsOutcome> {
  const { plan, namespace } = input;
  if (!plan?.readyMode.followsWindows || !namespace) return { kind: 'idle' };
  const merged = (phase: PullRequestRecord['phase']) => input.pullRequests.some((r) => r.phase === phase && (r.state === 'merged' || r.state === 'restored'));
  // Before the ready PR is merged the hub has no ready-mode placeholders; after the scale-down, none at all.
  if (!merged('ready') || merged('scale-down')) return { kind: 'idle' };
  // The plan counts on the app here (the PR left the pool's min alone): no access is a failure, not a rest.
  if (!port) return { kind: 'failed', why: `the app has no credentials for the hub's cluster (namespace ${namespace})` };
  const wanted = input.now >= plan.readyMode.scaleDownAt ? 0 : placeholderReplicasAt(plan.readyMode.windows, plan.readyMode.placeholders.replicas, input.now);
  try {
    const current = await port.replicas(namespace);
    if (current === null) return { kind: 'failed', why: `the hub in namespace ${namespace} has no user-placeholder StatefulSet yet: deploy the merged ready-mode values` };
    if (current === wanted) return { kind: 'held', replicas: current };
    if (options.dryRun) {
      options.log.info({ namespace, from: current, to: wanted }, 'DRY_RUN: placeholders not scaled');
      return { kind: 'held', replicas: current };
    }
    await port.scale(namespace, wanted);
    options.log.info({ namespace, from: current, to: wanted }, 'placeholders scaled to follow the daily windows');
    return { kind: 'scaled', from: current, to: wanted };
  } catch (error) {
    const why = (error as Error).message;
    options.log.warn({ namespace, err: why }, 'placeholders not scaled');
    return { kind: 'failed', why };
  }
}
