/**
 * z2jh helm values where the chart is a dependency, so everything lives under `jupyterhub:`. We manage five
 * values: `scheduling.userPlaceholder.{enabled, replicas, resources.requests.cpu, resources.requests.memory}`
 * and `prePuller.continuous.enabled`. Edits splice the text (comments and layout stay), missing maps are
 * created as indented blocks, and every result is re-read and compared before it is returned.
 *
 * Written forms: booleans and replicas as YAML literals, cpu as a plain number of cores (`3.5`, rounded down to
 * the millicore), memory as a quantity string with a binary suffix (`28.5Gi`, see quantity.ts; rounded down to
 * a whole byte), keeping the quotes an existing value had.
 */
import { isScalar, type Document } from 'yaml';
import type { PlaceholderSizing } from '../types.js';
import { formatMemory, parseCpu, parseMemory, sameCpu } from './quantity.js';
import { insertPath, lookup, parseYaml, removeKey, setScalar, type YamlSplice } from './yaml-splice.js';
import { LEAVES, MAPS, checkSizing, checkSnapshot, leafValue, unchangedElsewhere, writableSizing, type LeafName } from './checks.js';

export type { LeafName } from './checks.js';

/**
 * Exactly what the managed keys held before a patch, so a scale-down can give back the original bytes even
 * when only some keys were there or a value was written differently (`4G`, `"4Gi"`). JSON-serializable.
 */
export interface PlaceholderSnapshot {
  /** Each managed value's YAML source as written (`true`, `"28Gi"`), or null when the key was absent. */
  values: Record<LeafName, string | null>;
  /** Dotted paths of the maps leading to those values that existed, e.g. `jupyterhub.scheduling`. */
  maps: string[];
}

/** What `readPlaceholders` finds: `sizing` is null unless all five values are present. */
export type PlaceholderRead =
  | { ok: true; sizing: PlaceholderSizing | null; snapshot: PlaceholderSnapshot }
  | { ok: false; error: string };

/** A patch or restore result; never partially edited text. */
export type PlaceholderPatchResult =
  | { ok: true; text: string; before: PlaceholderSizing | null; snapshot: PlaceholderSnapshot; changed: boolean }
  | { ok: false; error: string };

const LABEL = 'helm values file';
const fail = (why: string): { ok: false; error: string } => ({ ok: false, error: why });

/** Reads the managed values; an error when the file does not parse or a value has the wrong type. */
export function readPlaceholders(text: string): PlaceholderRead {
  const parsed = parseYaml(text);
  if (!parsed.ok) return fail(`The ${LABEL} does not parse (${parsed.error}). Fix the YAML before asking for user placeholders.`);
  const values = {} as Record<LeafName, string | null>;
  const typed: Partial<Record<LeafName, boolean | number>> = {};
  for (const leaf of Object.keys(LEAVES) as LeafName[]) {
    const found = lookup(parsed.doc, LEAVES[leaf]);
    values[leaf] = null;
    if (found.kind === 'blocked') return fail(`In the ${LABEL}, ${found.why}, so ${LEAVES[leaf].join('.')} cannot be read. Fix that key by hand.`);
    if (found.kind !== 'found' || found.value === null) continue;
    const node = found.value;
    const value = leafValue(leaf, isScalar(node) ? node.value : undefined);
    if (value === null) {
      return fail(`In the ${LABEL}, ${LEAVES[leaf].join('.')} is \`${source(text, found)}\`, which is not a valid ${leaf} value. Correct it by hand.`);
    }
    values[leaf] = source(text, found);
    typed[leaf] = value;
  }
  const maps = MAPS.filter((path) => lookup(parsed.doc, path.split('.')).kind === 'found');
  const complete = (Object.keys(LEAVES) as LeafName[]).every((leaf) => typed[leaf] !== undefined);
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

/**
 * Sets all five values (creating missing maps); values that already mean the same are left as written.
 * cpu is rounded down to the millicore and memory down to a whole byte (see writableSizing).
 */
export function patchPlaceholders(text: string, requested: PlaceholderSizing): PlaceholderPatchResult {
  const problem = checkSizing(requested, LABEL);
  if (problem) return fail(problem);
  const sizing = writableSizing(requested);
  const current = readPlaceholders(text);
  if (!current.ok) return current;
  let next = text;
  for (const leaf of Object.keys(LEAVES) as LeafName[]) {
    const edited = setLeaf(next, leaf, sizing);
    if (typeof edited !== 'string') return edited;
    next = edited;
  }
  return finish(text, next, current, (after) => after.sizing !== null && sameSizing(after.sizing, sizing));
}

/**
 * Scale-down. With the snapshot from the patch: every value goes back to its exact source, keys that were
 * absent are removed, and maps the patch created are removed when empty, which gives back the original
 * bytes. With a PlaceholderSizing: those values are written as a patch would. With null: all five keys are
 * removed (the chart defaults apply again) together with any map on their paths that is left empty.
 */
export function restorePlaceholders(text: string, before: PlaceholderSnapshot | PlaceholderSizing | null): PlaceholderPatchResult {
  if (before !== null && !('values' in before)) return patchPlaceholders(text, before);
  const snapshot: PlaceholderSnapshot = before ?? { values: { enabled: null, replicas: null, cpu: null, memory: null, prePuller: null }, maps: [] };
  const problem = checkSnapshot(snapshot, LABEL);
  if (problem) return fail(problem);
  const current = readPlaceholders(text);
  if (!current.ok) return current;
  let next = text;
  for (const leaf of Object.keys(LEAVES) as LeafName[]) {
    const edited = restoreLeaf(next, leaf, snapshot.values[leaf]);
    if (typeof edited !== 'string') return edited;
    next = edited;
  }
  // Deepest first, so a map emptied by removing its only child goes too.
  for (const path of [...MAPS].reverse()) {
    if (snapshot.maps.includes(path)) continue;
    const parsed = parseYaml(next);
    const found = parsed.ok ? lookup(parsed.doc, path.split('.')) : null;
    if (found?.kind !== 'found' || found.value !== null) continue;
    const splice = removeKey(next, found.pair);
    if (typeof splice === 'string') return fail(`In the ${LABEL}, ${path} cannot be removed: ${splice}. Remove it by hand.`);
    next = apply(next, splice);
  }
  const wanted = JSON.stringify(snapshot.values);
  return finish(text, next, current, (after) => JSON.stringify(after.snapshot.values) === wanted);
}

function setLeaf(text: string, leaf: LeafName, sizing: PlaceholderSizing): string | { ok: false; error: string } {
  const parsed = parseYaml(text);
  if (!parsed.ok) return fail(`Editing the ${LABEL} broke it (${parsed.error}); it was left unchanged. Edit it by hand.`);
  const found = lookup(parsed.doc, LEAVES[leaf]);
  if (found.kind === 'found' && found.value !== null && isScalar(found.value) && sameValue(leaf, found.value.value, sizing)) {
    return text;
  }
  const quote = found.kind === 'found' && isScalar(found.value) ? found.value.type : undefined;
  return write(text, parsed.doc, leaf, desiredSource(leaf, sizing, quote));
}

function restoreLeaf(text: string, leaf: LeafName, wanted: string | null): string | { ok: false; error: string } {
  const parsed = parseYaml(text);
  if (!parsed.ok) return fail(`Editing the ${LABEL} broke it (${parsed.error}); it was left unchanged. Edit it by hand.`);
  const found = lookup(parsed.doc, LEAVES[leaf]);
  if (wanted !== null) return found.kind === 'found' && source(text, found) === wanted ? text : write(text, parsed.doc, leaf, wanted);
  if (found.kind !== 'found') return text;
  const splice = removeKey(text, found.pair);
  if (typeof splice === 'string') return fail(`In the ${LABEL}, ${LEAVES[leaf].join('.')} cannot be removed: ${splice}. Remove it by hand.`);
  return apply(text, splice);
}

function write(text: string, doc: Document.Parsed, leaf: LeafName, wanted: string): string | { ok: false; error: string } {
  const path = LEAVES[leaf];
  const found = lookup(doc, path);
  if (found.kind === 'blocked') return fail(`In the ${LABEL}, ${found.why}, so ${path.join('.')} cannot be set. Fix that key by hand.`);
  const splice: YamlSplice | string = found.kind === 'found' ? setScalar(text, found, wanted) : insertPath(text, doc, found, path, wanted, leaf === 'enabled');
  if (typeof splice === 'string') return fail(`In the ${LABEL}, ${path.join('.')} cannot be set: ${splice}. Fix that key by hand.`);
  return apply(text, splice);
}

function finish(text: string, next: string, current: Extract<PlaceholderRead, { ok: true }>, took: (after: Extract<PlaceholderRead, { ok: true }>) => boolean): PlaceholderPatchResult {
  const after = readPlaceholders(next);
  const advice = 'The file was left unchanged; set the placeholders by hand and report the file layout as a bug.';
  if (!after.ok || !took(after)) return fail(`Editing the ${LABEL} did not produce the requested placeholder values. ${advice}`);
  const elsewhere = unchangedElsewhere(text, next);
  if (elsewhere) return fail(`Editing the ${LABEL} changed more than the placeholder settings (${elsewhere}). ${advice}`);
  return { ok: true, text: next, before: current.sizing, snapshot: current.snapshot, changed: next !== text };
}

function desiredSource(leaf: LeafName, sizing: PlaceholderSizing, quote: string | undefined): string {
  if (leaf === 'enabled') return String(sizing.enabled);
  if (leaf === 'prePuller') return String(sizing.prePuller);
  if (leaf === 'replicas') return String(sizing.replicas);
  if (leaf === 'cpu') return String(sizing.cpu);
  const memory = formatMemory(sizing.memoryBytes);
  if (quote === 'QUOTE_DOUBLE') return `"${memory}"`;
  if (quote === 'QUOTE_SINGLE') return `'${memory}'`;
  return memory;
}

function sameValue(leaf: LeafName, value: unknown, sizing: PlaceholderSizing): boolean {
  if (leaf === 'enabled') return value === sizing.enabled;
  if (leaf === 'prePuller') return value === sizing.prePuller;
  if (leaf === 'replicas') return value === sizing.replicas;
  if (leaf === 'cpu') {
    const cpu = parseCpu(value);
    return cpu !== null && sameCpu(cpu, sizing.cpu);
  }
  return parseMemory(value) === sizing.memoryBytes;
}

function sameSizing(a: PlaceholderSizing, b: PlaceholderSizing): boolean {
  return a.enabled === b.enabled && a.replicas === b.replicas && sameCpu(a.cpu, b.cpu) && a.memoryBytes === b.memoryBytes && a.prePuller === b.prePuller;
}

function source(text: string, found: Extract<ReturnType<typeof lookup>, { kind: 'found' }>): string {
  const range = found.value?.range;
  return range ? text.slice(range[0], range[1]) : '';
}

function apply(text: string, splice: YamlSplice): string {
  return text.slice(0, splice.start) + splice.insert + text.slice(splice.end);
}
