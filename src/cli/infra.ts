import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config/schema.js';
import type { Plan } from '../capacity/types.js';
import { computeInfraChange, infraPaths, type InfraChange } from '../infra/change.js';
import { unifiedDiff } from '../infra/index.js';

/** A failure the user can fix: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {}

/**
 * The infra change for a plan against files in a local checkout. `scale-down` previews the PR that
 * follows a merged ready-mode PR: the checkout is taken as the state before ready mode.
 */
export function infraChangeFromDir(config: Config, plan: Plan, infraDir: string, phase: 'ready' | 'scale-down'): InfraChange {
  const cluster = config.clusters[plan.cluster];
  const pool = cluster?.pools[plan.pool];
  if (!cluster || !pool) return { ok: false, error: `cluster ${plan.cluster} or pool ${plan.pool} is not in the config` };
  const files: Record<string, string | null> = {};
  for (const rel of infraPaths(cluster)) {
    const full = path.join(infraDir, rel);
    files[rel] = existsSync(full) ? readFileSync(full, 'utf8') : null;
  }
  const ready = computeInfraChange({ phase: 'ready', cluster, pool, plan, files, recorded: null });
  if (phase === 'ready' || !ready.ok) return ready;
  const warmed: Record<string, string | null> = { ...files };
  for (const file of ready.files) warmed[file.path] = file.after;
  return computeInfraChange({ phase: 'scale-down', cluster, pool, plan, files: warmed, recorded: ready.before });
}

/** Writes every changed file, each through a temporary file and a rename, only once all were computed. */
export function writeChange(change: Extract<InfraChange, { ok: true }>, infraDir: string): void {
  for (const file of change.files) {
    const target = path.join(infraDir, file.path);
    const temporary = `${target}.workshop-readiness.tmp`;
    writeFileSync(temporary, file.after);
    renameSync(temporary, target);
  }
}

export function parseInfraArgs(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      issue: { type: 'string' },
      'infra-dir': { type: 'string' },
      title: { type: 'string' },
      now: { type: 'string' },
      phase: { type: 'string', default: 'ready' },
      write: { type: 'boolean', default: false },
      form: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  if (!values.config || !values.issue || !values['infra-dir']) throw new UsageError('infra needs --config, --issue and --infra-dir');
  if (values.phase !== 'ready' && values.phase !== 'scale-down') throw new UsageError(`--phase must be ready or scale-down, not "${values.phase}"`);
  return { ...values, config: values.config, issue: values.issue, infraDir: values['infra-dir'], phase: values.phase as 'ready' | 'scale-down' };
}

export { unifiedDiff };
