import type { ClusterConfig, PoolConfig } from '../config/schema.js';
import type { Plan } from '../capacity/types.js';
import { patchPlaceholders, restorePlaceholders, readPlaceholders, type PlaceholderSnapshot } from './helm/values.js';
import { infraFormats, unifiedDiff } from './index.js';
import type { PoolValues } from './types.js';

/** What the ready-mode change replaced, recorded in the state marker so the scale-down restores it. */
export interface InfraBefore {
  pool: PoolValues;
  placeholders: PlaceholderSnapshot | null;
}

export interface FileChange {
  path: string;
  before: string;
  after: string;
}

export type InfraChange =
  | { ok: true; files: FileChange[]; before: InfraBefore; summary: string[]; diff: string }
  | { ok: false; error: string };

export interface InfraChangeInput {
  phase: 'ready' | 'scale-down';
  cluster: ClusterConfig;
  pool: PoolConfig;
  /** The plan ready mode applies; the scale-down needs none (it restores `recorded`). */
  plan: Plan | null;
  /** Current file contents on the base branch, by path (null = the file does not exist). */
  files: Record<string, string | null>;
  /** For scale-down: the values recorded when ready mode was applied. */
  recorded: InfraBefore | null;
}

/** The paths a cluster's infra change touches. */
export function infraPaths(cluster: ClusterConfig): string[] {
  if (!cluster.infra) return [];
  return [cluster.infra.path, ...(cluster.infra.helmValuesPath ? [cluster.infra.helmValuesPath] : [])];
}

/**
 * The whole infra change for a phase, or one error sentence and no file: a pool that is not found,
 * an ambiguous match or a file that does not parse stops everything (never a partial change). Only
 * numbers the plan computed reach the files.
 */
export function computeInfraChange(input: InfraChangeInput): InfraChange {
  const infra = input.cluster.infra;
  if (!infra) return { ok: false, error: 'this cluster has no `infra` section in the config, so there is no file to change' };
  const format = infraFormats[infra.format];
  const poolText = input.files[infra.path];
  if (poolText == null) return { ok: false, error: `${infra.path} was not found in the infrastructure repository` };
  const locator = { key: input.pool.infraKey ?? input.pool.instanceType, instanceType: input.pool.instanceType };

  const current = format.read(poolText, locator);
  if (!current.ok) return { ok: false, error: `${infra.path}: ${current.error}` };
  const files: FileChange[] = [];
  const summary: string[] = [];
  let poolResult;
  if (input.phase === 'ready') {
    if (!input.plan) return { ok: false, error: 'no capacity plan, so there is nothing to put in ready mode' };
    const needed = input.plan.nodes + input.plan.otherNodes;
    const max = current.values.max !== null && needed > current.values.max ? needed : null;
    poolResult = format.patch(poolText, locator, { min: input.plan.readyMode.minNodes, max });
    summary.push(`${locator.key}: min ${current.values.min ?? 'default'} → ${input.plan.readyMode.minNodes}${max !== null ? `, max ${current.values.max} → ${max}` : ''}`);
  } else {
    if (!input.recorded) return { ok: false, error: 'no record of the values before ready mode, so the scale-down cannot restore them; scale down by hand' };
    poolResult = format.restore(poolText, locator, input.recorded.pool);
    summary.push(`${locator.key}: min back to ${input.recorded.pool.min ?? 'default'}${input.recorded.pool.max !== null ? `, max back to ${input.recorded.pool.max}` : ''}`);
  }
  if (!poolResult.ok) return { ok: false, error: `${infra.path}: ${poolResult.error}` };
  if (poolResult.changed) files.push({ path: infra.path, before: poolText, after: poolResult.text });

  let placeholders: PlaceholderSnapshot | null = null;
  if (infra.helmValuesPath) {
    const valuesText = input.files[infra.helmValuesPath];
    if (valuesText == null) return { ok: false, error: `${infra.helmValuesPath} was not found in the infrastructure repository` };
    const read = readPlaceholders(valuesText);
    if (!read.ok) return { ok: false, error: `${infra.helmValuesPath}: ${read.error}` };
    placeholders = read.snapshot;
    const p = input.plan?.readyMode.placeholders ?? { replicas: 0, cpu: 0, memory: 0 };
    const result =
      input.phase === 'ready'
        ? patchPlaceholders(valuesText, { enabled: p.replicas > 0, replicas: p.replicas, cpu: p.cpu, memoryBytes: p.memory, prePuller: true })
        : restorePlaceholders(valuesText, input.recorded?.placeholders ?? null);
    if (!result.ok) return { ok: false, error: `${infra.helmValuesPath}: ${result.error}` };
    summary.push(input.phase === 'ready' ? `user placeholders: ${p.replicas} whole-node pods; image pre-puller on` : 'user placeholders and pre-puller restored');
    if (result.changed) files.push({ path: infra.helmValuesPath, before: valuesText, after: result.text });
  }
  const before: InfraBefore = input.phase === 'ready' ? { pool: current.values, placeholders } : (input.recorded as InfraBefore);
  return { ok: true, files, before, summary, diff: files.map((f) => unifiedDiff(f.path, f.before, f.after)).join('') };
}
