/**
 * Memory sizes in the two spellings the infra files and the config use: Kubernetes resource quantities
 * (placeholder requests; `G` = 10⁹, `Gi` = 2³⁰) and KubeSpawner's byte specification (z2jh
 * `singleuser.memory`; `G` = 2³⁰). Kept below config and infra so both read memory with the same code.
 * We always write Kubernetes memory with a binary suffix (`28.5Gi`, `512Mi`) because that is how people
 * write requests in z2jh values, and read back any suffix so an existing `4G` that already means the
 * right number of bytes is left alone.
 */

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** Largest memory we accept (64 TiB): far above any node, and low enough that `bytes * 100` stays exact. */
export const MAX_MEMORY_BYTES = 2 ** 46;

/**
 * Bytes as a quantity with the largest binary suffix that is exact with at most two decimals
 * (30601641984 → "28.5Gi", 536870912 → "512Mi"); plain bytes when no suffix is exact.
 */
export function formatMemory(bytes: number): string {
  for (const suffix of ['Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const unit = UNITS[suffix] as number;
    if (bytes >= unit && (bytes * 100) % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

/** Bytes meant by a quantity (string or number), rounded up as Kubernetes does; null when not a quantity. */
export function parseMemory(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.ceil(value) : null;
  if (typeof value !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(value.trim());
  if (!match) return null;
  const bytes = Number(match[1]) * (UNITS[match[2] ?? ''] as number);
  // Float noise (e.g. 0.1 × 1e9) must not round a whole byte count up by one.
  return Number.isFinite(bytes) ? Math.ceil(bytes - 1e-6) : null;
}

/** KubeSpawner's byte suffixes (JupyterHub's ByteSpecification): binary, one letter, nothing else. */
const SPAWNER_UNITS: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/**
 * Bytes meant by a z2jh `singleuser.memory.{guarantee,limit}` value, as KubeSpawner reads it: a number is
 * bytes, a string is a number with one of K, M, G, T, all powers of 1024 (`4G` = 4 GiB). `4Gi` or `4GB` would
 * stop the hub from spawning, so they are not quantities here (null).
 */
export function parseSpawnerBytes(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.trunc(value) : null;
  if (typeof value !== 'string') return null;
  const match = /^(\d+(?:\.\d+)?)([KMGT])$/.exec(value.trim());
  if (!match) return null;
  // KubeSpawner truncates: int(float(number) * unit).
  return Math.trunc(Number(match[1]) * (SPAWNER_UNITS[match[2] as string] as number));
}

/**
 * Bytes written for KubeSpawner: the largest suffix that divides them exactly (`4G`, `3906250K`), else a plain
 * number of bytes. Whole multiples only, because KubeSpawner multiplies a float and truncates.
 */
export function formatSpawnerBytes(bytes: number): string {
  for (const suffix of ['T', 'G', 'M', 'K'] as const) {
    const unit = SPAWNER_UNITS[suffix] as number;
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

/**
 * Bytes meant by a memory size in this app's config, read as KubeSpawner reads z2jh's
 * `singleuser.memory.{guarantee,limit}`: a number is bytes; K, M, G, T are powers of 1024 (`4G` = 4 GiB),
 * and so are Kubernetes' Ki, Mi, Gi, Ti. Decimal spellings (`4GB`, `4k`) are not accepted (null): they are
 * exactly where a hub default and the helm values would come to mean different sizes.
 */
export function parseConfigMemory(value: unknown): number | null {
  const spawner = parseSpawnerBytes(value);
  if (spawner !== null) return spawner;
  return typeof value === 'string' && /^[\d.]+(?:Ki|Mi|Gi|Ti)$/.test(value.trim()) ? parseMemory(value) : null;
}
