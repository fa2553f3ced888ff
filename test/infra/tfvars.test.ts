import { tfvarsFormat } from '../../src/infra/tfvars.js';
import type { PatchResult, PoolLocator } from '../../src/infra/types.js';
import { changedLines, fixture } from './support.js';

const text = fixture('workshop-hub.tfvars');
const pool = (key: string): PoolLocator => ({ key, instanceType: key });

function expectOk(result: PatchResult): Extract<PatchResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result;
}

function expectError(result: PatchResult | ReturnType<typeof tfvarsFormat.read>, ...fragments: string[]): void {
  expect(result.ok).toBe(false);
  expect(result).not.toHaveProperty('text');
  const error = (result as { error: string }).error;
  for (const fragment of fragments) expect(error).toContain(fragment);
}

describe('tfvarsFormat.read', () => {
  test.each([
    ['n2-highmem-4', { min: 0, max: 100 }],
    ['n2-highmem-16', { min: 1, max: 100 }],
    ['gpu-t4', { min: null, max: 20 }],
    ['n2-highmem-64', { min: 0, max: 10 }],
    ['gpu-a100', { min: null, max: null }],
  ])('%s', (key, values) => {
    expect(tfvarsFormat.read(text, pool(key))).toEqual({ ok: true, values });
  });

  test('reads notebook_nodes, not the dask_nodes pool with the same key', () => {
    const dask = text.indexOf('dask_nodes');
    const onlyDaskDiffers = text.slice(0, dask) + text.slice(dask).replace('max : 200', 'max : 7');
    expect(tfvarsFormat.read(onlyDaskDiffers, pool('n2-highmem-4'))).toEqual({ ok: true, values: { min: 0, max: 100 } });
  });
});

describe('tfvarsFormat.patch', () => {
  test('changes exactly the min and max lines of the one pool', () => {
    const result = expectOk(tfvarsFormat.patch(text, pool('n2-highmem-4'), { min: 3, max: 40 }));
    expect(result.before).toEqual({ min: 0, max: 100 });
    expect(result.changed).toBe(true);
    expect(changedLines(text, result.text)).toEqual({
      removed: ['min : 0,', 'max : 100,'],
      added: ['min : 3,', 'max : 40,'],
    });
    expect(tfvarsFormat.read(result.text, pool('n2-highmem-4'))).toEqual({ ok: true, values: { min: 3, max: 40 } });
  });

  test('max null leaves max alone', () => {
    const result = expectOk(tfvarsFormat.patch(text, pool('n2-highmem-16'), { min: 4, max: null }));
    expect(changedLines(text, result.text)).toEqual({ removed: ['min : 1,'], added: ['min : 4,'] });
  });

  test('patching twice is a no-op the second time', () => {
    const first = expectOk(tfvarsFormat.patch(text, pool('gpu-t4'), { min: 2, max: 8 }));
    const second = expectOk(tfvarsFormat.patch(first.text, pool('gpu-t4'), { min: 2, max: 8 }));
    expect(second.changed).toBe(false);
    expect(second.text).toBe(first.text);
    expect(second.before).toEqual({ min: 2, max: 8 });
  });

  test('a missing min is inserted before max, with the same indentation and separator', () => {
    const result = expectOk(tfvarsFormat.patch(text, pool('gpu-t4'), { min: 2, max: null }));
    expect(result.before).toEqual({ min: null, max: 20 });
    expect(changedLines(text, result.text)).toEqual({ removed: [], added: ['min : 2,'] });
    expect(result.text).toContain('    # No min here: terraform\'s default (0) applies.\n    min : 2,\n    max : 20,\n');
  });

  test('an entry written with = separators and no commas keeps that style', () => {
    const result = expectOk(tfvarsFormat.patch(text, pool('n2-highmem-64'), { min: 2, max: 12 }));
    expect(result.text).toContain('    min          = 2\n    max          = 12\n    machine_type = "n2-highmem-64"\n');
    expect(changedLines(text, result.text).removed).toEqual(['min          = 0', 'max          = 10']);
  });

  test('inserting into an = entry copies the separator and adds no comma', () => {
    const source = 'notebook_nodes = {\n  "x" = {\n    max          = 10\n    machine_type = "n2-standard-4"\n  }\n}\n';
    const result = expectOk(tfvarsFormat.patch(source, pool('x'), { min: 2, max: null }));
    expect(result.text).toBe('notebook_nodes = {\n  "x" = {\n    min          = 2\n    max          = 10\n    machine_type = "n2-standard-4"\n  }\n}\n');
  });

  test('a single-line entry gets the keys appended inside its braces', () => {
    const result = expectOk(tfvarsFormat.patch(text, pool('gpu-a100'), { min: 1, max: 2 }));
    const { removed, added } = changedLines(text, result.text);
    expect(removed).toHaveLength(1);
    expect(added).toEqual([
      '"gpu-a100" : { machine_type : "a2-highgpu-1g", gpu : { enabled : true, type : "nvidia-tesla-a100", count : 1 }, min : 1, max : 2 },',
    ]);
  });

  test('braces and quotes inside strings and comments do not confuse it', () => {
    const source = [
      '# a stray { in a comment',
      'notebook_nodes = {',
      '  "a" : { min : 0, max : 5, machine_type : "}{", note : "say \\"hi\\" } // not a comment" }, // }',
      '  /* { */ "b" : { min : 0, max : 5 },',
      '}',
      '',
    ].join('\n');
    const result = expectOk(tfvarsFormat.patch(source, pool('b'), { min: 1, max: 6 }));
    expect(result.text).toBe(source.replace('"b" : { min : 0, max : 5 }', '"b" : { min : 1, max : 6 }'));
  });
});

describe('tfvarsFormat.restore', () => {
  test.each(['n2-highmem-4', 'n2-highmem-16', 'gpu-t4', 'n2-highmem-64', 'gpu-a100'])(
    'restoring %s to its recorded values gives back the original bytes',
    (key) => {
      const patched = expectOk(tfvarsFormat.patch(text, pool(key), { min: 5, max: 50 }));
      const restored = expectOk(tfvarsFormat.restore(patched.text, pool(key), patched.before));
      expect(restored.text).toBe(text);
      expect(restored.before).toEqual({ min: 5, max: 50 });
    },
  );

  test('a key that was absent is removed again', () => {
    const patched = expectOk(tfvarsFormat.patch(text, pool('gpu-t4'), { min: 3, max: null }));
    const restored = expectOk(tfvarsFormat.restore(patched.text, pool('gpu-t4'), { min: null, max: 20 }));
    expect(changedLines(patched.text, restored.text)).toEqual({ removed: ['min : 3,'], added: [] });
    expect(restored.text).toBe(text);
  });

  test('restoring what is already there changes nothing', () => {
    const restored = expectOk(tfvarsFormat.restore(text, pool('gpu-t4'), { min: null, max: 20 }));
    expect(restored.changed).toBe(false);
    expect(restored.text).toBe(text);
  });
});

describe('tfvarsFormat errors', () => {
  test('unknown pool: names the format, the pool and the pools there are', () => {
    expectError(tfvarsFormat.patch(text, pool('n1-standard-4'), { min: 1, max: 2 }),
      'terraform .tfvars file', 'pool "n1-standard-4"', '"n2-highmem-4", "n2-highmem-16", "gpu-t4"', 'infraKey');
  });

  test('a pool key twice is ambiguous', () => {
    const source = 'notebook_nodes = {\n  "a" : { min : 0 },\n  "a" : { min : 1 },\n}\n';
    expectError(tfvarsFormat.patch(source, pool('a'), { min: 2, max: null }), 'pool "a" appears 2 times');
  });

  test('min written twice in one entry is refused', () => {
    const source = 'notebook_nodes = {\n  "a" : { min : 0, min : 1 },\n}\n';
    expectError(tfvarsFormat.read(source, pool('a')), 'min appears more than once', 'pool "a"');
  });

  test('no notebook_nodes map', () => {
    expectError(tfvarsFormat.read('dask_nodes = {}\n', pool('a')), 'no top-level `notebook_nodes', 'pool "a"');
  });

  test('unbalanced braces give the position', () => {
    const broken = text.replace('"gpu-t4" : {', '"gpu-t4" : {{');
    expectError(tfvarsFormat.patch(broken, pool('n2-highmem-4'), { min: 1, max: 2 }), 'does not parse', 'line ', 'pool "n2-highmem-4"');
  });

  test('an unterminated string is a parse error', () => {
    expectError(tfvarsFormat.read('notebook_nodes = {\n  "a : { min : 0 },\n}\n', pool('a')), 'does not parse', 'never closed');
  });

  test('a min that is not a literal number is not edited', () => {
    const source = 'notebook_nodes = {\n  "a" : { min : var.min_nodes, max : 5 },\n}\n';
    expectError(tfvarsFormat.patch(source, pool('a'), { min: 1, max: 5 }), '`var.min_nodes`', 'not a plain whole number');
  });

  test.each([
    [{ min: -1, max: 5 }, 'not a whole number of 0 or more'],
    [{ min: 1.5, max: 5 }, 'not a whole number of 0 or more'],
    [{ min: Number.NaN, max: 5 }, 'not a whole number of 0 or more'],
    [{ min: 1, max: 2.5 }, 'max for pool "n2-highmem-4"'],
    [{ min: 6, max: 5 }, 'max must be at least min'],
    [{ min: 101, max: null }, 'the file keeps max 100'],
  ])('invalid sizing %j is refused', (sizing, message) => {
    expectError(tfvarsFormat.patch(text, pool('n2-highmem-4'), sizing), message, 'terraform .tfvars file');
  });

  test('invalid recorded values are refused on restore', () => {
    expectError(tfvarsFormat.restore(text, pool('n2-highmem-4'), { min: -2, max: null }), 'Cannot restore min', 'pool "n2-highmem-4"');
    expectError(tfvarsFormat.restore(text, pool('n2-highmem-4'), { min: 9, max: 3 }), 'max must be at least min');
  });
});
