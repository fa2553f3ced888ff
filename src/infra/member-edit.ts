/**
 * Byte-level edits of one member inside an object literal: replace its value, insert it in the style of
 * its neighbours, or remove it. Insertion and removal are exact inverses for the shapes insertion makes,
 * which is what lets a scale-down give back the original file byte for byte.
 */
import type { Token } from './lexer.js';
import type { Member, ObjectNode } from './structure.js';

/** A splice: replace `text.slice(start, end)` with `insert`. */
export interface Splice {
  start: number;
  end: number;
  insert: string;
}

/** How a file likes new members written, and where a given key belongs. */
export interface InsertStyle {
  /** Insert after the last of these members present (e.g. max after min). */
  after: readonly string[];
  /** Otherwise insert before the first of these present (e.g. min before max). */
  before: readonly string[];
  /** Separator used when no neighbour shows one, e.g. ' : '. */
  defaultSeparator: string;
  /** jsonnet needs a comma after every member that is followed by another; HCL accepts newlines. */
  commaAlways: boolean;
  /** Indentation step used when no neighbour shows one. */
  indentUnit: string;
}

/** Applies a splice. */
export function applySplice(text: string, splice: Splice): string {
  return text.slice(0, splice.start) + splice.insert + text.slice(splice.end);
}

/** Replaces the member's value with `valueText`. */
export function replaceValue(member: Member, valueText: string): Splice {
  return { start: member.valueStart, end: member.valueEnd, insert: valueText };
}

/** Inserts `key<sep>valueText` into `object`, matching its layout (one member per line, or inline). */
export function insertMember(text: string, object: ObjectNode, key: string, valueText: string, style: InsertStyle): Splice {
  const separator = neighbourSeparator(text, object) ?? style.defaultSeparator;
  const member = `${key}${separator}${valueText}`;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const firstMember = object.members[0];
  const multiLine = firstMember ? startsLine(text, firstMember.start) : text.slice(object.start, object.end).includes('\n');
  if (!multiLine) return insertInline(text, object, member);

  const comma = style.commaAlways || object.members.some((m) => m.commaEnd !== null) ? ',' : '';
  const after = lastOf(object, style.after);
  if (after && (after.commaEnd !== null || !style.commaAlways)) {
    const lineEnd = endOfLine(text, after.commaEnd ?? after.valueEnd);
    if (lineEnd !== null && restIsBlankOrComment(text, after.commaEnd ?? after.valueEnd, lineEnd)) {
      return { start: lineEnd + 1, end: lineEnd + 1, insert: `${lineIndent(text, after.start)}${member}${comma}${eol}` };
    }
  }
  const before = firstOf(object, style.before);
  const anchor = before && startsLine(text, before.start) ? before : undefined;
  if (anchor) {
    const start = lineStart(text, anchor.start);
    return { start, end: start, insert: `${lineIndent(text, anchor.start)}${member}${comma}${eol}` };
  }
  const braceLineEnd = endOfLine(text, object.start + 1);
  if (braceLineEnd === null || !restIsBlankOrComment(text, object.start + 1, braceLineEnd)) {
    return insertInline(text, object, member);
  }
  const indent = firstMember ? lineIndent(text, firstMember.start) : lineIndent(text, object.start) + style.indentUnit;
  // Members below need no comma from us in HCL, but jsonnet needs one whenever another member follows.
  const topComma = style.commaAlways ? ',' : comma;
  return { start: braceLineEnd + 1, end: braceLineEnd + 1, insert: `${indent}${member}${topComma}${eol}` };
}

function insertInline(text: string, object: ObjectNode, member: string): Splice {
  const last = object.members[object.members.length - 1];
  if (!last) {
    const at = object.start + 1;
    return { start: at, end: at, insert: text[at] === '}' ? member : ` ${member}` };
  }
  if (last.commaEnd !== null) return { start: last.commaEnd, end: last.commaEnd, insert: ` ${member},` };
  return { start: last.valueEnd, end: last.valueEnd, insert: `, ${member}` };
}

/** Removes the member: its whole line when it has one to itself, else the member and one comma. */
export function removeMember(text: string, tokens: Token[], member: Member): Splice {
  const tail = member.commaEnd ?? member.valueEnd;
  const lineEnd = endOfLine(text, tail);
  if (startsLine(text, member.start) && lineEnd !== null && restIsBlank(text, tail, lineEnd)) {
    return { start: lineStart(text, member.start), end: lineEnd + 1, insert: '' };
  }
  const leading = horizontalSpaceBefore(text, member.start);
  if (member.commaEnd !== null) return { start: member.start - leading, end: member.commaEnd, insert: '' };
  const previous = tokens[member.firstToken - 1];
  if (previous?.text === ',') return { start: previous.start, end: member.valueEnd, insert: '' };
  return { start: member.start - leading, end: member.valueEnd, insert: '' };
}

/** The text between key and value of the first member written with a plain `:` or `=`. */
function neighbourSeparator(text: string, object: ObjectNode): string | null {
  const plain = object.members.find((m) => m.key !== null && (m.separator === ':' || m.separator === '='));
  if (!plain) return null;
  const written = text.slice(plain.keyEnd, plain.valueStart);
  return written.includes('\n') ? null : written;
}

function lastOf(object: ObjectNode, keys: readonly string[]): Member | undefined {
  return [...object.members].reverse().find((m) => m.key !== null && keys.includes(m.key));
}

function firstOf(object: ObjectNode, keys: readonly string[]): Member | undefined {
  return object.members.find((m) => m.key !== null && keys.includes(m.key));
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the `\n` ending the line containing `offset`, or null on the last line. */
function endOfLine(text: string, offset: number): number | null {
  const eol = text.indexOf('\n', offset);
  return eol === -1 ? null : eol;
}

function startsLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset), offset))?.[0] ?? '';
}

/** Only spaces (and a `\r`) between `from` and the line end: no comment or member that a line edit would take. */
function restIsBlank(text: string, from: number, lineEnd: number): boolean {
  return /^[ \t\r]*$/.test(text.slice(from, lineEnd));
}

/** Like restIsBlank, but a trailing comment may stay: inserting on the next line leaves it alone. */
function restIsBlankOrComment(text: string, from: number, lineEnd: number): boolean {
  return /^[ \t]*((#|\/\/).*)?\r?$/.test(text.slice(from, lineEnd));
}

function horizontalSpaceBefore(text: string, offset: number): number {
  let n = 0;
  while (offset - n - 1 >= 0 && /[ \t]/.test(text[offset - n - 1] as string)) n++;
  return n;
}
