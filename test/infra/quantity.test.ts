import fc from 'fast-check';
import { MAX_MEMORY_BYTES, formatMemory, parseCpu, parseMemory, sameCpu } from '../../src/infra/helm/quantity.js';

const GiB = 2 ** 30;

describe('formatMemory', () => {
  test.each([
    [28.5 * GiB, '28.5Gi'],
    [4 * GiB, '4Gi'],
    [512 * 2 ** 20, '512Mi'],
    [1.25 * GiB, '1.25Gi'],
    [3 * 2 ** 40, '3Ti'],
    [1536, '1.5Ki'],
    [1000, '1000'],
    [0, '0'],
  ])('%d bytes → %s', (bytes, text) => {
    expect(formatMemory(bytes)).toBe(text);
  });

  test('always reads back as the same number of bytes', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_MEMORY_BYTES }), (bytes) => parseMemory(formatMemory(bytes)) === bytes));
  });
});

describe('parseMemory', () => {
  test.each([
    ['4G', 4e9],
    ['0.1G', 1e8],
    ['28.5Gi', 28.5 * GiB],
    ['512Mi', 512 * 2 ** 20],
    ['1024', 1024],
    [1024, 1024],
    ['1.1Gi', Math.ceil(1.1 * GiB)],
  ])('%j → %d bytes', (text, bytes) => {
    expect(parseMemory(text)).toBe(bytes);
  });

  test.each(['lots', '1e3', '-1Gi', '4 GB', '', true, null])('%j is not a quantity', (text) => {
    expect(parseMemory(text)).toBeNull();
  });
});

describe('parseCpu', () => {
  test.each([
    ['500m', 0.5],
    ['2', 2],
    [3.5, 3.5],
    ['.25', 0.25],
  ])('%j → %d cores', (text, cores) => {
    expect(parseCpu(text)).toBe(cores);
  });

  test.each(['two', '1.5k', -1, Number.NaN])('%j is not a CPU quantity', (text) => {
    expect(parseCpu(text)).toBeNull();
  });

  test('sameCpu compares to the millicore', () => {
    expect(sameCpu(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameCpu(0.3, 0.301)).toBe(false);
  });
});
