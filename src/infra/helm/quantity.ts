/** Kubernetes CPU quantities, as far as placeholder requests need them; the grammar and memory sizes live in config/quantity. */

import { parseWrittenQuantity } from '../../config/quantity.js';

export { MAX_MEMORY_BYTES, formatMemory, formatSpawnerBytes, parseMemory, parseSpawnerBytes } from '../../config/quantity.js';

/** Finest CPU step Kubernetes keeps (1m). */
const MILLI = 1000;

/** CPU cores meant by a quantity (`3.5`, `"500m"`, `"2"`); null when not a quantity. */
export function parseCpu(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  return typeof value === 'string' ? parseWrittenQuantity(value, ['', 'm']) : null;
}

/** True when two CPU amounts are the same to the millicore, the precision Kubernetes keeps. */
export function sameCpu(a: number, b: number): boolean {
  return Math.round(a * MILLI) === Math.round(b * MILLI);
}

/**
 * CPU rounded down to the millicore. Down, not up: a placeholder sized to fill a node must still fit on it,
 * and Kubernetes itself would round a finer request up.
 */
export function floorMilli(cpu: number): number {
  // The small epsilon keeps float noise (3.4769999999999994) from dropping a whole millicore.
  return Math.floor(cpu * MILLI + 1e-6) / MILLI;
}
