/**
 * Shared pieces of the free-text value parsers (see values.ts): the result type, the "missing"
 * sentinel and text clean-up. Everything here is pure and never throws.
 */

/**
 * Outcome of every value parser. `reason` is a short phrase, without a final full stop, that reads
 * well after a field label: `Start date: <reason>.` `missing: true` marks a value that was left
 * blank or written as a placeholder (TBD, n/a, …) rather than written wrongly.
 */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string; missing?: true };

/** The failure returned for blank and placeholder values. */
export const MISSING = { ok: false, missing: true, reason: 'not given' } as const satisfies ParseResult<never>;

/** A success. */
export function success<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

/** A failure with a reason (a phrase, no final full stop). */
export function failure<T = never>(reason: string): ParseResult<T> {
  return { ok: false, reason };
}

/** Longest input the parsers read; anything longer is not a form value. */
export const MAX_LENGTH = 200;

/**
 * Tidies what GitHub hands us: non-breaking and odd spaces become plain spaces, runs of white space
 * collapse, Markdown wrappers (`code`, **bold**, _italic_, quotes) around the whole value go.
 */
export function normalise(text: string): string {
  let out = text
    .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]/g, ' ')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  for (let i = 0; i < 3; i++) {
    const wrapped = /^(`+|\*\*|__|\*|"|\u201c)(.+?)(`+|\*\*|__|\*|"|\u201d)$/.exec(out);
    if (!wrapped || !wrapped[2]) break;
    out = wrapped[2].trim();
  }
  return out;
}

const PLACEHOLDERS = new Set([
  '',
  'tbd',
  'tba',
  'tbc',
  'to be determined',
  'to be announced',
  'to be confirmed',
  'unknown',
  'not known',
  'not known yet',
  'not yet known',
  'n/a',
  'na',
  'n.a',
  'none',
  '_no response_',
  'no response',
]);

/**
 * True for blank values and the placeholders people write instead of a value: TBD, TBA, unknown,
 * `?`, n/a, `-`, `_No response_` (GitHub's rendering of an empty field) and `None` (an unselected
 * dropdown). A trailing note in brackets is ignored: "TBD (depends on sign-ups)" is missing too.
 */
export function isMissingText(text: string): boolean {
  if (text.length > MAX_LENGTH * 20) return false;
  const t = normalise(text)
    .toLowerCase()
    .replace(/(?<=\S)\s*\([^()]*\)$/, '')
    .trim();
  if (/^[-\u2013\u2014?.\s_]*$/.test(t)) return true; // "", "-", "?", "???", "--", "—"
  return PLACEHOLDERS.has(t.replace(/[.!?]+$/, '').trim());
}

/** `"text"` for a reason, shortened to one line of at most 60 characters. */
export function quote(text: string): string {
  const line = normalise(text);
  return JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line);
}

/** Reads a plain decimal number with optional thousands commas (`1,200`, `0.5`, `.5`); NaN otherwise. */
export function readNumber(text: string): number {
  const t = text.trim();
  if (!/^(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$/.test(t) || t === '' || t === '.') return Number.NaN;
  return Number(t.replace(/,/g, ''));
}
