import { policySchema, type ClusterConfig, type Provider } from '../../src/config/schema.js';
import type { PlanInput } from '../../src/capacity/types.js';

export const GiB = 1024 ** 3;
const REGION: Record<Provider, string> = { gcp: 'us-central1', aws: 'us-east-1', azure: 'eastus' };

/** A plan input with sane defaults; tests override what they are about. */
export function planInput(overrides: Partial<PlanInput> & { instanceType?: string; provider?: Provider; maxNodes?: number; quotas?: Record<string, number> } = {}): PlanInput {
  const provider = overrides.provider ?? 'gcp';
  const instanceType = overrides.instanceType ?? 'n2-highmem-4';
  const cluster: ClusterConfig = {
    provider,
    region: REGION[provider],
    quotas: overrides.quotas ?? {},
    pools: { pool: { instanceType, maxNodes: overrides.maxNodes ?? 100, nodeSelector: {}, tolerations: [] } },
  };
  const { instanceType: _t, provider: _p, maxNodes: _m, quotas: _q, ...rest } = overrides;
  return {
    now: '2027-02-01T15:00:00Z',
    provider,
    region: cluster.region,
    clusterName: 'c',
    cluster,
    poolName: 'pool',
    pool: cluster.pools.pool!,
    policy: policySchema.parse({}),
    perUser: { cpuGuarantee: 0.5, cpuLimit: 0.5, memoryGuaranteeBytes: 4 * GiB, memoryLimitBytes: 4 * GiB },
    attendees: 80,
    gpu: false,
    timeZone: 'America/Chicago',
    start: '2027-03-10T09:00:00.000-06:00',
    end: '2027-03-12T17:00:00.000-06:00',
    dailyHours: { start: '09:00', end: '17:00' },
    imageSizeGB: 3,
    dataPerUserGB: null,
    homeStorage: null,
    concurrentSpawnLimit: 64,
    measured: null,
    observed: null,
    others: [],
    ...rest,
  };
}
