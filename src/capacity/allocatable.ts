import type { MeasuredNode, Provider } from '../config/schema.js';
import type { InstanceType } from './catalog.js';
import type { NodeCapacity, ObservedNode } from './types.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Kubelet eviction threshold (`memory.available<100Mi`) on GKE, EKS and AKS. */
export const EVICTION_BYTES = 100 * MiB;

/**
 * Memory the kubelet reports as capacity, as a fraction of the nominal size: the firmware and kernel
 * keep the rest. Calibrated on real nodes: r5.xlarge reports 33,164,840,960 B of 32 GiB (0.9652);
 * n2-highmem-4's measured allocatable of 29,783,904,256 B implies 0.9811 under GKE's reservation.
 * Azure is not measured here: 0.97 is a named guess.
 */
export const KUBELET_MEMORY_FRACTION: Record<Provider, number> = { gcp: 0.9811, aws: 0.9652, azure: 0.97 };

/**
 * Daemonset overhead per node when nothing better is known: measured on 2i2c's GKE (n2-highmem-4:
 * 0.443 CPU, 624,951,296 B, 9 pods) and EKS (r5.xlarge: 0.17 CPU, 262,144,000 B, 4 pods) clusters;
 * AKS is a named guess.
 */
export const DEFAULT_DAEMONSETS: Record<Provider, { cpu: number; memory: number; pods: number }> = {
  gcp: { cpu: 0.443, memory: 624_951_296, pods: 9 },
  aws: { cpu: 0.17, memory: 262_144_000, pods: 4 },
  azure: { cpu: 0.3, memory: 500 * MiB, pods: 8 },
};

/** GKE memory reservation: 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above 128 GiB. */
export function gkeMemoryReserved(bytes: number): number {
  const tiers: Array<[number, number]> = [[4, 0.25], [4, 0.2], [8, 0.1], [112, 0.06], [Infinity, 0.02]];
  let left = bytes;
  let reserved = 0;
  for (const [sizeGiB, rate] of tiers) {
    const slice = Math.min(left, sizeGiB * GiB);
    reserved += slice * rate;
    left -= slice;
    if (left <= 0) break;
  }
  return Math.round(reserved);
}

/** GKE and EKS CPU reservation: 6% of the first core, 1% of the second, 0.5% of cores 3–4, 0.25% above 4. */
export function cpuReserved(cores: number): number {
  const tiers: Array<[number, number]> = [[1, 0.06], [1, 0.01], [2, 0.005], [Infinity, 0.0025]];
  let left = cores;
  let reserved = 0;
  for (const [size, rate] of tiers) {
    const slice = Math.min(left, size);
    reserved += slice * rate;
    left -= slice;
    if (left <= 0) break;
  }
  return round(reserved, 4);
}

/** AKS CPU reservation (millicores by core count, from the AKS documentation's table). */
export function aksCpuReserved(cores: number): number {
  const table: Array<[number, number]> = [[1, 0.06], [2, 0.1], [4, 0.14], [8, 0.18], [16, 0.26], [32, 0.42], [64, 0.74]];
  return (table.find(([upTo]) => cores <= upTo) ?? [0, 1.38])[1];
}

/**
 * Node capacity for users: allocatable minus daemonsets. Precedence: live cluster figures, then
 * config's measured override, then the provider's formula. `arithmetic` shows the working.
 */
export function nodeCapacity(type: InstanceType, provider: Provider, measured: MeasuredNode | null, observed: ObservedNode | null): NodeCapacity {
  const nominal = type.memoryGiB * GiB;
  const base = { instanceType: type.name, vcpu: type.vcpu, memoryBytes: nominal, maxPods: type.maxPods };
  const figures = observed ?? measured;
  if (figures) {
    const source = observed ? 'cluster' : 'config';
    const daemonsetPods = figures.daemonsetPods || DEFAULT_DAEMONSETS[provider].pods;
    return finish(base, source, figures.allocatableCpu, figures.allocatableMemory, figures.daemonsetCpu, figures.daemonsetMemory, daemonsetPods, [
      `allocatable ${fmtCpu(figures.allocatableCpu)} CPU, ${fmtBytes(figures.allocatableMemory)} (${source === 'cluster' ? 'read from the cluster\'s nodes' : 'measured, from config'})`,
    ]);
  }
  const capacity = Math.round(nominal * KUBELET_MEMORY_FRACTION[provider]);
  let memReserved: number;
  let memRule: string;
  if (provider === 'gcp') {
    memReserved = gkeMemoryReserved(capacity);
    memRule = 'GKE tiers (25/20/10/6/2 %)';
  } else if (provider === 'aws') {
    memReserved = (11 * type.maxPods + 255) * MiB;
    memRule = `EKS 11 MiB × ${type.maxPods} pods + 255 MiB`;
  } else {
    memReserved = Math.min((20 * type.maxPods + 50) * MiB, Math.round(0.25 * capacity));
    memRule = `AKS min(20 MiB × ${type.maxPods} pods + 50 MiB, 25 %)`;
  }
  const cpuRes = provider === 'azure' ? aksCpuReserved(type.vcpu) : cpuReserved(type.vcpu);
  const allocatableCpu = round(type.vcpu - cpuRes, 4);
  const allocatableMemory = capacity - memReserved - EVICTION_BYTES;
  const ds = DEFAULT_DAEMONSETS[provider];
  return finish(base, 'formula', allocatableCpu, allocatableMemory, ds.cpu, ds.memory, ds.pods, [
    `memory capacity ≈ ${type.memoryGiB} GiB × ${KUBELET_MEMORY_FRACTION[provider]} (kubelet) = ${fmtBytes(capacity)}`,
    `allocatable memory = ${fmtBytes(capacity)} − ${fmtBytes(memReserved)} reserved (${memRule}) − 100 MiB eviction = ${fmtBytes(allocatableMemory)}`,
    `allocatable CPU = ${type.vcpu} − ${fmtCpu(cpuRes)} reserved = ${fmtCpu(allocatableCpu)}`,
  ]);
}

function finish(
  base: Pick<NodeCapacity, 'instanceType' | 'vcpu' | 'memoryBytes' | 'maxPods'>,
  source: NodeCapacity['source'],
  allocatableCpu: number,
  allocatableMemoryBytes: number,
  daemonsetCpu: number,
  daemonsetMemoryBytes: number,
  daemonsetPods: number,
  arithmetic: string[],
): NodeCapacity {
  const availableCpu = round(Math.max(0, allocatableCpu - daemonsetCpu), 4);
  const availableMemoryBytes = Math.max(0, allocatableMemoryBytes - daemonsetMemoryBytes);
  return {
    ...base,
    allocatableCpu,
    allocatableMemoryBytes,
    daemonsetCpu,
    daemonsetMemoryBytes,
    daemonsetPods,
    availableCpu,
    availableMemoryBytes,
    source,
    arithmetic: [
      ...arithmetic,
      `for users = allocatable − daemonsets (${fmtCpu(daemonsetCpu)} CPU, ${fmtBytes(daemonsetMemoryBytes)}, ${daemonsetPods} pods) = ${fmtCpu(availableCpu)} CPU, ${fmtBytes(availableMemoryBytes)}`,
    ],
  };
}

export function fmtBytes(bytes: number): string {
  return `${(bytes / GiB).toFixed(2)} GiB`;
}

/** GiB with at most two decimals, trailing zeros dropped (`4 GiB`, `27.16 GiB`). */
export function fmtGiB(bytes: number): string {
  return `${+(bytes / GiB).toFixed(2)} GiB`;
}

export function fmtCpu(cores: number): string {
  return String(round(cores, 3));
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
