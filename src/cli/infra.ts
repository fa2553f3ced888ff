import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config/schema.js';
import type { Plan } from '../capacity/types.js';
import { z } from 'zod';
import { computeInfraChange, infraPaths, type InfraBefore, type InfraChange } from '../infra/change.js';
import { unifiedDiff } from '../infra/index.js';
import { prMarkerJson } from '../pipeline/infra-pr.js';

/** A failure the user can fix: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {}

/** The ready-mode change for a plan against the files of a local checkout. */
export function infraChangeFromDir(config: Config, plan: Plan, infraDir: string): InfraChange {
  const cluster = config.clusters[plan.cluster];
  const pool = cluster?.pools[plan.pool];
  if (!cluster || !pool) return { ok: false, error: `cluster ${plan.cluster} or pool ${plan.pool} is not in the config` };
  return computeInfraChange({ phase: 'ready', cluster, pool, plan, files: readFiles(infraPaths(cluster), infraDir), recorded: null });
}

/** What ready mode applied and replaced: where, and the values to put back. */
export const recordedSchema = z.object({
  cluster: z.string(),
  pool: z.string(),
  before: z.object({ pool: z.object({ min: z.number().nullable(), max: z.number().nullable() }) }).passthrough(),
});
export type Recorded = z.infer<typeof recordedSchema>;

/**
 * The values recorded when ready mode was applied, from a file holding either the ready-mode PR's
 * description (its hidden marker carries them) or their JSON (`{"cluster", "pool", "before"}`).
 */
export function readRecorded(text: string, file: string): Recorded {
  let raw: unknown = prMarkerJson(text);
  if (!raw) {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new UsageError(`${file} holds neither a ready-mode PR description with the app's marker nor JSON of the recorded values`);
    }
  }
  const parsed = recordedSchema.safeParse(raw);
  if (!parsed.success) {
    const missing = parsed.error.issues.map((i) => i.path.join('.') || '(top level)').join(', ');
    throw new UsageError(`${file} does not say what ready mode replaced (${missing}): the PR was opened by an older version of the app, so write the values as JSON like {"cluster":"…","pool":"…","before":{"pool":{"min":0,"max":100},"placeholders":null}}`);
  }
  if ((raw as { phase?: unknown }).phase === 'scale-down') throw new UsageError(`${file} is a scale-down PR's description; give the ready-mode PR's`);
  return parsed.data;
}

/**
 * The scale-down against a warm checkout: the recorded values put back, exactly. Needs no plan and no
 * issue, so it works after the event.
 */
export function scaleDownFromDir(config: Config, recorded: Recorded, infraDir: string): InfraChange {
  const cluster = config.clusters[recorded.cluster];
  const pool = cluster?.pools[recorded.pool];
  if (!cluster || !pool) return { ok: false, error: `the recorded cluster ${recorded.cluster} or pool ${recorded.pool} is not in the config` };
  const files = readFiles(infraPaths(cluster), infraDir);
  return computeInfraChange({ phase: 'scale-down', cluster, pool, plan: null, files, recorded: recorded.before as unknown as InfraBefore });
}

function readFiles(paths: string[], infraDir: string): Record<string, string | null> {
  const files: Record<string, string | null> = {};
  for (const rel of paths) {
    const full = path.join(infraDir, rel);
    files[rel] = existsSync(full) ? readFileSync(full, 'utf8') : null;
  }
  return files;
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
      recorded: { type: 'string' },
      write: { type: 'boolean', default: false },
      form: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  if (values.phase !== 'ready' && values.phase !== 'scale-down') throw new UsageError(`--phase must be ready or scale-down, not "${values.phase}"`);
  if (!values.config || !values['infra-dir']) throw new UsageError('infra needs --config and --infra-dir');
  const common = { config: values.config, infraDir: values['infra-dir'], write: values.write, now: values.now, title: values.title, form: values.form, force: values.force };
  if (values.phase === 'scale-down') {
    if (!values.recorded) {
      throw new UsageError('the scale-down restores the values recorded when ready mode was applied: give --recorded <file> with the ready-mode PR\'s description (saved from GitHub) or a JSON file of those values');
    }
    return { ...common, phase: 'scale-down' as const, recorded: values.recorded };
  }
  if (!values.issue) throw new UsageError('infra --phase ready needs --issue (the workshop request it plans for)');
  return { ...common, phase: 'ready' as const, issue: values.issue };
}

export { unifiedDiff };
