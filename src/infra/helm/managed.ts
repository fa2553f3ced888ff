/**
 * What the helm-values patch manages, in one table: for each value, where it lives in the values file,
 * how an existing value is read, how the wanted value is written and when an existing value already means
 * it. Below the table: the checks on what may be written and on a recorded snapshot (it comes back from
 * issue state, so it is validated like any input).
 */
import { isMap, isScalar, parseDocument } from 'yaml';
import { isCount } from '../validate.js';
import { MAX_MEMORY_BYTES, floorMilli, formatMemory, formatSpawnerBytes, parseCpu, parseMemory, parseSpawnerBytes, sameCpu } from './quantity.js';
import type { PlaceholderSizing } from '../types.js';

const PLACEHOLDER = ['jupyterhub', 'scheduling', 'userPlaceholder'] as const;
const SINGLEUSER = ['jupyterhub', 'singleuser'] as const;

/** One managed value. */
export interface Leaf {
  /** Path under the values file's root. */
  path: readonly string[];
  /** The typed value of an existing YAML scalar, or null when it is not valid here. */
  read(raw: unknown): boolean | number | null;
  /** The YAML source to write for `sizing`, keeping the quote style (`quote`) the existing value had. */
  write(sizing: PlaceholderSizing, quote: string | undefined): string;
  /** True when an existing scalar already means what `sizing` asks for (then it is left as written). */
  same(raw: unknown, sizing: PlaceholderSizing): boolean;
  /** Whether a patch for `sizing` sets this value at all; when not, the value is left as it is. */
  setBy(sizing: PlaceholderSizing): boolean;
  /** A missing key goes first in its map (where people look for a switch like `enabled`), not last. */
  first?: true;
}

const always = (): boolean => true;
const withPerUser = (s: PlaceholderSizing): boolean => s.perUser !== undefined;
const perUserCpu = (s: PlaceholderSizing): number => s.perUser?.cpu ?? 0;
const perUserBytes = (s: PlaceholderSizing): number => s.perUser?.memoryBytes ?? 0;

/** True when an existing CPU value is `cores` to the millicore. */
const meansCpu = (raw: unknown, cores: number): boolean => {
  const cpu = parseCpu(raw);
  return cpu !== null && sameCpu(cpu, cores);
};

/** The per-user guarantee or limit: both get the event's value (oversubscription 1). */
const perUserMemory = (which: 'guarantee' | 'limit'): Leaf => ({
  path: [...SINGLEUSER, 'memory', which],
  read: parseSpawnerBytes,
  write: (s, quote) => quoted(formatSpawnerBytes(perUserBytes(s)), quote),
  same: (raw, s) => parseSpawnerBytes(raw) === perUserBytes(s),
  setBy: withPerUser,
});
const perUserCpuLeaf = (which: 'guarantee' | 'limit'): Leaf => ({
  path: [...SINGLEUSER, 'cpu', which],
  read: parseCpu,
  write: (s) => String(perUserCpu(s)),
  same: (raw, s) => meansCpu(raw, perUserCpu(s)),
  setBy: withPerUser,
});

const readBoolean = (raw: unknown): boolean | null => (typeof raw === 'boolean' ? raw : null);

/** Each managed value by name; the patch and the restore visit them in this order. */
export const LEAVES = {
  enabled: {
    path: [...PLACEHOLDER, 'enabled'],
    read: readBoolean,
    write: (s) => String(s.enabled),
    same: (raw, s) => raw === s.enabled,
    setBy: always,
    first: true,
  },
  replicas: {
    path: [...PLACEHOLDER, 'replicas'],
    read: (raw) => (isCount(raw) ? raw : null),
    write: (s) => String(s.replicas),
    same: (raw, s) => raw === s.replicas,
    setBy: always,
  },
  cpu: {
    path: [...PLACEHOLDER, 'resources', 'requests', 'cpu'],
    read: parseCpu,
    write: (s) => String(s.cpu),
    same: (raw, s) => meansCpu(raw, s.cpu),
    setBy: always,
  },
  memory: {
    path: [...PLACEHOLDER, 'resources', 'requests', 'memory'],
    read: parseMemory,
    write: (s, quote) => quoted(formatMemory(s.memoryBytes), quote),
    same: (raw, s) => parseMemory(raw) === s.memoryBytes,
    setBy: always,
  },
  prePuller: {
    path: ['jupyterhub', 'prePuller', 'continuous', 'enabled'],
    read: readBoolean,
    write: (s) => String(s.prePuller),
    same: (raw, s) => raw === s.prePuller,
    setBy: always,
  },
  podPriority: {
    path: ['jupyterhub', 'scheduling', 'podPriority', 'enabled'],
    read: readBoolean,
    // Only ever switched on: a hub that has it on keeps it, whatever the plan.
    write: () => 'true',
    same: (raw) => raw === true,
    setBy: (s) => s.podPriority === true,
    first: true,
  },
  memoryGuarantee: perUserMemory('guarantee'),
  memoryLimit: perUserMemory('limit'),
  cpuGuarantee: perUserCpuLeaf('guarantee'),
  cpuLimit: perUserCpuLeaf('limit'),
} as const satisfies Record<string, Leaf>;

/** A managed value's name. */
export type LeafName = keyof typeof LEAVES;

/** The managed values' names, in table order. */
export const LEAF_NAMES = Object.keys(LEAVES) as LeafName[];

/** The values that belong to the placeholders alone: a restore without a record removes these, never the others. */
export const PLACEHOLDER_LEAVES: readonly LeafName[] = ['enabled', 'replicas', 'cpu', 'memory', 'prePuller'];

/** The maps on the way to one managed value, outermost first (dotted). */
export function mapsOf(leaf: LeafName): string[] {
  const path = LEAVES[leaf].path;
  return path.slice(1).map((_, i) => path.slice(0, i + 1).join('.'));
}

/** Every map on the way to a managed value, outermost first (dotted). */
export const MAPS: readonly string[] = [...new Set(LEAF_NAMES.flatMap(mapsOf))];

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
  if (sizing.podPriority !== undefined && typeof sizing.podPriority !== 'boolean') return `${cannot}: podPriority must be true or false. Check the placeholder plan.`;
  if (sizing.perUser !== undefined) {
    const { cpu, memoryBytes } = sizing.perUser;
    if (typeof cpu !== 'number' || !Number.isFinite(cpu) || cpu <= 0 || cpu > 10_000) {
      return `Cannot write the per-user resources to the ${label}: cpu ${String(cpu)} is not a number of cores above 0 and up to 10000. Check the per-user CPU request.`;
    }
    if (typeof memoryBytes !== 'number' || !Number.isFinite(memoryBytes) || memoryBytes < 2 ** 20 || memoryBytes > MAX_MEMORY_BYTES) {
      return `Cannot write the per-user resources to the ${label}: memory ${String(memoryBytes)} bytes is not between 1 MiB and 64 TiB. Check the per-user memory request.`;
    }
  }
  return null;
}

/**
 * The sizing as it will be written: cpu rounded down to the millicore and memory down to a whole byte, so a
 * plan that divides a node's allocatable by its users still produces pods that fit.
 */
export function writableSizing(sizing: PlaceholderSizing): PlaceholderSizing {
  const perUser = sizing.perUser && { cpu: floorMilli(sizing.perUser.cpu), memoryBytes: Math.floor(sizing.perUser.memoryBytes) };
  return { ...sizing, cpu: floorMilli(sizing.cpu), memoryBytes: Math.floor(sizing.memoryBytes), ...(perUser ? { perUser } : {}) };
}

/**
 * Why a recorded snapshot cannot be restored, or null: each value must be one valid YAML scalar for its key.
 * A value missing from the record (one recorded before this app managed it) is not restored, so allowed.
 */
export function checkSnapshot(snapshot: { values: Partial<Record<LeafName, string | null>>; maps: string[] }, label: string): string | null {
  const cannot = `Cannot restore the event settings in the ${label}`;
  const advice = 'Check the values recorded when the ready-mode PR was made.';
  if (!Array.isArray(snapshot.maps) || snapshot.maps.some((path) => !MAPS.includes(path))) {
    return `${cannot}: the recorded maps are not all settings this app manages. ${advice}`;
  }
  if (typeof snapshot.values !== 'object' || snapshot.values === null || Array.isArray(snapshot.values)) return `${cannot}: the record holds no values. ${advice}`;
  for (const leaf of LEAF_NAMES) {
    const source = snapshot.values[leaf];
    if (source === null || source === undefined) continue;
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
