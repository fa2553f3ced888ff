import { isLabelKey, isLabelValue, placeholderPodName, poolNodeSelector } from '../../src/kube/labels.js';
import { POOL } from './support.js';

describe('label syntax (values from repository config reach label selectors)', () => {
  test.each(['', 'n2-highmem-4', 'r5.xlarge', 'user_pool', 'a'.repeat(63)])('value "%s" is valid', (value) => expect(isLabelValue(value)).toBe(true));
  test.each(['a,b', 'x!=y', '-lead', 'trail-', 'a b', 'a'.repeat(64), 'in(x)'])('value "%s" is refused', (value) => expect(isLabelValue(value)).toBe(false));
  test.each([
    ['node.kubernetes.io/instance-type', true],
    ['cloud.google.com/gke-nodepool', true],
    ['hub.jupyter.org/node-purpose', true],
    ['plain', true],
    ['Upper.Case/x', false],
    ['/x', false],
    ['a/b/c', false],
  ])('key "%s" → %s', (key, ok) => expect(isLabelKey(key)).toBe(ok));

  test('the pool selector is the instance type plus the pool nodeSelector', () => {
    expect(poolNodeSelector(POOL)).toEqual({ 'node.kubernetes.io/instance-type': 'n2-highmem-4', 'cloud.google.com/gke-nodepool': 'nb-n2-highmem-4' });
    expect(() => poolNodeSelector({ ...POOL, nodeSelector: { 'bad key!': 'x' } })).toThrow('pool node selector key "bad key!" is not a valid Kubernetes label name');
  });
});

describe('placeholderPodName', () => {
  test.each([
    [42, 'lt-42-20250301t1000', 3, 'wr-42-lt-42-20250301t1000-3'],
    [7, 'Run_ABC.1', 0, 'wr-7-run-abc-1-0'],
    [7, '___', 0, 'wr-7-run-0'],
    [123456, 'x'.repeat(63), 999, `wr-123456-${'x'.repeat(49)}-999`],
  ])('issue %d, run %s, #%d → %s', (issue, run, index, name) => {
    const result = placeholderPodName(issue, run, index);
    expect(result).toBe(name);
    expect(result.length).toBeLessThanOrEqual(63);
    expect(result).toMatch(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
  });
});
