import type { Config } from '../config/schema.js';
import type { ObservedNode, OtherWorkshop, PerUser, PlanInput } from '../capacity/types.js';
import type { Assumption } from './replay.js';
import type { WorkshopRequest } from './types.js';

/** Where a request lands: its hub's cluster and pool (an engineer's `/assume instance-type=` may swap the pool's type). */
export function placement(request: WorkshopRequest, config: Config) {
  const hub = config.hubs[request.hub];
  const cluster = hub ? config.clusters[hub.cluster] : undefined;
  const pool = hub && cluster ? cluster.pools[hub.pool] : undefined;
  if (!hub || !cluster || !pool) return null;
  return { hub, clusterName: hub.cluster, cluster, poolName: hub.pool, pool };
}

/** Builds the capacity model's input from a validated request, the config and engineers' assumptions. */
export function planInputFor(
  request: WorkshopRequest,
  config: Config,
  assumptions: Assumption[],
  context: { now: string; others: OtherWorkshop[]; observed: ObservedNode | null },
): PlanInput | null {
  const where = placement(request, config);
  if (!where) return null;
  const { raw, num, perUser, attendees } = assumed(request, assumptions);
  const instanceType = typeof raw['instance-type'] === 'string' ? raw['instance-type'] : where.pool.instanceType;
  const dataGB = num('data-gb', Number.NaN);
  return {
    now: context.now,
    provider: where.cluster.provider,
    region: where.cluster.region,
    clusterName: where.clusterName,
    cluster: where.cluster,
    poolName: where.poolName,
    pool: { ...where.pool, instanceType },
    policy: config.policy,
    perUser,
    attendees,
    gpu: request.gpu,
    timeZone: request.timeZone,
    start: request.start,
    end: request.end,
    dailyHours: request.dailyHours,
    weekdays: request.weekdays ?? null,
    imageSizeGB: num('image-size-gb', request.imageSizeGB),
    dataPerUserGB: Number.isNaN(dataGB) ? request.dataPerUserGB : dataGB,
    homeStorage: where.hub.homeStorage ?? where.cluster.homeStorage ?? null,
    concurrentSpawnLimit: where.hub.concurrentSpawnLimit,
    // Only the app can follow the daily windows, and only with the cluster's credentials and the hub's namespace.
    followWindows: where.hub.namespace !== undefined && where.cluster.kubernetes !== undefined,
    measured: config.instanceOverrides[instanceType] ?? null,
    // Live figures describe the pool's real instance type only.
    observed: instanceType === where.pool.instanceType ? context.observed : null,
    others: context.others,
  };
}

/**
 * The request's figures with engineers' `/assume` values applied: what the plan is computed for,
 * and so what a load test of that plan must create (`/assume memory=6GB` → 6 GB placeholders).
 */
export function assumed(request: WorkshopRequest, assumptions: Assumption[]) {
  const raw = Object.fromEntries(assumptions.map((a) => [a.key, a.value])) as Partial<Record<Assumption['key'], number | string>>;
  const num = (key: Assumption['key'], fallback: number) => (typeof raw[key] === 'number' ? (raw[key] as number) : fallback);
  const memory = num('memory', Number.NaN);
  const cpu = num('cpu', Number.NaN);
  const perUser: PerUser = {
    cpuGuarantee: Number.isNaN(cpu) ? request.cpuGuarantee : cpu,
    cpuLimit: Number.isNaN(cpu) ? request.cpuLimit : cpu,
    memoryGuaranteeBytes: Number.isNaN(memory) ? request.memoryGuaranteeBytes : memory,
    memoryLimitBytes: Number.isNaN(memory) ? request.memoryLimitBytes : memory,
  };
  return { raw, num, perUser, attendees: num('attendees', request.attendees) };
}
