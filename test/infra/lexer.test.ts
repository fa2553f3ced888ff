import { tokenize, type Token } from '../../src/infra/lexer.js';

const kinds = (tokens: Token[]): string[] => tokens.map((t) => `${t.kind}:${t.text}`);

function tokens(text: string, dialect: 'hcl' | 'jsonnet'): Token[] {
  const result = tokenize(text, dialect);
  if (!result.ok) throw new Error(result.error);
  return result.tokens;
}

describe('tokenize', () => {
  test('jsonnet strings of every kind are single tokens, whatever they contain', () => {
    const text = `{ a: 'it\\'s {', b: @"say ""}""", c: |||\n  text ] with }\n|||, d: "x\\"]" }`;
    const found = tokens(text, 'jsonnet').filter((t) => t.kind === 'string');
    expect(found.map((t) => t.text)).toEqual(["'it\\'s {'", '@"say ""}"""', '|||\n  text ] with }\n|||', '"x\\"]"']);
    expect(found[0]?.value).toBe("it's {");
    expect(kinds(tokens(text, 'jsonnet')).filter((k) => k.startsWith('open') || k.startsWith('close'))).toEqual(['open:{', 'close:}']);
  });

  test('HCL heredocs and interpolations with quotes are single tokens', () => {
    const text = 'a = <<EOT\n  } ] {\nEOT\nb = "${lookup(m, "}")}"\n';
    expect(kinds(tokens(text, 'hcl'))).toEqual(['word:a', 'punct:=', 'string:<<EOT\n  } ] {\nEOT', 'word:b', 'punct:=', 'string:"${lookup(m, "}")}"']);
  });

  test('comments of all three kinds are skipped but still count as line breaks', () => {
    const result = tokens('a # }\n/* {\n */ b // ]\nc', 'hcl');
    expect(kinds(result)).toEqual(['word:a', 'word:b', 'word:c']);
    expect(result.map((t) => t.newlineBefore)).toEqual([false, true, true]);
  });

  test('brackets are paired with their partners and depths', () => {
    const result = tokens('{ a: [1, (2)] }', 'jsonnet');
    const open = result[0] as Token;
    expect(result[open.match]?.text).toBe('}');
    expect(result.find((t) => t.text === '2')?.depth).toBe(3);
  });

  test.each([
    ['{ a: 1 ', 'line 1, column 1: the "{" here is never closed'],
    ['{ a: 1 ]', 'line 1, column 8: a closing "]" does not match the "{" opened at line 1, column 1'],
    ['a: 1 }', 'line 1, column 6: a closing "}" has no opening bracket'],
    ['x = "abc\n"', 'line 1, column 5: a string is never closed'],
    ['x = <<EOT\nabc\n', 'never closed'],
  ])('%j is an error with its position', (text, message) => {
    const result = tokenize(text, 'hcl');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(message);
  });
});
