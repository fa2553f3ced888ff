import { createHash } from 'node:crypto';
import type { Plan } from '../capacity/types.js';
import type { Assumption } from './replay.js';
import type { WorkshopRequest } from './types.js';

/** The request fields whose change invalidates approvals and results, in words people read. */
export function materialFields(request: WorkshopRequest): Record<string, string> {
  return {
    hub: request.hub,
    start: request.start,
    end: request.end,
    'daily hours': `${request.dailyHours.start}–${request.dailyHours.end} ${request.timeZone}${request.weekdays ? ` on days ${request.weekdays.join(',')}` : ''}`,
    attendees: String(request.attendees),
    'memory per user': `${request.memoryGuaranteeBytes} B`,
    'CPU per user': String(request.cpuGuarantee),
    GPU: request.gpu ? 'yes' : 'no',
    image: request.image ?? '(hub default)',
    'data per user': request.dataPerUserGB === null ? 'unknown' : `${request.dataPerUserGB} GB`,
  };
}

/** "attendees 60 → 80" lines between two material snapshots. */
export function describeChanges(before: Record<string, string> | null, after: Record<string, string>): string[] {
  if (!before) return [];
  return Object.keys(after)
    .filter((key) => before[key] !== undefined && before[key] !== after[key])
    .map((key) => `${key} ${before[key]} → ${after[key]}`);
}

export function requestHash(request: WorkshopRequest): string {
  return digest(materialFields(request));
}

/** Identifies "the plan" an approval or a load test is bound to. */
export function planHash(reqHash: string, assumptions: Assumption[], plan: Plan): string {
  return digest({
    request: reqHash,
    assumptions: assumptions.map((a) => [a.key, a.value]),
    instanceType: plan.instanceType,
    usersPerNode: plan.usersPerNode,
    nodes: plan.nodes,
    warm: plan.readyMode.minNodes,
  });
}

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
