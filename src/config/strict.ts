import { z } from 'zod';

/**
 * Objects that refuse keys they do not know. zod strips unknown keys by default, so a typo such as
 * `headrom:` validated and silently fell back to the default; here it is an error that names the key,
 * where it is, and the valid key it most likely meant.
 */

/** Edit distance with adjacent transpositions (`memoryGaurantee` is one edit from `memoryGuarantee`). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known key closest to `key`, ignoring case, or null when none is close enough to be a typo
 * (at most a third of the key's length, and at least 2, edits away).
 */
export function nearestKey(key: string, known: readonly string[]): string | null {
  // Unknown keys come from the file: bound the work a very long key can cause.
  if (key.length > 64) return null;
  const lower = key.toLowerCase();
  let best: { key: string; distance: number } | null = null;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (best === null || distance < best.distance) best = { key: candidate, distance };
  }
  const limit = Math.max(2, Math.floor(key.length / 3));
  return best && best.distance <= limit ? best.key : null;
}

/** One line per unknown key: "unknown key `headrom` under policy — did you mean `headroom`?". */
export function unknownKeyMessage(key: string, path: readonly PropertyKey[], known: readonly string[]): string {
  const shown = key.length > 64 ? `${key.slice(0, 63)}…` : key;
  const where = path.length ? `under ${path.map(String).join('.')}` : 'at the top level';
  const nearest = nearestKey(key, known);
  const hint = nearest ? ` — did you mean \`${nearest}\`?` : ` (valid keys: ${known.join(', ')})`;
  return `unknown key \`${shown}\` ${where}${hint}`;
}

/** Separates the per-key lines of one unrecognized-keys issue; `validateConfig` splits on it. */
export const UNKNOWN_KEYS_SEPARATOR = '\n';

/** `z.strictObject` whose unknown-key error names each key and its nearest valid spelling. */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const path = (issue as { path?: PropertyKey[] }).path ?? [];
      return issue.keys.map((key) => unknownKeyMessage(key, path, known)).join(UNKNOWN_KEYS_SEPARATOR);
    },
  });
}
