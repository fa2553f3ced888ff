import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/schema.js';
import { editDistance, nearestKey } from '../../src/config/strict.js';

const example = readFileSync(new URL('../../examples/workshop-readiness.yml', import.meta.url), 'utf8');

/** The example with one line's text replaced; fails the test if `from` is not in it. */
function exampleWith(from: string, to: string): unknown {
  expect(example).toContain(from);
  return parse(example.replace(from, to));
}

describe('strict config: unknown keys are errors that name the key and the key meant', () => {
  test('the bundled example is valid', () => {
    expect(validateConfig(parse(example))).toMatchObject({ ok: true });
  });

  test.each([
    // The typos from the review, at every level of the file.
    ['policy:\n', 'polciy:\n', 'polciy', 'unknown key `polciy` at the top level — did you mean `policy`?'],
    ['  headroom: 0.2', '  headrom: 0.2', 'policy.headrom', 'unknown key `headrom` under policy — did you mean `headroom`?'],
    ['    daemonsetCpu: 0.443', '    daemonSetCpu: 0.443', 'instanceOverrides.n2-highmem-4.daemonSetCpu', 'unknown key `daemonSetCpu` under instanceOverrides.n2-highmem-4 — did you mean `daemonsetCpu`?'],
    ['      imageSizeGB: 4', '      imageSizeGb: 4', 'hubs.workshops.defaults.imageSizeGb', 'unknown key `imageSizeGb` under hubs.workshops.defaults — did you mean `imageSizeGB`?'],
    ['      helmValuesPath:', '      helmValuePath:', 'clusters.demo-cluster.infra.helmValuePath', 'unknown key `helmValuePath` under clusters.demo-cluster.infra — did you mean `helmValuesPath`?'],
    ['    teams: [example-org/hub-engineers]', '    team: [example-org/hub-engineers]', 'policy.approvers.team', 'unknown key `team` under policy.approvers — did you mean `teams`?'],
    ['        maxNodes: 30', '        maxNodes: 30\n        maxnode: 31', 'clusters.demo-aws.pools.nb-r5-4xlarge.maxnode', 'unknown key `maxnode` under clusters.demo-aws.pools.nb-r5-4xlarge — did you mean `maxNodes`?'],
    ['    homeStorage:\n      type: efs-bursting', '    homeStorage:\n      tpye: other\n      type: efs-bursting', 'clusters.demo-aws.homeStorage.tpye', 'unknown key `tpye` under clusters.demo-aws.homeStorage — did you mean `type`?'],
  ])('%j → %j is reported at %s', (from, to, path, message) => {
    const result = validateConfig(exampleWith(from, to));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({ path, message });
  });

  test('`memoryGaurantee:` names the typo instead of only saying memoryGuarantee is missing', () => {
    const result = validateConfig(exampleWith('      memoryGuarantee: 4G', '      memoryGaurantee: 4G'));
    expect(result).toEqual({
      ok: false,
      problems: [{ path: 'hubs.workshops.defaults.memoryGaurantee', message: 'unknown key `memoryGaurantee` under hubs.workshops.defaults — did you mean `memoryGuarantee`?' }],
    });
  });

  test('a typo next to the key it resembles does not hide a problem with that key', () => {
    const result = validateConfig(exampleWith('      memoryGuarantee: 4G', '      memoryGuarantee: lots\n      memoryGaurantee: 4G'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.path).sort()).toEqual(['hubs.workshops.defaults.memoryGaurantee', 'hubs.workshops.defaults.memoryGuarantee']);
  });

  test('keys inside the kubernetes block, tolerations and the form are checked too', () => {
    const raw = parse(example) as Record<string, any>;
    raw.clusters['demo-cluster'].kubernetes = { kubeconfig: 'demo-cluster.kubeconfig', namspace: 'x' };
    raw.clusters['demo-cluster'].pools['user-n2-highmem-4'].tolerations = [{ key: 'k', effect: 'NoSchedule', valeu: 'v' }];
    raw.form = { titlePrefix: ['[W]'] };
    const result = validateConfig(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        'unknown key `namspace` under clusters.demo-cluster.kubernetes — did you mean `namespace`?',
        'unknown key `valeu` under clusters.demo-cluster.pools.user-n2-highmem-4.tolerations.0 — did you mean `value`?',
        'unknown key `titlePrefix` under form — did you mean `titlePrefixes`?',
      ]),
    );
  });

  test('a key like nothing valid lists the valid keys; several unknown keys are one problem each', () => {
    const result = validateConfig(exampleWith('  headroom: 0.2', '  headroom: 0.2\n  colour: blue\n  zzzzzz: 1'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const messages = result.problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^policy\.colour: unknown key `colour` under policy \(valid keys: leadTimeDays, headroom, .*approvers\)$/);
    expect(messages[1]).toMatch(/^policy\.zzzzzz: unknown key `zzzzzz` under policy \(valid keys: /);
  });

  test('a very long unknown key is shortened in the message', () => {
    const raw = parse(example) as Record<string, any>;
    raw.policy[`headroom${'m'.repeat(5000)}`] = 1;
    const result = validateConfig(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]!.message.length).toBeLessThan(500);
  });
});

describe('nearestKey', () => {
  test.each([
    ['headrom', 'headroom'],
    ['HEADROOM', 'headroom'],
    ['memoryGaurantee', 'memoryGuarantee'],
    ['namspace', 'namespace'],
    ['maxNode', 'maxNodes'],
  ])('%s → %s', (typo, meant) => {
    expect(nearestKey(typo, ['headroom', 'memoryGuarantee', 'namespace', 'maxNodes', 'leadTimeDays'])).toBe(meant);
  });

  test.each(['colour', 'x', 'completelyDifferent', 'h'.repeat(100)])('%s is like nothing valid → null', (key) => {
    expect(nearestKey(key, ['headroom', 'namespace', 'maxNodes'])).toBeNull();
  });

  test('edit distance counts a swap of two neighbours as one edit', () => {
    expect(editDistance('gaurantee', 'guarantee')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
