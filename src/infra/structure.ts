/**
 * Just enough structure over the token stream to find object members and array elements, with exact byte
 * spans. Values are not interpreted: a member's value is whatever runs up to the next separator at its
 * own bracket level, so expressions, comprehensions and nested blocks pass through untouched.
 */
import type { Dialect, Token } from './lexer.js';

/** One `key: value` (or `key = value`) member of an object literal. */
export interface Member {
  /** The key as a plain string, or null for locals, asserts and computed keys we cannot name. */
  key: string | null;
  /** Index of the member's first token. */
  firstToken: number;
  /** Offset of the member's first byte (its key). */
  start: number;
  /** Offset just after the key. */
  keyEnd: number;
  /** The separator token(s) as written: `:`, `=`, `+:`, `::`. */
  separator: string;
  valueFirstToken: number;
  /** Index just past the value's last token. */
  valueEndToken: number;
  valueStart: number;
  valueEnd: number;
  /** Offset just after the comma that follows the member, or null when none does. */
  commaEnd: number | null;
}

/** An object literal `{ … }` and its members. */
export interface ObjectNode {
  openToken: number;
  /** Offset of `{`. */
  start: number;
  /** Offset just after `}`. */
  end: number;
  members: Member[];
}

/** One element of an array literal, with the object it is when it is a plain object literal. */
export interface ArrayElement {
  firstToken: number;
  /** Index just past the element's last token. */
  endToken: number;
  object: ObjectNode | null;
}

/** Parses the members of the object literal whose `{` is `tokens[openToken]`. */
export function parseObject(tokens: Token[], openToken: number, dialect: Dialect): ObjectNode {
  const open = tokens[openToken] as Token;
  const closeToken = open.match;
  const members: Member[] = [];
  let i = openToken + 1;
  while (i < closeToken) {
    const member = parseMember(tokens, i, closeToken, dialect);
    members.push(member);
    i = member.commaEnd === null ? member.valueEndToken : member.valueEndToken + 1;
  }
  return { openToken, start: open.start, end: (tokens[closeToken] as Token).end, members };
}

/** Splits the array literal whose `[` is `tokens[openToken]` into elements. */
export function parseArray(tokens: Token[], openToken: number, dialect: Dialect): ArrayElement[] {
  const closeToken = (tokens[openToken] as Token).match;
  const elements: ArrayElement[] = [];
  let i = openToken + 1;
  while (i < closeToken) {
    const end = skipValue(tokens, i, closeToken, false);
    const first = tokens[i] as Token;
    const isObject = first.text === '{' && first.match === end - 1;
    elements.push({ firstToken: i, endToken: end, object: isObject ? parseObject(tokens, i, dialect) : null });
    i = tokens[end]?.text === ',' && end < closeToken ? end + 1 : end;
  }
  return elements;
}

function parseMember(tokens: Token[], i: number, closeToken: number, dialect: Dialect): Member {
  const first = tokens[i] as Token;
  let key: string | null = null;
  let keyEnd = first.end;
  let j = i + 1;
  if (first.kind === 'open' && first.text === '[') {
    // A computed key: skip it, then read the separator like any other member.
    j = first.match + 1;
    keyEnd = (tokens[first.match] as Token).end;
  }
  const separator = readSeparator(tokens, j, dialect);
  if (separator !== null && (first.kind === 'word' || first.kind === 'string') && first.text !== 'local') {
    key = first.value;
  }
  const valueFirstToken = separator === null ? i : j + separator.count;
  // HCL separates members by newlines as well as commas; jsonnet only by commas.
  const valueEndToken = skipValue(tokens, valueFirstToken, closeToken, dialect === 'hcl');
  const hasComma = valueEndToken < closeToken && tokens[valueEndToken]?.text === ',';
  const lastValue = tokens[Math.max(valueEndToken - 1, valueFirstToken)] as Token;
  return {
    key,
    firstToken: i,
    start: first.start,
    keyEnd,
    separator: separator?.text ?? '',
    valueFirstToken,
    valueEndToken,
    valueStart: (tokens[valueFirstToken] as Token).start,
    valueEnd: valueEndToken > valueFirstToken ? lastValue.end : (tokens[valueFirstToken] as Token).start,
    commaEnd: hasComma ? (tokens[valueEndToken] as Token).end : null,
  };
}

/** Reads `:`/`=` (HCL) or `:`, `::`, `:::`, optionally after `+` (jsonnet) starting at token `j`. */
function readSeparator(tokens: Token[], j: number, dialect: Dialect): { text: string; count: number } | null {
  const first = tokens[j];
  if (first === undefined || first.kind !== 'punct') return null;
  if (dialect === 'hcl') {
    const isAssign = first.text === '=' && tokens[j + 1]?.text !== '=';
    return first.text === ':' || isAssign ? { text: first.text, count: 1 } : null;
  }
  let k = j;
  let text = '';
  if (tokens[k]?.text === '+') { text += '+'; k++; }
  while (tokens[k]?.text === ':' && text.length < 4 && (k === j || tokens[k]?.start === tokens[k - 1]?.end)) {
    text += ':';
    k++;
  }
  return text.endsWith(':') ? { text, count: k - j } : null;
}

/** Index just past the value starting at token `i`: up to a comma or the closing bracket at this level. */
function skipValue(tokens: Token[], i: number, closeToken: number, newlineEnds: boolean): number {
  let j = i;
  while (j < closeToken) {
    const token = tokens[j] as Token;
    if (token.text === ',' && token.kind === 'punct') return j;
    if (newlineEnds && j > i && token.newlineBefore) return j;
    j = token.kind === 'open' ? token.match + 1 : j + 1;
  }
  return j;
}

/** The member of `object` with this key; an error word when it is there more than once. */
export function findMember(object: ObjectNode, key: string): Member | null | 'duplicate' {
  const found = object.members.filter((m) => m.key === key);
  if (found.length > 1) return 'duplicate';
  return found[0] ?? null;
}

/** The member's value when it is one plain string literal, else null. */
export function stringValue(tokens: Token[], member: Member): string | null {
  if (member.valueEndToken - member.valueFirstToken !== 1) return null;
  const token = tokens[member.valueFirstToken] as Token;
  return token.kind === 'string' ? token.value : null;
}
