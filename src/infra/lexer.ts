/**
 * A tokenizer for the two brace languages our pool files use (HCL `.tfvars` and jsonnet). It does not
 * understand either language; it only has to know enough to never mistake a brace inside a string or a
 * comment for structure, and to report unbalanced brackets with a position a person can find.
 */

/** Which brace language a file is written in; they differ in string syntax and separators. */
export type Dialect = 'hcl' | 'jsonnet';

/** One token with its exact byte span, so edits can splice the original text. */
export interface Token {
  kind: 'open' | 'close' | 'punct' | 'string' | 'word';
  /** The source text of the token. */
  text: string;
  /** Decoded value for strings; the text otherwise. */
  value: string;
  start: number;
  end: number;
  /** For open/close: the index of the partner bracket; -1 otherwise. */
  match: number;
  /** Bracket nesting depth outside this token. */
  depth: number;
  /** A line break (possibly inside comments) separates this token from the previous one. */
  newlineBefore: boolean;
}

/** Tokenizing result: tokens, or a sentence naming what is wrong and where. */
export type TokenizeResult = { ok: true; tokens: Token[] } | { ok: false; error: string };

const PAIRS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };
const CLOSERS = new Set(['}', ']', ')']);

class LexError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** 1-based "line L, column C" for an offset, for error messages. */
export function position(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

/** Splits `text` into tokens, skipping whitespace and comments; fails on unbalanced or unterminated input. */
export function tokenize(text: string, dialect: Dialect): TokenizeResult {
  try {
    return { ok: true, tokens: scan(text, dialect) };
  } catch (error) {
    if (error instanceof LexError) {
      return { ok: false, error: `${position(text, error.offset)}: ${error.message}` };
    }
    throw error;
  }
}

function scan(text: string, dialect: Dialect): Token[] {
  const tokens: Token[] = [];
  const stack: number[] = [];
  const wordChar = dialect === 'hcl' ? /[A-Za-z0-9_\-$]/ : /[A-Za-z0-9_$]/;
  let newline = false;
  let i = 0;
  const push = (kind: Token['kind'], start: number, end: number, value?: string): Token => {
    const tokenText = text.slice(start, end);
    const token: Token = {
      kind, text: tokenText, value: value ?? tokenText, start, end, match: -1, depth: stack.length, newlineBefore: newline,
    };
    tokens.push(token);
    newline = false;
    return token;
  };
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '\n') { newline = true; i++; continue; }
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#' || (c === '/' && next === '/')) {
      const eol = text.indexOf('\n', i);
      i = eol === -1 ? text.length : eol;
      continue;
    }
    if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) throw new LexError('a /* comment is never closed', i);
      if (text.slice(i, close).includes('\n')) newline = true;
      i = close + 2;
      continue;
    }
    const stringEnd = scanString(text, i, dialect);
    if (stringEnd !== null) {
      push('string', i, stringEnd, decode(text.slice(i, stringEnd)));
      i = stringEnd;
      continue;
    }
    if (c in PAIRS) {
      stack.push(tokens.length);
      push('open', i, i + 1);
      i++;
      continue;
    }
    if (CLOSERS.has(c)) {
      const openIndex = stack.pop();
      const open = openIndex === undefined ? undefined : tokens[openIndex];
      if (open === undefined) throw new LexError(`a closing "${c}" has no opening bracket`, i);
      if (PAIRS[open.text] !== c) {
        throw new LexError(`a closing "${c}" does not match the "${open.text}" opened at ${position(text, open.start)}`, i);
      }
      const close = push('close', i, i + 1);
      close.match = openIndex as number;
      open.match = tokens.length - 1;
      i++;
      continue;
    }
    if (wordChar.test(c)) {
      let j = i + 1;
      while (j < text.length && wordChar.test(text[j] as string)) j++;
      push('word', i, j);
      i = j;
      continue;
    }
    push('punct', i, i + 1);
    i++;
  }
  const unclosed = stack.pop();
  if (unclosed !== undefined) {
    const open = tokens[unclosed] as Token;
    throw new LexError(`the "${open.text}" here is never closed (the file ends first)`, open.start);
  }
  return tokens;
}

/** End offset of the string literal starting at `i`, or null when none starts there. */
function scanString(text: string, i: number, dialect: Dialect): number | null {
  const c = text[i];
  if (c === '"') return scanQuoted(text, i, '"', dialect);
  if (dialect === 'jsonnet') {
    if (c === "'") return scanQuoted(text, i, "'", dialect);
    if (c === '@' && (text[i + 1] === '"' || text[i + 1] === "'")) return scanVerbatim(text, i + 1);
    if (text.startsWith('|||', i)) {
      const close = text.indexOf('|||', i + 3);
      if (close === -1) throw new LexError('a ||| text block is never closed', i);
      return close + 3;
    }
  } else if (c === '<' && text[i + 1] === '<') {
    const heredoc = /^<<-?([A-Za-z_][\w-]*)\r?\n/.exec(text.slice(i, i + 200));
    if (heredoc) {
      const marker = new RegExp(`^[ \\t]*${heredoc[1]}[ \\t]*\\r?$`, 'm');
      const bodyStart = i + heredoc[0].length;
      const found = marker.exec(text.slice(bodyStart));
      if (!found) throw new LexError(`the heredoc <<${heredoc[1]} is never closed`, i);
      return bodyStart + found.index + found[0].length;
    }
  }
  return null;
}

function scanQuoted(text: string, start: number, quote: string, dialect: Dialect): number {
  let j = start + 1;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') { j += 2; continue; }
    if (c === quote) return j + 1;
    // HCL strings may not span lines, so a newline means the quote was never closed.
    if (c === '\n' && dialect === 'hcl') break;
    if (dialect === 'hcl' && (c === '$' || c === '%') && text[j + 1] === '{') {
      j = scanTemplate(text, j + 2);
      continue;
    }
    j++;
  }
  throw new LexError('a string is never closed', start);
}

/** Skips an HCL `${ … }` interpolation, which may itself contain quoted strings. */
function scanTemplate(text: string, start: number): number {
  let depth = 1;
  let j = start;
  while (j < text.length) {
    const c = text[j];
    if (c === '"') { j = scanQuoted(text, j, '"', 'hcl'); continue; }
    if (c === '{') depth++;
    if (c === '}' && --depth === 0) return j + 1;
    j++;
  }
  throw new LexError('a ${ interpolation is never closed', start - 2);
}

function scanVerbatim(text: string, quoteAt: number): number {
  const quote = text[quoteAt] as string;
  let j = quoteAt + 1;
  while (j < text.length) {
    if (text[j] === quote) {
      // A doubled quote is the only escape in a verbatim string.
      if (text[j + 1] === quote) { j += 2; continue; }
      return j + 1;
    }
    j++;
  }
  throw new LexError('a verbatim string is never closed', quoteAt - 1);
}

/** Decodes the common escapes; good enough to compare keys and names, which is all we use it for. */
function decode(source: string): string {
  const quote = source[0];
  if (quote !== '"' && quote !== "'") return source;
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r' };
  return source.slice(1, -1).replace(/\\(.)/g, (_, ch: string) => escapes[ch] ?? ch);
}
