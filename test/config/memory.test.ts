import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/schema.js';

const example = readFileSync(new URL('../../examples/workshop-readiness.yml', import.meta.url), 'utf8');
const GUARANTEE = '      memoryGuarantee: 4G';
const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** The example with the workshops hub's memory guarantee written as `written`. */
function withGuarantee(written: string) {
  expect(example).toContain(GUARANTEE);
  return validateConfig(parse(example.replace(GUARANTEE, `      memoryGuarantee: ${written}`)));
}

describe('config memory sizes read as KubeSpawner reads z2jh singleuser.memory (K, M, G, T = powers of 1024)', () => {
  test.each([
    ['4G', 4 * GiB],
    ['8G', 8 * GiB],
    ['0.5G', 512 * MiB],
    ['4096M', 4 * GiB],
    ['512K', 512 * KiB],
    ['1T', 1024 * GiB],
    ['4Gi', 4 * GiB],
    ['3.5Gi', 3.5 * GiB],
    ['4096Mi', 4 * GiB],
    ['4294967296', 4 * GiB],
    [' 4G ', 4 * GiB],
  ])('%j → %d bytes', (written, bytes) => {
    const result = withGuarantee(written);
    expect(result.ok && result.config.hubs.workshops?.defaults.memoryGuarantee).toBe(bytes);
  });

  test('the example hub defaults are 4 GiB guaranteed and an 8 GiB limit', () => {
    const result = validateConfig(parse(example));
    expect(result.ok && result.config.hubs.workshops?.defaults).toMatchObject({ memoryGuarantee: 4 * GiB, memoryLimit: 8 * GiB });
  });

  // Decimal and long spellings are refused rather than guessed: they are where the config and the values
  // file would mean different sizes (KubeSpawner itself refuses `4GB`, `4GiB` and lower-case suffixes).
  test.each(['4GB', '4GiB', '4 GB', '4 G', '4g', '4k', '4E', '4Pi', 'lots', '-1G', 'G', ''])('%j is refused with a message saying how to write it', (written) => {
    const result = withGuarantee(JSON.stringify(written));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({
      path: 'hubs.workshops.defaults.memoryGuarantee',
      message: `"${written}" is not a memory size; write it like 4G (K, M, G and T are powers of 1024, as in KubeSpawner), 4Gi, 4096M or a number of bytes`,
    });
  });
});
