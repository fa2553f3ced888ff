/**
 * What the helm-values patch manages, in one table: for each value, where it lives in the values file,
 * how an existing value is read, how the wanted value is written and when an existing value already means
 * it. Below the table: the checks on what may be written and on a recorded snapshot (it comes back from
 * issue state, so it is validated like any input).
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import { isCount } from '../validate.js';
import { MAX_MEMORY_BYTES, floorMilli, formatMemory, parseCpu, parseMemory, sameCpu } from './quantity.js';
import type { PlaceholderSizing } from '../types.js';

const PLACEHOLDER = ['jupyterhub', 'scheduling', 'userPlaceholder'] as const;

/** One managed value. */
interface Leaf {
  /** Path under the values file's root. */
  path: readonly string[];
  /** The typed value of an existing YAML scalar, or null when it is not valid here. */
  read(raw: unknown): boolean | number | null;
  /** The YAML source to write for `sizing`, keeping the quote style (`quote`) the existing value had. */
  write(sizing: PlaceholderSizing, quote: string | undefined): string;
  /** True when an existing scalar already means what `sizing` asks for (then it is left as written). */
  same(raw: unknown, sizing: PlaceholderSizing): boolean;
}

const readBoolean = (raw: unknown): boolean | null => (typeof raw === 'boolean' ? raw : null);

/** Each managed value by name; the patch and the restore visit them in this order. */
export const LEAVES = {
  enabled: {
    path: [...PLACEHOLDER, 'enabled'],
    read: readBoolean,
    write: (s) => String(s.enabled),
    same: (raw, s) => raw === s.enabled,
  },
  replicas: {
    path: [...PLACEHOLDER, 'replicas'],
    read: (raw) => (isCount(raw) ? raw : null),
    write: (s) => String(s.replicas),
    same: (raw, s) => raw === s.replicas,
  },
  cpu: {
    path: [...PLACEHOLDER, 'resources', 'requests', 'cpu'],
    read: parseCpu,
    write: (s) => String(s.cpu),
    same: (raw, s) => {
      const cpu = parseCpu(raw);
      return cpu !== null && sameCpu(cpu, s.cpu);
    },
  },
  memory: {
    path: [...PLACEHOLDER, 'resources', 'requests', 'memory'],
    read: parseMemory,
    write: (s, quote) => quoted(formatMemory(s.memoryBytes), quote),
    same: (raw, s) => parseMemory(raw) === s.memoryBytes,
  },
  prePuller: {
    path: ['jupyterhub', 'prePuller', 'continuous', 'enabled'],
    read: readBoolean,
    write: (s) => String(s.prePuller),
    same: (raw, s) => raw === s.prePuller,
  },
} as const satisfies Record<string, Leaf>;

/** A managed value's name. */
export type LeafName = keyof typeof LEAVES;

/** The managed values' names, in table order. */
export const LEAF_NAMES = Object.keys(LEAVES) as LeafName[];

/** Every map on the way to a managed value, outermost first (dotted). */
export const MAPS: readonly string[] = [
  ...new Set(LEAF_NAMES.flatMap((leaf) => LEAVES[leaf].path.slice(1).map((_, i) => LEAVES[leaf].path.slice(0, i + 1).join('.')))),
];

/** Lines an edit may add or remove: managed keys and the maps that lead to them. */
export const MANAGED_LINE = new RegExp(`^\\s*(${[...new Set(LEAF_NAMES.flatMap((leaf) => LEAVES[leaf].path))].join('|')})\\s*:`);

function quoted(source: string, quote: string | undefined): string {
  if (quote === 'QUOTE_DOUBLE') return `"${source}"`;
  if (quote === 'QUOTE_SINGLE') return `'${source}'`;
  return source;
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
  for (const leaf of LEAF_NAMES) {
    const source = snapshot.values?.[leaf];
    if (source === null) continue;
    if (typeof source !== 'string' || !isOneScalar(leaf, source)) {
      return `${cannot}: the recorded ${leaf} value ${JSON.stringify(source)} is not a single valid value for ${LEAVES[leaf].path.join('.')}. ${advice}`;
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
  return LEAVES[leaf].read(value.value) !== null;
}
