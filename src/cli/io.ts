import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from '../config/schema.js';
import type { Clock } from '../pipeline/ports.js';
import type { ConfigLoad } from '../pipeline/reconcile.js';
import { UsageError } from './infra.js';

/** Reads and validates a config file; UsageError with a one-line reason otherwise. */
export function readConfigFile(file: string): ConfigLoad & { kind: 'ok' } {
  const raw = parseYaml(readInput(file, 'config'));
  const result = validateConfig(raw);
  if (!result.ok) {
    throw new UsageError(`invalid config ${file}: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  return { kind: 'ok', config: result.config };
}

export function readInput(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function fixedClock(now: string | undefined): Clock {
  if (now === undefined) return { now: () => new Date() };
  const instant = new Date(now);
  if (Number.isNaN(instant.getTime())) throw new UsageError(`--now "${now}" is not an ISO date-time (write it like 2027-02-01T12:00:00Z)`);
  return { now: () => instant };
}

