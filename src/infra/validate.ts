/**
 * Checks on the numbers we are asked to write, done before touching any text so that a bad plan never
 * reaches an infra file. Every message says what is wrong, where, and how to fix it.
 */
import type { PoolSizing, PoolValues } from './types.js';

/** True for whole numbers of 0 or more that survive a round-trip through text. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Why `sizing` cannot be written to `where` (e.g. `pool "gpu-t4" in the terraform .tfvars file`), or null. */
export function sizingProblem(sizing: PoolSizing, where: string): string | null {
  if (!isCount(sizing.min)) {
    return `Cannot set min for ${where}: ${String(sizing.min)} is not a whole number of 0 or more. Ask for a whole node count such as 0, 1 or 2.`;
  }
  if (sizing.max !== null && !isCount(sizing.max)) {
    return `Cannot set max for ${where}: ${String(sizing.max)} is not a whole number of 0 or more. Ask for a whole node count, or null to leave max as it is.`;
  }
  if (sizing.max !== null && sizing.max < sizing.min) {
    return `Cannot set ${where} to min ${sizing.min} and max ${sizing.max}: max must be at least min. Raise max to ${sizing.min} or more, or lower min.`;
  }
  return null;
}

/** Why min cannot go into a file whose max stays at `fileMax`, or null. */
export function minAboveFileMax(min: number, fileMax: number | null, where: string): string | null {
  if (fileMax === null || min <= fileMax) return null;
  return `Cannot set min ${min} for ${where}: the file keeps max ${fileMax}, and min may not exceed max. Ask for max ${min} or more as well.`;
}

/** Why `before` cannot be restored into `where`, or null. `null` values are fine: they mean "remove the key". */
export function restoreProblem(before: PoolValues, where: string): string | null {
  for (const key of ['min', 'max'] as const) {
    const value = before[key];
    if (value !== null && !isCount(value)) {
      return `Cannot restore ${key} for ${where}: the recorded value ${String(value)} is not a whole number of 0 or more, or null. Check the values recorded when the ready-mode PR was made.`;
    }
  }
  if (before.min !== null && before.max !== null && before.max < before.min) {
    return `Cannot restore ${where} to min ${before.min} and max ${before.max}: max must be at least min. Check the values recorded when the ready-mode PR was made.`;
  }
  return null;
}
