import type { Provider } from '../config/schema.js';

/**
 * Instance types the model knows: size, pod limit, GPU and on-demand price (USD per hour, Linux, in
 * the reference region of each provider: GCP us-central1, AWS us-east-1, Azure eastus). Prices are
 * list prices; they inform the cost estimate only.
 */
export interface InstanceType {
  name: string;
  provider: Provider;
  /** Family used for suggestions and family quotas (`n2-highmem`, `r5`, `Esv5`). */
  family: string;
  vcpu: number;
  memoryGiB: number;
  /** Pods the kubelet admits: GKE 110 default; EKS from the VPC CNI ENI limits; AKS 110 (kubenet/overlay). */
  maxPods: number;
  gpu: { type: string; count: number } | null;
  priceUSD: number;
}

/** The reference region of each provider, where the catalog's prices apply. */
export const REFERENCE_REGION: Record<Provider, string> = { gcp: 'us-central1', aws: 'us-east-1', azure: 'eastus' };

/** Price factor for regions other than the reference one: a named default, shown as an assumption. */
export const OTHER_REGION_PRICE_FACTOR = 1.1;

const gcp = (family: string, sizes: number[], gibPerCpu: number, pricePerCpu: number): InstanceType[] =>
  sizes.map((n) => ({ name: `${family}-${n}`, provider: 'gcp', family, vcpu: n, memoryGiB: n * gibPerCpu, maxPods: 110, gpu: null, priceUSD: round(n * pricePerCpu) }));

const aws = (family: string, rows: Array<[string, number, number, number, number]>): InstanceType[] =>
  rows.map(([size, vcpu, memoryGiB, maxPods, priceUSD]) => ({ name: `${family}.${size}`, provider: 'aws', family, vcpu, memoryGiB, maxPods, gpu: null, priceUSD }));

const azure = (sizes: number[]): InstanceType[] =>
  sizes.map((n) => ({ name: `Standard_E${n}s_v5`, provider: 'azure', family: 'Esv5', vcpu: n, memoryGiB: n * 8, maxPods: 110, gpu: null, priceUSD: round(n * 0.063) }));

const T4 = { type: 'nvidia-tesla-t4', count: 1 };

const CATALOG: InstanceType[] = [
  // n2-highmem: 8 GiB per vCPU, $0.0655 per vCPU-hour (n2-highmem-4 = $0.262).
  ...gcp('n2-highmem', [2, 4, 8, 16, 32, 48, 64], 8, 0.0655),
  // n2-standard: 4 GiB per vCPU (n2-standard-2 = $0.0971).
  ...gcp('n2-standard', [2, 4, 8, 16, 32, 48, 64], 4, 0.048557),
  // n1-highmem: 6.5 GiB per vCPU; the `-t4` entries are the same machines with one NVIDIA T4 ($0.35/h).
  { name: 'n1-highmem-4', provider: 'gcp', family: 'n1-highmem', vcpu: 4, memoryGiB: 26, maxPods: 110, gpu: null, priceUSD: 0.2366 },
  { name: 'n1-highmem-8', provider: 'gcp', family: 'n1-highmem', vcpu: 8, memoryGiB: 52, maxPods: 110, gpu: null, priceUSD: 0.4732 },
  { name: 'n1-highmem-4-t4', provider: 'gcp', family: 'n1-highmem', vcpu: 4, memoryGiB: 26, maxPods: 110, gpu: T4, priceUSD: 0.5866 },
  { name: 'n1-highmem-8-t4', provider: 'gcp', family: 'n1-highmem', vcpu: 8, memoryGiB: 52, maxPods: 110, gpu: T4, priceUSD: 0.8232 },
  ...aws('r5', [
    ['large', 2, 16, 29, 0.126],
    ['xlarge', 4, 32, 58, 0.252],
    ['2xlarge', 8, 64, 58, 0.504],
    ['4xlarge', 16, 128, 234, 1.008],
    ['8xlarge', 32, 256, 234, 2.016],
    ['12xlarge', 48, 384, 234, 3.024],
    ['16xlarge', 64, 512, 737, 4.032],
  ]),
  ...aws('m5', [
    ['large', 2, 8, 29, 0.096],
    ['xlarge', 4, 16, 58, 0.192],
    ['2xlarge', 8, 32, 58, 0.384],
    ['4xlarge', 16, 64, 234, 0.768],
    ['8xlarge', 32, 128, 234, 1.536],
  ]),
  { name: 'g4dn.xlarge', provider: 'aws', family: 'g4dn', vcpu: 4, memoryGiB: 16, maxPods: 29, gpu: T4, priceUSD: 0.526 },
  { name: 'g4dn.2xlarge', provider: 'aws', family: 'g4dn', vcpu: 8, memoryGiB: 32, maxPods: 29, gpu: T4, priceUSD: 0.752 },
  // Esv5: 8 GiB per vCPU, $0.063 per vCPU-hour (E4s_v5 = $0.252).
  ...azure([2, 4, 8, 16, 32]),
];

const BY_NAME = new Map(CATALOG.map((t) => [t.name.toLowerCase(), t]));

/** The catalog entry for an instance type (case-insensitive), or null. */
export function lookupInstanceType(name: string): InstanceType | null {
  return BY_NAME.get(name.toLowerCase()) ?? null;
}

/** The same family (with or without GPU like the given type), smallest first. */
export function familyOf(type: InstanceType): InstanceType[] {
  return CATALOG.filter((t) => t.family === type.family && (t.gpu === null) === (type.gpu === null)).sort((a, b) => a.vcpu - b.vcpu);
}

/** Names of the known types of a provider, for error messages. */
export function knownTypes(provider: Provider): string[] {
  return CATALOG.filter((t) => t.provider === provider).map((t) => t.name);
}

/** Every catalog entry (tests and benchmarks iterate over them). */
export function allInstanceTypes(): readonly InstanceType[] {
  return CATALOG;
}

/** Price per node hour in a region, and the assumption it rests on (null when exact). */
export function priceIn(type: InstanceType, region: string): { usd: number; assumption: string | null } {
  if (region === REFERENCE_REGION[type.provider]) return { usd: type.priceUSD, assumption: null };
  const usd = round(type.priceUSD * OTHER_REGION_PRICE_FACTOR);
  return { usd, assumption: `No price list for ${region}: ${type.name} priced at its ${REFERENCE_REGION[type.provider]} price × ${OTHER_REGION_PRICE_FACTOR} ($${usd}/h).` };
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
