/**
 * The managed placeholder keys and the checks around them: what may be written, what a recorded snapshot
 * may contain (it comes back from issue state, so it is validated like any input), and the proof that an
 * edit touched nothing but those keys.
 */
import { diffLines } from 'diff';
import { isMap, isScalar, parseDocument } from 'yaml';
import { isCount } from '../validate.js';
import { MAX_MEMORY_BYTES, floorMilli, parseCpu, parseMemory } from './quantity.js';
import type { PlaceholderSizing } from '../types.js';

const PLACEHOLDER = ['jupyterhub', 'scheduling', 'userPlaceholder'] as const;

/** Path of each managed value under the values file's root. */
export const LEAVES = {
  enabled: [...PLACEHOLDER, 'enabled'],
  replicas: [...PLACEHOLDER, 'replicas'],
  cpu: [...PLACEHOLDER, 'resources', 'requests', 'cpu'],
  memory: [...PLACEHOLDER, 'resources', 'requests', 'memory'],
  prePuller: ['jupyterhub', 'prePuller', 'continuous', 'enabled'],
} as const satisfies Record<string, readonly string[]>;

/** A managed value's name. */
export type LeafName = keyof typeof LEAVES;

/** Every map on the way to a managed value, outermost first (dotted). */
export const MAPS: readonly string[] = [
  ...new Set(Object.values(LEAVES).flatMap((path) => path.slice(1).map((_, i) => path.slice(0, i + 1).join('.')))),
];

/** Lines an edit may add or remove: managed keys and the maps that lead to them. */
const MANAGED_LINE = /^\s*(jupyterhub|scheduling|userPlaceholder|resources|requests|prePuller|continuous|enabled|replicas|cpu|memory)\s*:/;

/** The typed value of a managed key, or null when `raw` is not valid for it. */
export function leafValue(leaf: LeafName, raw: unknown): boolean | number | null {
  if (leaf === 'enabled' || leaf === 'prePuller') return typeof raw === 'boolean' ? raw : null;
  if (leaf === 'replicas') return isCount(raw) ? raw : null;
  if (leaf === 'cpu') return parseCpu(raw);
  return parseMemory(raw);
}

/** Why `sizing` cannot be written, or null. */
export function checkSizing(sizing: PlaceholderSizing, label: string): string | null {
  const cannot = `Cannot write the user placeholders to the ${label}`;
  if (typeof sizing.enabled !== 'boolean' || typeof sizing.prePuller !== 'boolean') {
    return `${cannot}: enabled and prePuller must be true or false. Check the placeholder plan.`;
  }
  if (!isCount(sizing.replicas)) {
    return `${cannot}: replicas ${String(sizing.replicas)} is not a whole number of 0 or more. Ask for a whole number of placeholder pods.`;
  }
  if (typeof sizing.cpu !== 'number' || !Number.isFinite(sizing.cpu) || sizing.cpu < 0 || sizing.cpu > 10_000) {
    return `${cannot}: cpu ${String(sizing.cpu)} is not a number of cores between 0 and 10000. Check the per-user CPU request.`;
  }
  const bytes = sizing.memoryBytes;
  if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0 || bytes > MAX_MEMORY_BYTES) {
    return `${cannot}: memoryBytes ${String(sizing.memoryBytes)} is not a number of bytes between 0 and 64 TiB. Check the per-user memory request.`;
  }
  return null;
}

/**
 * The sizing as it will be written: cpu rounded down to the millicore and memory down to a whole byte, so a
 * plan that divides a node's allocatable by its users still produces pods that fit.
 */
export function writableSizing(sizing: PlaceholderSizing): PlaceholderSizing {
  return { ...sizing, cpu: floorMilli(sizing.cpu), memoryBytes: Math.floor(sizing.memoryBytes) };
}

/** Why a recorded snapshot cannot be restored, or null: each value must be one valid YAML scalar for its key. */
export function checkSnapshot(snapshot: { values: Record<LeafName, string | null>; maps: string[] }, label: string): string | null {
  const cannot = `Cannot restore the user placeholders in the ${label}`;
  const advice = 'Check the values recorded when the ready-mode PR was made.';
  if (!Array.isArray(snapshot.maps) || snapshot.maps.some((path) => !MAPS.includes(path))) {
    return `${cannot}: the recorded maps are not all placeholder settings. ${advice}`;
  }
  for (const leaf of Object.keys(LEAVES) as LeafName[]) {
    const source = snapshot.values?.[leaf];
    if (source === null) continue;
    if (typeof source !== 'string' || !isOneScalar(leaf, source)) {
      return `${cannot}: the recorded ${leaf} value ${JSON.stringify(source)} is not a single valid value for ${LEAVES[leaf].join('.')}. ${advice}`;
    }
  }
  return null;
}

/** True when `source` is exactly one scalar (no comment, no extra keys, no line break) valid for `leaf`. */
function isOneScalar(leaf: LeafName, source: string): boolean {
  if (!/^[^\r\n]+$/.test(source)) return false;
  const doc = parseDocument(`k: ${source}`);
  const pair = isMap(doc.contents) && doc.contents.items.length === 1 ? doc.contents.items[0] : undefined;
  const value = pair?.value;
  if (doc.errors.length > 0 || !isScalar(value) || value.range?.[0] !== 3 || value.range[1] !== 3 + source.length) return false;
  return leafValue(leaf, value.value) !== null;
}

/** Null when `before` and `after` differ only in managed keys; otherwise what else changed. */
export function unchangedElsewhere(before: string, after: string): string | null {
  if (JSON.stringify(unmanaged(before)) !== JSON.stringify(unmanaged(after))) return 'other settings differ';
  for (const part of diffLines(before, after, { ignoreNewlineAtEof: true })) {
    if (!part.added && !part.removed) continue;
    const line = part.value.split('\n').find((l) => l.trim() !== '' && !MANAGED_LINE.test(l));
    if (line !== undefined) return `the line \`${line.trim()}\` was ${part.added ? 'added' : 'removed'}`;
  }
  return null;
}

/** The file's data with managed values and any maps they leave empty taken out. */
function unmanaged(text: string): unknown {
  const data: unknown = parseDocument(text).toJS();
  for (const path of Object.values(LEAVES)) deletePath(data, path);
  for (const path of [...MAPS].reverse()) {
    const segments = path.split('.');
    const parent = walk(data, segments.slice(0, -1));
    const key = segments[segments.length - 1] as string;
    const value = parent?.[key];
    if (parent && key in parent && (value === null || (typeof value === 'object' && Object.keys(value).length === 0))) {
      delete parent[key];
    }
  }
  // An empty file and one holding only maps we created both mean "no settings".
  const empty = data === null || (typeof data === 'object' && Object.keys(data).length === 0);
  return empty ? null : data;
}

function deletePath(data: unknown, path: readonly string[]): void {
  const parent = walk(data, path.slice(0, -1));
  if (parent) delete parent[path[path.length - 1] as string];
}

function walk(data: unknown, path: readonly string[]): Record<string, unknown> | null {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  return node !== null && typeof node === 'object' ? (node as Record<string, unknown>) : null;
}
