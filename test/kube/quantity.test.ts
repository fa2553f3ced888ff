import { cpuQuantity, memoryQuantity, quantityOf } from '../../src/kube/quantity.js';

describe('quantityOf (resource maps from the API server)', () => {
  test.each([
    [{ cpu: '3920m', memory: '29084476Ki' }, 'cpu', 3.92],
    [{ cpu: '3920m', memory: '29084476Ki' }, 'memory', 29_084_476 * 1024],
    [{ cpu: '3920m' }, 'memory', 0],
    [undefined, 'cpu', 0],
    [{ cpu: 'lots' }, 'cpu', 0],
  ])('%j %s → %d', (map, resource, expected) => expect(quantityOf(map, resource)).toBe(expected));
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
