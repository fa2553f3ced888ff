import { eksctlJsonnetFormat as jsonnet } from '../../src/infra/eksctl-jsonnet.js';
import type { PatchResult, PoolLocator } from '../../src/infra/types.js';
import { changedLines, fixture } from './support.js';

const text = fixture('workshop-aws.jsonnet');
const xlarge: PoolLocator = { key: 'r5.xlarge', instanceType: 'r5.xlarge' };
const prod4x: PoolLocator = { key: 'nb-prod', instanceType: 'r5.4xlarge' };
const prod16x: PoolLocator = { key: 'nb-prod', instanceType: 'r5.16xlarge' };
const gpu: PoolLocator = { key: 'g4dn.xlarge', instanceType: 'g4dn.xlarge' };

function expectOk(result: PatchResult): Extract<PatchResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result;
}

function expectError(result: PatchResult | ReturnType<typeof jsonnet.read>, ...fragments: string[]): void {
  expect(result.ok).toBe(false);
  expect(result).not.toHaveProperty('text');
  for (const fragment of fragments) expect((result as { error: string }).error).toContain(fragment);
}

describe('eksctlJsonnetFormat.read', () => {
  test('absent keys read as null: the node group defaults apply', () => {
    expect(jsonnet.read(text, prod4x)).toEqual({ ok: true, values: { min: null, max: null } });
  });

  test('an entry minSize is read, and the nodeGroups defaults are not', () => {
    expect(jsonnet.read(text, gpu)).toEqual({ ok: true, values: { min: 0, max: null } });
  });
});

describe('eksctlJsonnetFormat.patch', () => {
  test('inserts minSize and maxSize after namePrefix in the matching entry only', () => {
    const result = expectOk(jsonnet.patch(text, prod4x, { min: 6, max: 30 }));
    expect(result.before).toEqual({ min: null, max: null });
    expect(changedLines(text, result.text)).toEqual({ removed: [], added: ['minSize: 6,', 'maxSize: 30,'] });
    expect(result.text).toContain('        namePrefix: "nb-prod",\n        minSize: 6,\n        maxSize: 30,\n        labels+:');
    // The nb-staging entry with the same instance type is untouched.
    expect(jsonnet.read(result.text, { key: 'nb-staging', instanceType: 'r5.4xlarge' })).toEqual({ ok: true, values: { min: null, max: null } });
  });

  test('updates an existing minSize in place and adds maxSize right after it', () => {
    const result = expectOk(jsonnet.patch(text, gpu, { min: 2, max: 4 }));
    expect(result.before).toEqual({ min: 0, max: null });
    expect(changedLines(text, result.text)).toEqual({ removed: ['minSize: 0,'], added: ['minSize: 2,', 'maxSize: 4,'] });
  });

  test('a single-line entry stays on one line', () => {
    const result = expectOk(jsonnet.patch(text, xlarge, { min: 1, max: null }));
    expect(changedLines(text, result.text)).toEqual({
      removed: ['{ instanceType: "r5.xlarge" },'],
      added: ['{ instanceType: "r5.xlarge", minSize: 1 },'],
    });
  });

  test('a single-line entry with nested braces gets the keys after its last field', () => {
    const result = expectOk(jsonnet.patch(text, prod16x, { min: 1, max: 3 }));
    expect(changedLines(text, result.text).added).toEqual([
      '{ instanceType: "r5.16xlarge", namePrefix: "nb-prod", labels+: { "2i2c/hub-name": "prod" }, minSize: 1, maxSize: 3 },',
    ]);
  });

  test('a single-line entry with a trailing comma keeps it', () => {
    const source = 'local notebookNodes = [\n  { instanceType: \'m5.large\', },\n];\n';
    const result = expectOk(jsonnet.patch(source, { key: 'm5.large', instanceType: 'm5.large' }, { min: 2, max: null }));
    expect(result.text).toBe('local notebookNodes = [\n  { instanceType: \'m5.large\', minSize: 2, },\n];\n');
  });

  test('a multi-line entry whose last field has no comma gets the new key at the top', () => {
    const source = 'local notebookNodes = [\n    {\n        instanceType: "m5.large"\n    },\n];\n';
    const result = expectOk(jsonnet.patch(source, { key: 'm5.large', instanceType: 'm5.large' }, { min: 2, max: null }));
    expect(result.text).toBe('local notebookNodes = [\n    {\n        minSize: 2,\n        instanceType: "m5.large"\n    },\n];\n');
  });

  test('patching twice is a no-op the second time', () => {
    const first = expectOk(jsonnet.patch(text, prod4x, { min: 6, max: 30 }));
    const second = expectOk(jsonnet.patch(first.text, prod4x, { min: 6, max: 30 }));
    expect(second.changed).toBe(false);
    expect(second.text).toBe(first.text);
  });

  test('when key equals the instance type, an entry without namePrefix matches', () => {
    expect(jsonnet.patch(text, xlarge, { min: 1, max: null }).ok).toBe(true);
  });
});

describe('eksctlJsonnetFormat.restore', () => {
  test.each([
    ['r5.xlarge', xlarge],
    ['r5.4xlarge nb-prod', prod4x],
    ['r5.16xlarge nb-prod (single line)', prod16x],
    ['g4dn.xlarge (minSize present)', gpu],
  ])('%s: restoring the recorded values gives back the original bytes', (_, pool) => {
    const patched = expectOk(jsonnet.patch(text, pool, { min: 7, max: 70 }));
    const restored = expectOk(jsonnet.restore(patched.text, pool, patched.before));
    expect(restored.text).toBe(text);
  });

  test('restoring null removes keys the patch inserted, and only them', () => {
    const patched = expectOk(jsonnet.patch(text, prod4x, { min: 6, max: 30 }));
    const restored = expectOk(jsonnet.restore(patched.text, prod4x, { min: null, max: null }));
    expect(changedLines(patched.text, restored.text)).toEqual({ removed: ['minSize: 6,', 'maxSize: 30,'], added: [] });
  });

  test('a human-written inline key is removed with its comma', () => {
    const source = 'local notebookNodes = [\n  { minSize: 3, instanceType: "m5.large" },\n];\n';
    const restored = expectOk(jsonnet.restore(source, { key: 'm5.large', instanceType: 'm5.large' }, { min: null, max: null }));
    expect(restored.text).toBe('local notebookNodes = [\n  { instanceType: "m5.large" },\n];\n');
  });
});

describe('eksctlJsonnetFormat errors', () => {
  test('no entry with the instance type lists the entries there are', () => {
    expectError(jsonnet.patch(text, { key: 'm5.large', instanceType: 'm5.large' }, { min: 1, max: null }),
      'eksctl jsonnet file', 'pool m5.large', 'r5.4xlarge (namePrefix "nb-prod")', 'g4dn.xlarge');
  });

  test('a namePrefix that is not there is not found', () => {
    expectError(jsonnet.read(text, { key: 'nb-dev', instanceType: 'r5.4xlarge' }), 'namePrefix "nb-dev"', 'no entry');
  });

  test('two entries with the instance type and no key to tell them apart are ambiguous', () => {
    expectError(jsonnet.patch(text, { key: 'r5.4xlarge', instanceType: 'r5.4xlarge' }, { min: 1, max: null }),
      '2 entries', 'infraKey', 'nb-staging', 'nb-prod');
  });

  test('duplicate namePrefix is ambiguous too', () => {
    const source = 'local notebookNodes = [\n  { instanceType: "a", namePrefix: "p" },\n  { instanceType: "a", namePrefix: "p" },\n];\n';
    expectError(jsonnet.read(source, { key: 'p', instanceType: 'a' }), '2 entries', 'unique');
  });

  test('no notebookNodes list', () => {
    expectError(jsonnet.read('local daskNodes = [];\n{}\n', prod4x), 'no `local notebookNodes');
  });

  test('unbalanced brackets are a parse error with a position', () => {
    const broken = text.replace('{ instanceType: "r5.xlarge" },', '{ instanceType: "r5.xlarge" ],');
    expectError(jsonnet.patch(broken, prod4x, { min: 1, max: null }), 'does not parse (line 21, column 33: a closing "]" does not match the "{" opened at line 21, column 5)');
  });

  test('an unclosed block comment is a parse error', () => {
    expectError(jsonnet.read(`${text}\n/* trailing`, prod4x), 'does not parse', 'never closed');
  });

  test('a minSize that is an expression is not edited', () => {
    const source = 'local notebookNodes = [\n  { instanceType: "a", minSize: base + 1 },\n];\n';
    expectError(jsonnet.patch(source, { key: 'a', instanceType: 'a' }, { min: 1, max: null }), '`base + 1`');
  });

  test('invalid sizing is refused before anything is read', () => {
    expectError(jsonnet.patch('not even jsonnet {', prod4x, { min: 3, max: 1 }), 'max must be at least min', 'eksctl jsonnet file');
    expectError(jsonnet.patch(text, prod4x, { min: -3, max: null }), 'not a whole number');
  });
});
