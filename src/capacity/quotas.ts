import type { InstanceType } from './catalog.js';
import type { Risk } from './types.js';

export interface QuotaCheck {
  name: string;
  needed: number;
  limit: number;
}

export interface QuotaDemand {
  type: InstanceType;
  nodes: number;
  /** vCPUs of overlapping workshops on the same cluster (any pool), by quota family. */
  otherVcpu: number;
  otherNodes: number;
  gpuWanted: boolean;
}

/** The quotas a node pool draws on, by the cloud's own names. */
export function quotaNames(type: InstanceType): { total: string | null; family: string | null; addresses: string | null; gpu: string | null } {
  switch (type.provider) {
    case 'gcp':
      return {
        total: 'CPUS',
        family: type.family.startsWith('n1') ? null : `${type.family.split('-')[0]?.toUpperCase()}_CPUS`,
        addresses: 'IN_USE_ADDRESSES',
        gpu: type.gpu ? `NVIDIA_${type.gpu.type.replace('nvidia-tesla-', '').toUpperCase()}_GPUS` : null,
      };
    case 'aws':
      // On-demand vCPU quotas: standard (A, C, D, H, I, M, R, T, Z) and G/VT instances.
      return { total: null, family: type.family.startsWith('g') ? 'L-DB2E81BA' : 'L-1216C47A', addresses: null, gpu: null };
    case 'azure':
      return { total: 'cores', family: `standard${type.family.replace(/^E/, 'ES').replace(/sv5$/, 'v5')}Family`, addresses: null, gpu: null };
  }
}

/** Checks the configured quotas; unconfigured ones become assumptions, a shortfall a blocking risk. */
export function checkQuotas(demand: QuotaDemand, quotas: Record<string, number>): { checks: QuotaCheck[]; risks: Risk[]; assumptions: string[] } {
  const names = quotaNames(demand.type);
  const vcpu = demand.nodes * demand.type.vcpu + demand.otherVcpu;
  const wanted: Array<[string | null, number, 'exceeds-quota' | 'gpu-quota']> = [
    [names.total, vcpu, 'exceeds-quota'],
    [names.family, vcpu, 'exceeds-quota'],
    [names.addresses, demand.nodes + demand.otherNodes, 'exceeds-quota'],
    [names.gpu, demand.gpuWanted ? demand.nodes * (demand.type.gpu?.count ?? 0) : 0, 'gpu-quota'],
  ];
  const checks: QuotaCheck[] = [];
  const risks: Risk[] = [];
  const assumptions: string[] = [];
  for (const [name, needed, code] of wanted) {
    if (!name || needed === 0) continue;
    const limit = quotas[name];
    if (limit === undefined) {
      assumptions.push(`Quota ${name} is not in the config: not checked (${needed} needed).`);
      continue;
    }
    checks.push({ name, needed, limit });
    if (needed > limit) {
      risks.push({ code, severity: 'blocking', message: `Quota ${name} is ${limit} but the peak needs ${needed}${demand.otherVcpu || demand.otherNodes ? ' (overlapping workshops included)' : ''}: ask the cloud provider for an increase before the workshop.` });
    }
  }
  return { checks, risks, assumptions };
}
