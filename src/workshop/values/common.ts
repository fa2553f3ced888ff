/**
 * Shared pieces of the free-text value parsers (see index.ts): the result type, the "missing"
 * sentinel and text clean-up. Everything here is pure and never throws.
 */

/**
 * Outcome of every value parser. `reason` is a short phrase, without a final full stop, that reads
 * well after a field label: `Start date: <reason>.` `missing: true` marks a value that was left
 * blank or written as a placeholder (TBD, n/a, …) rather than written wrongly. A success with
 * `confirm` is a plausible reading of an ambiguous value (a day/month order, a zone abbreviation
 * with two meanings, a range): it is used, and `confirm` (a phrase, like `reason`) says what was
 * assumed so the requester can confirm it.
 */
export type ParseResult<T> = { ok: true; value: T; confirm?: string } | { ok: false; reason: string; missing?: true };

/** The failure returned for blank and placeholder values. */
export const MISSING = { ok: false, missing: true, reason: 'not given' } as const satisfies ParseResult<never>;

/** A success; with `confirm`, one that the requester is asked to confirm. */
export function success<T>(value: T, confirm?: string): ParseResult<T> {
  return confirm ? { ok: true, value, confirm } : { ok: true, value };
}

/** Links removed (a helper link often repeats the date: arewemeetingyet.com/Chicago/2027-03-10/09:00); `[text](url)` keeps its text. */
export function withoutLinks(text: string): string {
  if (tooLong(text)) return text;
  return text
    .replace(/\[([^\]\n]{0,200})\]\(\s*https?:\/\/[^\s)]{0,2000}\s*\)/g, '$1')
    .replace(/<?https?:\/\/[^\s)>]{0,2000}>?/g, ' ')
    .replace(/\(\s*\)/g, ' ');
}

/** A failure with a reason (a phrase, no final full stop). */
export function failure<T = never>(reason: string): ParseResult<T> {
  return { ok: false, reason };
}

/** Longest input the parsers read; anything longer is not a form value. */
export const MAX_LENGTH = 200;

/**
 * Longest raw text any parser looks at. Every parser refuses longer text before a single pattern
 * runs on it, so no input can make a parser slow (a field of 6,000 backticks once took 92 s).
 */
export const MAX_INPUT_LENGTH = MAX_LENGTH * 10;

/** True when the raw text is too long for any parser to read (checked before any pattern runs). */
export function tooLong(text: string): boolean {
  return text.length > MAX_INPUT_LENGTH;
}

/** Zero-width characters a copy from a chat or a web page slips into values ("jane\u200d@example.org"). */
const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;

/** Removes zero-width characters and trims: the clean-up of free text kept as written (names, emails, images). */
export function stripInvisible(text: string): string {
  return text.replace(ZERO_WIDTH, '').trim();
}

/** Pairs of Markdown wrappers and quotes that may surround a whole value. */
const WRAPPERS: Array<[string, string]> = [
  ['**', '**'],
  ['__', '__'],
  ['*', '*'],
  ['"', '"'],
  ['\u201c', '\u201d'],
];

/**
 * One layer of wrapping removed, or null when there is none. A linear scan, not a pattern: a lazy
 * group between repeated delimiters backtracks on every split of a run of backticks.
 */
function unwrapOnce(text: string): string | null {
  if (text.startsWith('`')) {
    let lead = 0;
    while (lead < text.length && text[lead] === '`') lead++;
    let trail = 0;
    while (trail < text.length - lead && text[text.length - 1 - trail] === '`') trail++;
    return trail > 0 && lead + trail < text.length ? text.slice(lead, text.length - trail) : null;
  }
  for (const [open, close] of WRAPPERS) {
    if (text.length > open.length + close.length && text.startsWith(open) && text.endsWith(close)) {
      return text.slice(open.length, text.length - close.length);
    }
  }
  return null;
}

/**
 * Tidies what GitHub hands us: zero-width characters go, non-breaking and odd spaces become plain
 * spaces, runs of white space collapse, Markdown wrappers (`code`, **bold**, _italic_, quotes)
 * around the whole value go. Linear in the length of the text, and reads at most MAX_INPUT_LENGTH
 * characters of it.
 */
export function normalise(text: string): string {
  let out = (text.length > MAX_INPUT_LENGTH ? text.slice(0, MAX_INPUT_LENGTH) : text)
    .replace(ZERO_WIDTH, '')
    .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  for (let i = 0; i < 3; i++) {
    const inner = unwrapOnce(out)?.trim();
    if (!inner) break;
    out = inner;
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
  'todo',
  'to do',
  'unsure yet',
  '_no response_',
  'no response',
]);

/**
 * True for blank values and the placeholders people write instead of a value: TBD, TBA, unknown,
 * `?`, n/a, `-`, `_No response_` (GitHub's rendering of an empty field) and `None` (an unselected
 * dropdown). A trailing note in brackets is ignored: "TBD (depends on sign-ups)" is missing too.
 */
export function isMissingText(text: string): boolean {
  if (tooLong(text)) return false;
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
  if (t.length > 40) return Number.NaN;
  if (!/^(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$/.test(t) || t === '' || t === '.') return Number.NaN;
  return Number(t.replace(/,/g, ''));
}
