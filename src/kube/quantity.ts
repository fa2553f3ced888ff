/**
 * Kubernetes resource quantities (`3920m`, `29085844Ki`, `1.5Gi`, `500M`, `1e3`) as plain numbers:
 * CPU in cores, memory in bytes. The grammar is the API server's
 * (k8s.io/apimachinery/pkg/api/resource): a signed decimal number followed by a binary-SI suffix
 * (Ki…Ei), a decimal-SI suffix (n, u, m, "", k, M, G, T, P, E) or a decimal exponent (e3, E-2).
 * Suffixes are case-sensitive: `m` is milli and `M` is mega, so `500m` of memory is half a byte.
 */

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const DECIMAL_EXPONENT: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_POWER: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

/** Parses a Kubernetes quantity; `null` when the text is not one (callers decide what a bad value means). */
export function parseQuantity(text: string): number | null {
  const match = QUANTITY.exec(text.trim());
  if (!match) return null;
  const mantissa = match[1] ?? '';
  const suffix = match[2] ?? '';
  if (suffix === '') return Number(mantissa);
  const power = BINARY_POWER[suffix];
  if (power !== undefined) return Number(mantissa) * 1024 ** power;
  // Decimal suffixes go through the string form (`3920e-3`) so JavaScript rounds once, correctly:
  // 3920 * 0.001 would give 3.9200000000000004.
  const exponent = DECIMAL_EXPONENT[suffix] ?? Number(suffix.slice(1));
  return Number(`${mantissa}e${exponent}`);
}

/** Sums a resource over quantity maps (`requests`, `limits`); unparsable or missing entries count as 0. */
export function quantityOf(map: Record<string, string> | undefined, resource: string): number {
  const text = map?.[resource];
  if (text === undefined) return 0;
  return parseQuantity(text) ?? 0;
}

/** Cores as a milli-CPU quantity (`0.85` → `850m`); rounded up so a pod never asks for less than planned. */
export function cpuQuantity(cores: number): string {
  return `${Math.ceil(cores * 1000 - 1e-9)}m`;
}

/** Bytes as an integer byte quantity (`4294967296`); rounded up for the same reason as CPU. */
export function memoryQuantity(bytes: number): string {
  return String(Math.ceil(bytes - 1e-9));
}
