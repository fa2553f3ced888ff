/** Quantities in pod specs and API responses; the one parser of Kubernetes quantities lives in config/quantity. */
import { parseQuantity } from '../config/quantity.js';

/** Sums a resource over quantity maps (`requests`, `limits`); unparsable or missing entries count as 0. */
export function quantityOf(map: Record<string, string> | undefined, resource: string): number {
  const text = map?.[resource];
  if (text === undefined) return 0;
  return parseQuantity(text) ?? 0;
}

/** Cores as a milli-CPU quantity (`0.85` → `850m`); rounded up so a pod never asks for less than planned. */
export function cpuQuantity(cores: number): string {
  return `${Math.ceil(cores * 1000 - 1e-9)}m`;
}

/** Bytes as an integer byte quantity (`4294967296`); rounded up for the same reason as CPU. */
export function memoryQuantity(bytes: number): string {
  return String(Math.ceil(bytes - 1e-9));
}
