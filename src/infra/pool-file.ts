/**
 * The read / patch / restore story shared by every brace-language pool file. A format only says how to find
 * the pool's entry and how it likes keys written; this module edits that entry and then proves the edit:
 * it re-reads the values and checks that every byte outside the entry, and every other member inside it,
 * is unchanged. Anything else is an error, never half-edited text.
 */
import { tokenize, type Dialect, type Token } from './lexer.js';
import { applySplice, insertMember, removeMember, replaceValue, type InsertStyle, type Splice } from './member-edit.js';
import { findMember, type ObjectNode } from './structure.js';
import type { PatchResult, PoolLocator, PoolSizing, PoolValues } from './types.js';
import { minAboveFileMax, restoreProblem, sizingProblem } from './validate.js';

/** Where one pool's entry is, as found by a format. */
export type Located = { ok: true; tokens: Token[]; entry: ObjectNode } | { ok: false; error: string };

/** What a brace-language format tells the shared editor. */
export interface PoolFileSpec {
  /** How errors name the file, e.g. "terraform .tfvars file". */
  label: string;
  dialect: Dialect;
  /** The entry's keys for the node counts, e.g. `min`/`max` or `minSize`/`maxSize`. */
  keys: { min: string; max: string };
  /** How errors name the pool, e.g. `pool "gpu-t4"`. */
  describe(pool: PoolLocator): string;
  /** Finds the pool's entry in already tokenized text. */
  locate(tokens: Token[], pool: PoolLocator): Located;
  style: { min: InsertStyle; max: InsertStyle };
}

type Values = { ok: true; values: PoolValues } | { ok: false; error: string };
/** Per key: a count to write, null to remove the key, 'keep' to leave it alone. */
type Target = { min: number | null | 'keep'; max: number | null | 'keep' };

const where = (spec: PoolFileSpec, pool: PoolLocator): string => `${spec.describe(pool)} in the ${spec.label}`;

/** Tokenizes and locates the pool's entry, turning syntax errors into sentences about the file. */
export function locateEntry(spec: PoolFileSpec, text: string, pool: PoolLocator): Located {
  const lexed = tokenize(text, spec.dialect);
  if (!lexed.ok) {
    return {
      ok: false,
      error: `The ${spec.label} does not parse (${lexed.error}), so ${spec.describe(pool)} cannot be changed safely. Fix the file's syntax first.`,
    };
  }
  return spec.locate(lexed.tokens, pool);
}

/** Reads the pool's min/max; null for a key that is absent (the file's default applies). */
export function readPool(spec: PoolFileSpec, text: string, pool: PoolLocator): Values {
  const located = locateEntry(spec, text, pool);
  return located.ok ? readEntry(spec, text, located, pool) : located;
}

/** Sets min (and max unless null), after checking the numbers make sense together with the file. */
export function patchPool(spec: PoolFileSpec, text: string, pool: PoolLocator, sizing: PoolSizing): PatchResult {
  const problem = sizingProblem(sizing, where(spec, pool));
  if (problem) return { ok: false, error: problem };
  const current = readPool(spec, text, pool);
  if (!current.ok) return current;
  if (sizing.max === null) {
    const tooHigh = minAboveFileMax(sizing.min, current.values.max, where(spec, pool));
    if (tooHigh) return { ok: false, error: tooHigh };
  }
  return write(spec, text, pool, current.values, { min: sizing.min, max: sizing.max ?? 'keep' });
}

/** Puts back recorded values; a null removes the key, undoing an insertion byte for byte. */
export function restorePool(spec: PoolFileSpec, text: string, pool: PoolLocator, before: PoolValues): PatchResult {
  const problem = restoreProblem(before, where(spec, pool));
  if (problem) return { ok: false, error: problem };
  const current = readPool(spec, text, pool);
  if (!current.ok) return current;
  return write(spec, text, pool, current.values, { min: before.min, max: before.max });
}

function write(spec: PoolFileSpec, text: string, pool: PoolLocator, before: PoolValues, target: Target): PatchResult {
  let next = text;
  // One key at a time, re-locating after each splice, so no offset is ever stale.
  for (const field of ['min', 'max'] as const) {
    const located = locateEntry(spec, next, pool);
    if (!located.ok) return located;
    const splice = spliceFor(spec, next, located, field, target[field]);
    if (splice) next = applySplice(next, splice);
  }
  const broken = verify(spec, text, next, pool, expected(before, target));
  if (broken) return { ok: false, error: broken };
  return { ok: true, text: next, before, changed: next !== text };
}

function spliceFor(spec: PoolFileSpec, text: string, located: Extract<Located, { ok: true }>, field: 'min' | 'max', want: number | null | 'keep'): Splice | null {
  if (want === 'keep') return null;
  const member = findMember(located.entry, spec.keys[field]);
  if (member === 'duplicate') return null; // readEntry already refused such files
  if (want === null) return member ? removeMember(text, located.tokens, member) : null;
  if (!member) return insertMember(text, located.entry, spec.keys[field], String(want), spec.style[field]);
  return text.slice(member.valueStart, member.valueEnd) === String(want) ? null : replaceValue(member, String(want));
}

function expected(before: PoolValues, target: Target): PoolValues {
  return {
    min: target.min === 'keep' ? before.min : target.min,
    max: target.max === 'keep' ? before.max : target.max,
  };
}

/** Null when `next` differs from `text` only in the entry's min/max; otherwise a sentence saying what broke. */
function verify(spec: PoolFileSpec, text: string, next: string, pool: PoolLocator, want: PoolValues): string | null {
  const failed = `Editing ${where(spec, pool)} did not produce a clean result`;
  const advice = 'The file was left unchanged; change this pool by hand and report the file layout as a bug.';
  const old = locateEntry(spec, text, pool);
  const now = locateEntry(spec, next, pool);
  if (!old.ok || !now.ok) return `${failed} (the edited file no longer parses). ${advice}`;
  const outsideSame =
    text.slice(0, old.entry.start) === next.slice(0, now.entry.start) &&
    text.slice(old.entry.end) === next.slice(now.entry.end);
  if (!outsideSame) return `${failed} (text outside the pool's entry changed). ${advice}`;
  const managed = new Set([spec.keys.min, spec.keys.max]);
  const others = (source: string, entry: ObjectNode): string[] =>
    entry.members.filter((m) => m.key === null || !managed.has(m.key)).map((m) => source.slice(m.start, m.valueEnd));
  if (others(text, old.entry).join('\u0000') !== others(next, now.entry).join('\u0000')) {
    return `${failed} (another setting of the pool changed). ${advice}`;
  }
  const values = readEntry(spec, next, now, pool);
  if (!values.ok || values.values.min !== want.min || values.values.max !== want.max) {
    return `${failed} (reading the edited file back does not give min ${String(want.min)}, max ${String(want.max)}). ${advice}`;
  }
  return null;
}

function readEntry(spec: PoolFileSpec, text: string, located: Extract<Located, { ok: true }>, pool: PoolLocator): Values {
  const values: PoolValues = { min: null, max: null };
  for (const field of ['min', 'max'] as const) {
    const key = spec.keys[field];
    const member = findMember(located.entry, key);
    if (member === 'duplicate') {
      return { ok: false, error: `${key} appears more than once for ${where(spec, pool)}, so the app cannot tell which one counts. Keep one and remove the others.` };
    }
    if (member === null) continue;
    const written = text.slice(member.valueStart, member.valueEnd);
    const single = member.valueEndToken - member.valueFirstToken === 1;
    if (!single || !/^\d+$/.test(written) || !Number.isSafeInteger(Number(written))) {
      return {
        ok: false,
        error: `${key} for ${where(spec, pool)} is \`${written}\`, not a plain whole number, and the app only edits literal numbers. Write a number there, or change this pool by hand.`,
      };
    }
    values[field] = Number(written);
  }
  return { ok: true, values };
}
