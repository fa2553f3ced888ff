import fc from 'fast-check';
import { MAX_MEMORY_BYTES, formatMemory, parseMemory, parseQuantity } from '../../src/config/quantity.js';

const GiB = 2 ** 30;

describe('parseQuantity', () => {
  test.each([
    // CPU as nodes and pods report it
    ['3920m', 3.92],
    ['4', 4],
    ['100m', 0.1],
    ['250000000n', 0.25],
    ['1500u', 0.0015],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['5.', 5],
    // memory
    ['29085844Ki', 29_783_904_256],
    ['32880900Ki', 33_670_041_600],
    ['1.5Gi', 1_610_612_736],
    ['6979321856', 6_979_321_856],
    ['500M', 500_000_000],
    ['1Ti', 1024 ** 4],
    ['2k', 2000],
    // decimal exponents
    ['1e3', 1000],
    ['1E3', 1000],
    ['12e-3', 0.012],
    ['+1.5e+2', 150],
    ['-2Mi', -2 * 1024 ** 2],
    ['0', 0],
  ])('%s → %d', (text, expected) => {
    expect(parseQuantity(text)).toBe(expected);
  });

  test.each(['', 'Gi', '1.5 Gi', '1GB', '1gi', '1KI', 'abc', '1..5', '1e', '0x10', '1m1'])('"%s" is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeNull();
  });

  test('m is milli, M is mega (case matters)', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('500M')).toBe(5e8);
  });
});

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

describe('memory sizes as written in values files: the API server grammar, narrowed', () => {
  test.each([
    ['5.', 'valid for the API server, never written in a values file'],
    ['+1Gi', 'a sign'],
    ['500m', 'milli: half a byte'],
    ['250000000n', 'nano'],
    ['1e3', 'an exponent'],
    ['1E3', 'an exponent'],
  ])('%j (%s) is a quantity to the API server but not a memory size', (text) => {
    expect(parseQuantity(text)).not.toBeNull();
    expect(parseMemory(text)).toBeNull();
  });

  test('the same text means the same bytes to both, rounded up to a whole byte for memory', () => {
    for (const text of ['29085844Ki', '1.5Gi', '500M', '6979321856', '0.1G', '1.1Gi']) expect(parseMemory(text)).toBe(Math.ceil((parseQuantity(text) as number) - 1e-6));
  });
});
