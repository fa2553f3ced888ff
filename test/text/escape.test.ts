import { escapeCode, shellWord } from '../../src/text/escape.js';

describe('escapeCode: text inside a markdown code span', () => {
  test.each([
    ['4G', '4G'],
    ['"8G"', '"8G"'],
    ['a`b', "a'b"], // a backtick would end the span
    ['x --> y', 'x -\u200d-> y'], // never `-->`, which would close an HTML comment around a marker
    ['two\nlines', 'two lines'],
  ])('%j → %j', (input, output) => {
    expect(escapeCode(input)).toBe(output);
  });

  test('clips long text', () => {
    expect(escapeCode('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('shellWord: a name that may appear unchanged in a shown command', () => {
  test.each(['terraform/gcp/projects/demo-cluster.tfvars', 'demo-aws', 'us-east-1', 'r5.4xlarge', 'nb-prod'])('%s is kept', (word) => {
    expect(shellWord(word)).toBe(word);
  });

  test.each(['$(rm -rf ~)', 'a b', 'a;b', 'a`b', "a'b", '-rf', '', 'x'.repeat(201), 'a\nb', 'a|b', 'a&b', '~/x'])('%j is refused', (word) => {
    expect(shellWord(word)).toBeNull();
  });
});
