/**
 * Kubernetes resource quantities, read with one grammar for every caller: memory sizes in the infra files
 * and the config (placeholder requests; `G` = 10⁹, `Gi` = 2³⁰), and what the API server reports (node
 * allocatable `29084476Ki`, `3920m`), plus KubeSpawner's byte specification (z2jh `singleuser.memory`;
 * `G` = 2³⁰). Kept below config, infra and the kube adapter so all of them read quantities with the same code.
 * We always write Kubernetes memory with a binary suffix (`28.5Gi`, `512Mi`) because that is how people
 * write requests in z2jh values, and read back any suffix so an existing `4G` that already means the
 * right number of bytes is left alone.
 */

/**
 * The API server's grammar (k8s.io/apimachinery/pkg/api/resource): a signed decimal number followed by a
 * binary-SI suffix (Ki…Ei), a decimal-SI suffix (n, u, m, "", k, M, G, T, P, E) or a decimal exponent (e3,
 * E-2). Suffixes are case-sensitive: `m` is milli and `M` is mega, so `500m` of memory is half a byte.
 */
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_POWER: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

/** A quantity split by the grammar: its sign as written, its digits and its suffix (`''` when none). */
interface QuantityParts {
  sign: '' | '+' | '-';
  digits: string;
  suffix: string;
}

function quantityParts(text: string): QuantityParts | null {
  const match = QUANTITY.exec(text.trim());
  if (!match) return null;
  return { sign: (match[1] ?? '') as QuantityParts['sign'], digits: match[2] ?? '', suffix: match[3] ?? '' };
}

function quantityValue({ sign, digits, suffix }: QuantityParts): number {
  const mantissa = `${sign}${digits}`;
  const power = BINARY_POWER[suffix];
  if (power !== undefined) return Number(mantissa) * 1024 ** power;
  // Decimal suffixes go through the string form (`3920e-3`) so JavaScript rounds once, correctly:
  // 3920 * 0.001 would give 3.9200000000000004.
  const exponent = DECIMAL_EXPONENT[suffix] ?? Number(suffix.slice(1));
  return Number(`${mantissa}e${exponent}`);
}

/** Parses any Kubernetes quantity as the API server reports it; `null` when the text is not one (callers decide what a bad value means). */
export function parseQuantity(text: string): number | null {
  const parts = quantityParts(text);
  return parts ? quantityValue(parts) : null;
}

/**
 * A quantity as people write it in values files: no sign, no trailing dot (`5.`), and only the suffixes
 * given (`''` for none); null otherwise, or when not a quantity at all.
 */
export function parseWrittenQuantity(text: string, suffixes: readonly string[]): number | null {
  const parts = quantityParts(text);
  if (!parts || parts.sign !== '' || parts.digits.endsWith('.') || !suffixes.includes(parts.suffix)) return null;
  return quantityValue(parts);
}

/** The suffixes a memory size may carry: bytes, decimal SI and binary SI (not milli, not an exponent). */
const MEMORY_SUFFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;
const UNITS: Record<string, number> = Object.fromEntries(MEMORY_SUFFIXES.map((suffix) => [suffix, parseQuantity(`1${suffix}`) as number]));

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
  const bytes = parseWrittenQuantity(value, MEMORY_SUFFIXES);
  if (bytes === null) return null;
  // Float noise (e.g. 1.1 × 2³⁰) must not round a whole byte count up by one.
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
