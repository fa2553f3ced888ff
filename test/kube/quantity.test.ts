import { cpuQuantity, memoryQuantity, parseQuantity } from '../../src/kube/quantity.js';

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

describe('quantities for pod specs', () => {
  test.each([
    [0.85, '850m'],
    [1, '1000m'],
    [0.1 + 0.2, '300m'], // float noise does not round up to 301m
    [0.0001, '1m'], // never below what was planned
  ])('cpu %d → %s', (cores, text) => expect(cpuQuantity(cores)).toBe(text));

  test.each([
    [6.5 * 1024 ** 3, '6979321856'],
    [1e9 + 0.4, '1000000001'],
  ])('memory %d → %s', (bytes, text) => expect(memoryQuantity(bytes)).toBe(text));
});
