import { cpuReserved, gkeMemoryReserved, nodeCapacity } from '../../src/capacity/allocatable.js';
import { lookupInstanceType } from '../../src/capacity/catalog.js';
import { usersPerNode } from '../../src/capacity/plan.js';
import { GiB } from './support.js';

const type = (name: string) => {
  const found = lookupInstanceType(name);
  if (!found) throw new Error(name);
  return found;
};
const perUser = (cpu: number, memory: number) => ({ cpuGuarantee: cpu, cpuLimit: cpu, memoryGuaranteeBytes: memory, memoryLimitBytes: memory });

describe('reservation formulas', () => {
  test('GKE/EKS CPU: 6% of core 1 + 1% of core 2 + 0.5% of cores 3–4 + 0.25% above', () => {
    expect(cpuReserved(4)).toBe(0.08); // 0.06 + 0.01 + 0.005 × 2
    expect(cpuReserved(16)).toBe(0.11); // 0.08 + 0.0025 × 12
  });
  test('GKE memory tiers: 32 GiB → 1 + 0.8 + 0.8 + 0.96 = 3.56 GiB', () => {
    expect(gkeMemoryReserved(32 * GiB)).toBe(Math.round(3.56 * GiB));
  });
});

describe('node capacity against measured nodes (DESIGN.md)', () => {
  test('n2-highmem-4 (GKE): 3.92 CPU exactly; memory within 0.2% of the measured 29,783,904,256 B', () => {
    // capacity 32 GiB × 0.9811 = 33,710,339,313; − reserved 3,783,556,950 (tiers on capacity) − 104,857,600 eviction
    const node = nodeCapacity(type('n2-highmem-4'), 'gcp', null, null);
    expect(node.allocatableCpu).toBe(3.92);
    expect(Math.abs(node.allocatableMemoryBytes - 29_783_904_256) / 29_783_904_256).toBeLessThan(0.002);
    expect(node.source).toBe('formula');
    expect(node.arithmetic.join('\n')).toContain('GKE tiers');
  });

  test('r5.xlarge (EKS): 32 GiB × 0.9652 − (11 MiB × 58 + 255 MiB) − 100 MiB ≈ 32,123,604,992 B measured (within 0.01%)', () => {
    const node = nodeCapacity(type('r5.xlarge'), 'aws', null, null);
    expect(node.allocatableCpu).toBe(3.92);
    expect(Math.abs(node.allocatableMemoryBytes - 32_123_604_992) / 32_123_604_992).toBeLessThan(0.0001);
    expect(node.availableCpu).toBe(3.75); // − 0.17 daemonsets
  });

  test('precedence: cluster figures beat config, config beats formula', () => {
    const measured = { allocatableCpu: 3.9, allocatableMemory: 29e9, daemonsetCpu: 0.4, daemonsetMemory: 6e8, daemonsetPods: 8 };
    expect(nodeCapacity(type('n2-highmem-4'), 'gcp', measured, null)).toMatchObject({ source: 'config', availableCpu: 3.5, availableMemoryBytes: 28.4e9 });
    expect(nodeCapacity(type('n2-highmem-4'), 'gcp', measured, { ...measured, allocatableCpu: 3.92, readyNodes: 3 })).toMatchObject({ source: 'cluster', availableCpu: 3.52 });
  });
});

describe('users per node: golden values by hand, three providers', () => {
  test.each([
    // [type, provider, cpu, memory, users, binding, why]
    ['n2-highmem-4', 'gcp', 0.5, 4 * GiB, 6, 'memory', '27.8 GiB free ÷ 4 GiB = 6.9 → 6; 3.477 CPU ÷ 0.5 = 6.95 → 6; tie → memory is used more (6×4/27.8 > 6×0.5/3.477)'],
    ['n2-standard-8', 'gcp', 0.1, 1 * GiB, 27, 'memory', '32 GiB node: 27.2 GiB free ÷ 1 GiB = 27; 7.467 CPU ÷ 0.1 = 74; pods 110 − 9 = 101'],
    ['r5.4xlarge', 'aws', 1, 8e9, 15, 'cpu', '16 − 0.11 − 0.17 = 15.72 CPU → 15; memory 120.4 GiB ÷ 8 GB = 16'],
    ['m5.large', 'aws', 0.05, 128 * 1024 ** 2, 25, 'pods', 'max pods 29 − 4 daemonsets = 25; CPU 1.76 ÷ 0.05 = 35; memory 6.8 GiB ÷ 128 MiB = 54'],
    ['Standard_E8s_v5', 'azure', 0.5, 2 * GiB, 15, 'cpu', '8 − 0.18 (AKS) − 0.3 = 7.52 CPU ÷ 0.5 = 15; memory 59.3 GiB ÷ 2 GiB = 29'],
    ['Standard_E2s_v5', 'azure', 0.5, 4 * GiB, 3, 'memory', '1.6 CPU ÷ 0.5 = 3.2 → 3; 16 GiB × 0.97 − 2250 MiB − 100 MiB − 500 MiB = 12.74 GiB ÷ 4 = 3.18 → 3; tie: memory 94% used vs CPU 94% → memory (12/12.74 > 1.5/1.6)'],
    ['g4dn.xlarge', 'aws', 3, 12 * GiB, 1, 'memory', 'one GPU user per node: 3.75 CPU ÷ 3 = 1.25; 16 GiB × 0.9652 − 574 MiB − 100 MiB − 250 MiB = 14.54 GiB ÷ 12 = 1.21; tie → memory (82% vs 80%)'],
  ] as const)('%s (%s) %s CPU / %s B → %i users, %s-bound: %s', (name, provider, cpu, memory, users, binding, _why) => {
    const result = usersPerNode(nodeCapacity(type(name), provider, null, null), perUser(cpu, memory));
    expect(result).toEqual({ users, binding });
  });
});
