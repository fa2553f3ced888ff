/**
 * Plan computation time: 1,000 plans over varied requests (instance types of the three providers,
 * attendees, guarantees, multi-day workshops across DST). Run alone with `npx tsx bench/plan.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import { policySchema, type ClusterConfig, type Provider } from '../src/config/schema.js';
import { allInstanceTypes } from '../src/capacity/catalog.js';
import { computePlan } from '../src/capacity/plan.js';
import type { PlanInput } from '../src/capacity/types.js';

const REGION: Record<Provider, string> = { gcp: 'us-central1', aws: 'us-east-1', azure: 'eastus' };

export function planInputs(n: number): PlanInput[] {
  const types = allInstanceTypes();
  const policy = policySchema.parse({});
  return Array.from({ length: n }, (_, i) => {
    const type = types[i % types.length]!;
    const cluster: ClusterConfig = { provider: type.provider, region: REGION[type.provider], quotas: { CPUS: 500, N2_CPUS: 400, 'L-1216C47A': 1000 }, pools: { pool: { instanceType: type.name, maxNodes: 100, nodeSelector: {}, tolerations: [] } } };
    const memory = (1 + (i % 8)) * 1024 ** 3;
    return {
      now: '2027-02-01T15:00:00Z',
      provider: type.provider,
      region: cluster.region,
      clusterName: 'c',
      cluster,
      poolName: 'pool',
      pool: cluster.pools.pool!,
      policy,
      perUser: { cpuGuarantee: 0.25 * (1 + (i % 4)), cpuLimit: 0.25 * (1 + (i % 4)), memoryGuaranteeBytes: memory, memoryLimitBytes: memory },
      attendees: 20 + (i % 300),
      gpu: false,
      timeZone: ['America/Chicago', 'Europe/Berlin', 'Asia/Kolkata', 'Pacific/Auckland'][i % 4]!,
      start: '2027-03-12T09:00:00.000-06:00',
      end: '2027-03-16T17:00:00.000-05:00',
      dailyHours: { start: '09:00', end: '17:00' },
      imageSizeGB: 2 + (i % 5),
      dataPerUserGB: i % 3 ? 1 : null,
      homeStorage: { type: 'filestore-basic-hdd' },
      concurrentSpawnLimit: 64,
      measured: null,
      observed: null,
      others: [],
    };
  });
}

/** Median and p99 time per plan, in milliseconds. */
export function benchPlans(n: number): { medianMs: number; p99Ms: number; totalMs: number } {
  const inputs = planInputs(n);
  for (const input of planInputs(300)) computePlan(input); // warm-up: JIT tiers and Intl formatters per zone
  const times: number[] = [];
  const started = performance.now();
  for (const input of inputs) {
    const t = performance.now();
    computePlan(input);
    times.push(performance.now() - t);
  }
  const totalMs = performance.now() - started;
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(n / 2)] ?? 0, p99Ms: times[Math.floor(n * 0.99)] ?? 0, totalMs };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = benchPlans(1000);
  console.log(`1,000 plans: median ${result.medianMs.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms, total ${result.totalMs.toFixed(0)} ms`);
}
