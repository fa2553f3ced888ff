/**
 * Text edits of a YAML file guided by `yaml`'s parse tree. We use the tree only to find byte ranges and
 * splice the original text, rather than re-serializing the document, because re-serializing reflows
 * unrelated lines (indentation, spacing, quoting) and a reviewer should see only the lines that matter.
 */
import { isMap, isScalar, parseDocument, type Document, type Pair, type Scalar, type YAMLMap } from 'yaml';

/** A splice: replace `text.slice(start, end)` with `insert`. */
export interface YamlSplice {
  start: number;
  end: number;
  insert: string;
}

/** Where a dotted path stands in a document. */
export type Lookup =
  | { kind: 'found'; pair: Pair; value: Scalar | YAMLMap | null }
  /**
   * `path[depth]` is missing from `container`: a map, an empty `key:` pair, or null for an empty document.
   * `owner` is the pair whose value the container map is (null at the top level).
   */
  | { kind: 'missing'; depth: number; container: YAMLMap | Pair | null; owner: Pair | null }
  | { kind: 'blocked'; why: string };

/** Parses one YAML document; a sentence about the first problem when it does not parse cleanly. */
export function parseYaml(text: string): { ok: true; doc: Document.Parsed } | { ok: false; error: string } {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const problem = doc.errors[0];
  if (problem) return { ok: false, error: problem.message.split('\n')[0] as string };
  if (doc.contents !== null && !isMap(doc.contents)) return { ok: false, error: 'the top level is not a map of keys' };
  return { ok: true, doc };
}

/** An empty value: `key:` with nothing after it, which YAML reads as null. */
function isEmpty(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null && node.source === '');
}

/** Walks `path` through block maps, reporting the first missing key or the first thing in the way. */
export function lookup(doc: Document.Parsed, path: readonly string[]): Lookup {
  let node: unknown = doc.contents;
  let owner: Pair | null = null;
  for (let depth = 0; depth < path.length; depth++) {
    const here = path.slice(0, depth).join('.') || 'the top level';
    if (isEmpty(node)) return { kind: 'missing', depth, container: owner, owner: null };
    if (!isMap(node)) return { kind: 'blocked', why: `${here} is not a map` };
    if (node.flow) return { kind: 'blocked', why: `${here} is written as an inline {…} map; write it as an indented block` };
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === path[depth]);
    if (!pair) return { kind: 'missing', depth, container: node, owner };
    if (depth === path.length - 1) {
      const value = pair.value;
      if (isEmpty(value)) return { kind: 'found', pair, value: null };
      if (isScalar(value) || isMap(value)) return { kind: 'found', pair, value };
      return { kind: 'blocked', why: `${path.join('.')} is a list` };
    }
    node = pair.value;
    owner = pair;
  }
  return { kind: 'blocked', why: 'the path is empty' };
}

/** Replaces a scalar's source (or fills an empty `key:`) with `source`. */
export function setScalar(text: string, found: Extract<Lookup, { kind: 'found' }>, source: string): YamlSplice | string {
  const { pair, value } = found;
  if (value === null) {
    const keyEnd = (pair.key as Scalar).range?.[1] ?? 0;
    const colon = text.indexOf(':', keyEnd);
    return { start: colon + 1, end: colon + 1, insert: ` ${source}` };
  }
  if (!isScalar(value) || !value.range) return 'it holds a map, not a single value';
  if (value.type === 'BLOCK_FOLDED' || value.type === 'BLOCK_LITERAL') return 'it is a multi-line block scalar';
  return { start: value.range[0], end: value.range[1], insert: source };
}

/**
 * Adds the missing rest of `path` (ending in `leaf: source`) as indented lines at the end of its container,
 * or, with `first`, straight under the container's own key (where people expect a switch like `enabled`).
 */
export function insertPath(text: string, doc: Document.Parsed, missing: Extract<Lookup, { kind: 'missing' }>, path: readonly string[], source: string, first = false): YamlSplice {
  const step = indentStep(text, doc);
  const { container, depth, owner } = missing;
  let indent = '';
  let at = text.length;
  if (isMap(container)) {
    const firstKey = container.items[0]?.key as Scalar | undefined;
    indent = ' '.repeat(column(text, firstKey?.range?.[0] ?? 0));
    const ownerKeyEnd = (owner?.key as Scalar | undefined)?.range?.[1];
    at = first && ownerKeyEnd !== undefined ? lineEndAfter(text, ownerKeyEnd) : lineEndAfter(text, container.range?.[1] ?? text.length);
  } else if (container !== null) {
    const key = container.key as Scalar;
    indent = ' '.repeat(column(text, key.range?.[0] ?? 0) + step);
    at = lineEndAfter(text, key.range?.[1] ?? 0);
  }
  const lines = path.slice(depth).map((segment, i) => {
    const pad = indent + ' '.repeat(step * i);
    return depth + i === path.length - 1 ? `${pad}${segment}: ${source}` : `${pad}${segment}:`;
  });
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  // At the end of a file without a final newline, lead with one instead; removeKey undoes exactly that.
  const atUnterminatedEnd = at === text.length && text.length > 0 && !text.endsWith('\n');
  const insert = atUnterminatedEnd ? eol + lines.join(eol) : lines.join(eol) + eol;
  return { start: at, end: at, insert };
}

/** Removes a key and everything under it, whole lines only. */
export function removeKey(text: string, pair: Pair): YamlSplice | string {
  const key = pair.key as Scalar;
  const keyStart = key.range?.[0] ?? 0;
  let start = text.lastIndexOf('\n', keyStart - 1) + 1;
  if (!/^[ \t]*$/.test(text.slice(start, keyStart))) return 'it shares its line with other content';
  const valueEnd = isEmpty(pair.value) ? (key.range?.[1] ?? keyStart) : ((pair.value as Scalar).range?.[1] ?? keyStart);
  const end = lineEndAfter(text, valueEnd);
  if (end === text.length && !text.endsWith('\n') && start > 0) start -= 1;
  return { start, end, insert: '' };
}

/** The offset just after the line containing `offset - 1` ends (or the end of the text). */
function lineEndAfter(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const eol = text.indexOf('\n', offset);
  return eol === -1 ? text.length : eol + 1;
}

function column(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** The file's indentation step, from its first nested block map; 2 when it has none. */
function indentStep(text: string, doc: Document.Parsed): number {
  const root = doc.contents;
  if (!isMap(root)) return 2;
  for (const pair of root.items) {
    const child = pair.value;
    const childKey = isMap(child) && !child.flow ? (child.items[0]?.key as Scalar | undefined) : undefined;
    const parentKey = pair.key as Scalar;
    if (childKey?.range && parentKey.range) {
      const step = column(text, childKey.range[0]) - column(text, parentKey.range[0]);
      if (step > 0) return step;
    }
  }
  return 2;
}

/** The text with `splice` applied. */
export function applySplice(text: string, splice: YamlSplice): string {
  return text.slice(0, splice.start) + splice.insert + text.slice(splice.end);
}

/** A found value's YAML source exactly as written (`"4G"`, `true`), or '' for an empty `key:`. */
export function sourceOf(text: string, found: Extract<Lookup, { kind: 'found' }>): string {
  const range = found.value?.range;
  return range ? text.slice(range[0], range[1]) : '';
}
