/**
 * The helm-values patch, top to bottom: read what the file holds, patch it for ready mode, restore it for the
 * scale-down, and prove every result before returning it.
 *
 * z2jh helm values where the chart is a dependency, so everything lives under `jupyterhub:`. The values we
 * manage are listed, with how each is read and written, in managed.ts. Edits splice the text (comments and
 * layout stay; the primitives are in yaml-splice.ts), missing maps are created as indented blocks, and every
 * result is re-read and compared before it is returned.
 *
 * Written forms: booleans and replicas as YAML literals, cpu as a plain number of cores (`3.5`, rounded down to
 * the millicore), memory as a quantity string with a binary suffix (`28.5Gi`, see quantity.ts; rounded down to
 * a whole byte), keeping the quotes an existing value had.
 */
import { diffLines } from 'diff';
import { isScalar, parseDocument, type Document } from 'yaml';
import type { PlaceholderSizing } from '../types.js';
import { applySplice, insertPath, lookup, parseYaml, removeKey, setScalar, sourceOf, type YamlSplice } from './yaml-splice.js';
import { LEAF_NAMES, LEAVES, MANAGED_LINE, MAPS, PLACEHOLDER_LEAVES, checkSizing, checkSnapshot, mapsOf, writableSizing, type Leaf, type LeafName } from './managed.js';

export type { LeafName } from './managed.js';

/**
 * Exactly what the managed keys held before a patch, so a scale-down can give back the original bytes even
 * when only some keys were there or a value was written differently (`4G`, `"4Gi"`). JSON-serializable.
 */
export interface PlaceholderSnapshot {
  /**
   * Each managed value's YAML source as written (`true`, `"28Gi"`), or null when the key was absent. A name
   * missing here (a record made before the app managed that value) is left as it is by the restore.
   */
  values: Partial<Record<LeafName, string | null>>;
  /** Dotted paths of the maps leading to those values that existed, e.g. `jupyterhub.scheduling`. */
  maps: string[];
}

/** What `readPlaceholders` finds: `sizing` is null unless all five placeholder values are present. */
export type PlaceholderRead =
  | { ok: true; sizing: PlaceholderSizing | null; snapshot: PlaceholderSnapshot & { values: Record<LeafName, string | null> } }
  | { ok: false; error: string };

/** A patch or restore result; never partially edited text. */
export type PlaceholderPatchResult =
  | { ok: true; text: string; before: PlaceholderSizing | null; snapshot: PlaceholderSnapshot; changed: boolean }
  | { ok: false; error: string };

type Failure = { ok: false; error: string };

const LABEL = 'helm values file';
const fail = (why: string): Failure => ({ ok: false, error: why });

// ── 1. Read ─────────────────────────────────────────────────────────────────────────────────────────────

/** Reads the managed values; an error when the file does not parse or a value has the wrong type. */
export function readPlaceholders(text: string): PlaceholderRead {
  const parsed = parseYaml(text);
  if (!parsed.ok) return fail(`The ${LABEL} does not parse (${parsed.error}). Fix the YAML before asking for user placeholders.`);
  const values = {} as Record<LeafName, string | null>;
  const typed: Partial<Record<LeafName, boolean | number>> = {};
  for (const leaf of LEAF_NAMES) {
    const { path, read } = LEAVES[leaf];
    const found = lookup(parsed.doc, path);
    values[leaf] = null;
    if (found.kind === 'blocked') return fail(`In the ${LABEL}, ${found.why}, so ${path.join('.')} cannot be read. Fix that key by hand.`);
    if (found.kind !== 'found' || found.value === null) continue;
    const node = found.value;
    const value = read(isScalar(node) ? node.value : undefined);
    if (value === null) {
      return fail(`In the ${LABEL}, ${path.join('.')} is \`${sourceOf(text, found)}\`, which is not a valid ${leaf} value. Correct it by hand.`);
    }
    values[leaf] = sourceOf(text, found);
    typed[leaf] = value;
  }
  const maps = MAPS.filter((path) => lookup(parsed.doc, path.split('.')).kind === 'found');
  const complete = PLACEHOLDER_LEAVES.every((leaf) => typed[leaf] !== undefined);
  const sizing: PlaceholderSizing | null = complete
    ? {
        enabled: typed.enabled as boolean,
        replicas: typed.replicas as number,
        cpu: typed.cpu as number,
        memoryBytes: typed.memory as number,
        prePuller: typed.prePuller as boolean,
      }
    : null;
  return { ok: true, sizing, snapshot: { values, maps } };
}

// ── 2. Patch (ready mode) ───────────────────────────────────────────────────────────────────────────────

/**
 * Sets the five placeholder values, and pod priority and the per-user resources when `requested` asks for
 * them (creating missing maps); values that already mean the same are left as written. cpu is rounded down to
 * the millicore and memory down to a whole byte (see writableSizing).
 */
export function patchPlaceholders(text: string, requested: PlaceholderSizing): PlaceholderPatchResult {
  const problem = checkSizing(requested, LABEL);
  if (problem) return fail(problem);
  const sizing = writableSizing(requested);
  const current = readPlaceholders(text);
  if (!current.ok) return current;
  let next = text;
  for (const leaf of LEAF_NAMES.filter((name) => LEAVES[name].setBy(sizing))) {
    const edited = setLeaf(next, leaf, sizing);
    if (typeof edited !== 'string') return edited;
    next = edited;
  }
  return verified(text, next, current, () => holds(next, sizing));
}

/** One value set for `sizing`, unless the file already says the same. */
function setLeaf(text: string, leaf: LeafName, sizing: PlaceholderSizing): string | Failure {
  const parsed = parseYaml(text);
  if (!parsed.ok) return fail(`Editing the ${LABEL} broke it (${parsed.error}); it was left unchanged. Edit it by hand.`);
  const found = lookup(parsed.doc, LEAVES[leaf].path);
  if (alreadyMeans(found, leaf, sizing)) return text;
  const quote = found.kind === 'found' && isScalar(found.value) ? found.value.type : undefined;
  return writeLeaf(text, parsed.doc, leaf, (LEAVES[leaf] as Leaf).write(sizing, quote));
}

/** True when the value found at the leaf's path already means what `sizing` asks for (then it is left as written). */
function alreadyMeans(found: ReturnType<typeof lookup>, leaf: LeafName, sizing: PlaceholderSizing): boolean {
  return found.kind === 'found' && isScalar(found.value) && (LEAVES[leaf] as Leaf).same(found.value.value, sizing);
}

/** Writes `wanted` at the leaf's path: in place when the key exists, else as new indented lines. */
function writeLeaf(text: string, doc: Document.Parsed, leaf: LeafName, wanted: string): string | Failure {
  const path = LEAVES[leaf].path;
  const found = lookup(doc, path);
  if (found.kind === 'blocked') return fail(`In the ${LABEL}, ${found.why}, so ${path.join('.')} cannot be set. Fix that key by hand.`);
  const first = (LEAVES[leaf] as Leaf).first === true;
  const splice: YamlSplice | string = found.kind === 'found' ? setScalar(text, found, wanted) : insertPath(text, doc, found, path, wanted, first);
  if (typeof splice === 'string') return fail(`In the ${LABEL}, ${path.join('.')} cannot be set: ${splice}. Fix that key by hand.`);
  return applySplice(text, splice);
}

// ── 3. Restore (scale-down) ─────────────────────────────────────────────────────────────────────────────

/**
 * Scale-down. With the snapshot from the patch: every recorded value goes back to its exact source, keys that
 * were absent are removed, and maps the patch created are removed when empty, which gives back the original
 * bytes. With a PlaceholderSizing: those values are written as a patch would. With null: the five placeholder
 * keys are removed (the chart defaults apply again) together with any map on their paths left empty; pod
 * priority and the per-user resources, with no record of what they were, stay as they are.
 */
export function restorePlaceholders(text: string, before: PlaceholderSnapshot | PlaceholderSizing | null): PlaceholderPatchResult {
  if (before !== null && !('values' in before)) return patchPlaceholders(text, before);
  const snapshot: PlaceholderSnapshot = before ?? { values: Object.fromEntries(PLACEHOLDER_LEAVES.map((leaf) => [leaf, null])), maps: [] };
  const problem = checkSnapshot(snapshot, LABEL);
  if (problem) return fail(problem);
  const current = readPlaceholders(text);
  if (!current.ok) return current;
  const recorded = LEAF_NAMES.filter((leaf) => snapshot.values[leaf] !== undefined);
  let next = text;
  for (const leaf of recorded) {
    const edited = restoreLeaf(next, leaf, snapshot.values[leaf] ?? null);
    if (typeof edited !== 'string') return edited;
    next = edited;
  }
  const pruned = removeCreatedMaps(next, [...new Set(recorded.flatMap(mapsOf))], snapshot.maps);
  if (typeof pruned !== 'string') return pruned;
  return verified(text, pruned, current, (after) => recorded.every((leaf) => after.snapshot.values[leaf] === snapshot.values[leaf]));
}

/** One value back to its recorded source, or removed when it was absent. */
function restoreLeaf(text: string, leaf: LeafName, wanted: string | null): string | Failure {
  const parsed = parseYaml(text);
  if (!parsed.ok) return fail(`Editing the ${LABEL} broke it (${parsed.error}); it was left unchanged. Edit it by hand.`);
  const found = lookup(parsed.doc, LEAVES[leaf].path);
  if (wanted !== null) return found.kind === 'found' && sourceOf(text, found) === wanted ? text : writeLeaf(text, parsed.doc, leaf, wanted);
  if (found.kind !== 'found') return text;
  const splice = removeKey(text, found.pair);
  if (typeof splice === 'string') return fail(`In the ${LABEL}, ${LEAVES[leaf].path.join('.')} cannot be removed: ${splice}. Remove it by hand.`);
  return applySplice(text, splice);
}

/** Removes the now-empty maps among `candidates` that did not exist before the patch (`existed`), deepest first. */
function removeCreatedMaps(text: string, candidates: string[], existed: string[]): string | Failure {
  let next = text;
  // Deepest first, so a map emptied by removing its only child goes too.
  for (const path of MAPS.filter((map) => candidates.includes(map)).reverse()) {
    if (existed.includes(path)) continue;
    const parsed = parseYaml(next);
    const found = parsed.ok ? lookup(parsed.doc, path.split('.')) : null;
    if (found?.kind !== 'found' || found.value !== null) continue;
    const splice = removeKey(next, found.pair);
    if (typeof splice === 'string') return fail(`In the ${LABEL}, ${path} cannot be removed: ${splice}. Remove it by hand.`);
    next = applySplice(next, splice);
  }
  return next;
}

// ── 4. Proof: the edit took, and touched nothing else ───────────────────────────────────────────────────

type ReadOk = Extract<PlaceholderRead, { ok: true }>;

/** The result of an edit, after re-reading it: the values asked for, and no other setting changed. */
function verified(text: string, next: string, current: ReadOk, took: (after: ReadOk) => boolean): PlaceholderPatchResult {
  const after = readPlaceholders(next);
  const advice = 'The file was left unchanged; set the placeholders by hand and report the file layout as a bug.';
  if (!after.ok || !took(after)) return fail(`Editing the ${LABEL} did not produce the requested placeholder values. ${advice}`);
  const elsewhere = unchangedElsewhere(text, next);
  if (elsewhere) return fail(`Editing the ${LABEL} changed more than the placeholder settings (${elsewhere}). ${advice}`);
  return { ok: true, text: next, before: current.sizing, snapshot: current.snapshot, changed: next !== text };
}

/** True when every value a patch for `sizing` sets already means what it asks for in `text`. */
function holds(text: string, sizing: PlaceholderSizing): boolean {
  const parsed = parseYaml(text);
  if (!parsed.ok) return false;
  return LEAF_NAMES.every((leaf) => !LEAVES[leaf].setBy(sizing) || alreadyMeans(lookup(parsed.doc, LEAVES[leaf].path), leaf, sizing));
}

/** Null when `before` and `after` differ only in managed keys; otherwise what else changed. */
function unchangedElsewhere(before: string, after: string): string | null {
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
  for (const leaf of LEAF_NAMES) deletePath(data, LEAVES[leaf].path);
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
