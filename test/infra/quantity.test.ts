import { parseCpu, sameCpu } from '../../src/infra/helm/quantity.js';

describe('parseCpu', () => {
  test.each([
    ['500m', 0.5],
    ['2', 2],
    [3.5, 3.5],
    ['.25', 0.25],
  ])('%j → %d cores', (text, cores) => {
    expect(parseCpu(text)).toBe(cores);
  });

  test.each(['two', '1.5k', -1, Number.NaN, '5.', '+1', '-1', '1e3', '250000000n', '2Ki', true, null])('%j is not a CPU quantity', (text) => {
    expect(parseCpu(text)).toBeNull();
  });

  test('sameCpu compares to the millicore', () => {
    expect(sameCpu(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameCpu(0.3, 0.301)).toBe(false);
  });
});
