import type { ClusterConfig, PoolConfig } from '../config/schema.js';
import type { Plan } from '../capacity/types.js';
import { patchPlaceholders, restorePlaceholders, readPlaceholders, type PlaceholderSnapshot } from './helm/values.js';
import { infraFormats, unifiedDiff } from './index.js';
import { escapeCode, escapeMarkdown } from '../text/escape.js';
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

/**
 * The per-user resources for the event: the guarantee the plan sized nodes for, as both guarantee and limit
 * (oversubscription 1, as the plan's `oversubscribed` risk asks), so every user gets what the plan reserved and
 * no one can take a neighbour's share when everyone works at once.
 */
function eventPerUser(plan: Plan): { cpu: number; memoryBytes: number } {
  return { cpu: plan.perUser.cpuGuarantee, memoryBytes: plan.perUser.memoryGuaranteeBytes };
}

/** "per-user memory: guarantee 4G, limit 8G → 4G, 4G" lines for the values the patch changed (sources as written). */
function eventValueLines(before: Record<string, string | null>, after: Record<string, string | null>): string[] {
  // Sources come from the values file: escaped like any outside text before they reach the PR body.
  const shown = (source: string | null | undefined) => (source == null ? 'unset' : `\`${escapeCode(source)}\``);
  const was = (leaf: string) => shown(before[leaf]);
  const changed = (...leaves: string[]) => leaves.some((leaf) => before[leaf] !== after[leaf]);
  const lines: string[] = [];
  if (changed('podPriority')) lines.push(`pod priority on (\`scheduling.podPriority.enabled: true\`, was ${was('podPriority')}): arriving users evict the placeholders instead of queueing behind them`);
  for (const [what, guarantee, limit] of [['memory', 'memoryGuarantee', 'memoryLimit'], ['CPU', 'cpuGuarantee', 'cpuLimit']] as const) {
    if (!changed(guarantee, limit)) continue;
    const step = (leaf: string) => (before[leaf] === after[leaf] ? `${was(leaf)} (unchanged)` : `${was(leaf)} → ${shown(after[leaf])}`);
    lines.push(`per-user ${what}: guarantee ${step(guarantee)}, limit ${step(limit)}: guarantee = limit for the event, as the plan sized each node`);
  }
  return lines;
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
    const key = escapeMarkdown(locator.key, 80);
    if (input.plan.readyMode.followsWindows) {
      // The app scales the placeholders at each window, and they bring the nodes: a min would hold them all night.
      // `restore` with the file's own min writes only the max (an absent min stays absent).
      poolResult = max === null ? { ok: true as const, text: poolText, before: current.values, changed: false } : format.restore(poolText, locator, { min: current.values.min, max });
      summary.push(`${key}: min stays ${current.values.min ?? 'default'} (the app scales the placeholders at each daily window and they bring the nodes)${max !== null ? `; max ${current.values.max} → ${max}` : ''}`);
    } else {
      poolResult = format.patch(poolText, locator, { min: input.plan.readyMode.minNodes, max });
      summary.push(`${key}: min ${current.values.min ?? 'default'} → ${input.plan.readyMode.minNodes}${max !== null ? `, max ${current.values.max} → ${max}` : ''}`);
    }
  } else {
    if (!input.recorded) return { ok: false, error: 'no record of the values before ready mode, so the scale-down cannot restore them; scale down by hand' };
    poolResult = format.restore(poolText, locator, input.recorded.pool);
    summary.push(`${escapeMarkdown(locator.key, 80)}: min back to ${input.recorded.pool.min ?? 'default'}${input.recorded.pool.max !== null ? `, max back to ${input.recorded.pool.max}` : ''}`);
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
    const perUser = input.plan ? eventPerUser(input.plan) : undefined;
    const result =
      input.phase === 'ready'
        ? patchPlaceholders(valuesText, { enabled: p.replicas > 0, replicas: p.replicas, cpu: p.cpu, memoryBytes: p.memory, prePuller: true, podPriority: p.replicas > 0, ...(perUser ? { perUser } : {}) })
        : restorePlaceholders(valuesText, input.recorded?.placeholders ?? null);
    if (!result.ok) return { ok: false, error: `${infra.helmValuesPath}: ${result.error}` };
    if (input.phase === 'ready') {
      summary.push(`user placeholders: ${p.replicas} whole-node pods; image pre-puller on`);
      const after = readPlaceholders(result.text);
      if (after.ok) summary.push(...eventValueLines(read.snapshot.values, after.snapshot.values));
    } else {
      summary.push('user placeholders, pre-puller, pod priority and per-user resources restored as they were before ready mode');
    }
    if (result.changed) files.push({ path: infra.helmValuesPath, before: valuesText, after: result.text });
  }
  const before: InfraBefore = input.phase === 'ready' ? { pool: current.values, placeholders } : (input.recorded as InfraBefore);
  return { ok: true, files, before, summary, diff: files.map((f) => unifiedDiff(f.path, f.before, f.after)).join('') };
}
