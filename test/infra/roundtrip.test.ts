import fc from 'fast-check';
import { infraFormats, patchPlaceholders, restorePlaceholders } from '../../src/infra/index.js';
import type { InfraFormat, PoolLocator } from '../../src/infra/types.js';
import { changedLines, fixture } from './support.js';

const cases: Array<[string, InfraFormat, string, PoolLocator]> = [
  ...['n2-highmem-4', 'n2-highmem-16', 'gpu-t4', 'n2-highmem-64', 'gpu-a100'].map(
    (key): [string, InfraFormat, string, PoolLocator] => [`tfvars ${key}`, infraFormats.tfvars, fixture('workshop-hub.tfvars'), { key, instanceType: key }],
  ),
  ...[
    { key: 'r5.xlarge', instanceType: 'r5.xlarge' },
    { key: 'nb-staging', instanceType: 'r5.4xlarge' },
    { key: 'nb-prod', instanceType: 'r5.4xlarge' },
    { key: 'nb-prod', instanceType: 'r5.16xlarge' },
    { key: 'g4dn.xlarge', instanceType: 'g4dn.xlarge' },
  ].map((pool): [string, InfraFormat, string, PoolLocator] => [`jsonnet ${pool.key} ${pool.instanceType}`, infraFormats['eksctl-jsonnet'], fixture('workshop-aws.jsonnet'), pool]),
];

const sizing = fc
  .tuple(fc.nat({ max: 10_000 }), fc.option(fc.nat({ max: 10_000 }), { nil: null }))
  .map(([min, extra]) => ({ min, max: extra === null ? null : min + extra }));

describe.each(cases)('%s', (_, format, text, pool) => {
  const original = format.read(text, pool);
  if (!original.ok) throw new Error(original.error);
  const fileMax = original.values.max;

  test('any valid sizing: reads back, touches at most two lines\' worth, and restores byte for byte', () => {
    fc.assert(
      fc.property(sizing.filter((s) => s.max !== null || fileMax === null || s.min <= fileMax), (s) => {
        const patched = format.patch(text, pool, s);
        if (!patched.ok) throw new Error(patched.error);
        const read = format.read(patched.text, pool);
        expect(read).toEqual({ ok: true, values: { min: s.min, max: s.max ?? fileMax } });
        const { removed, added } = changedLines(text, patched.text);
        expect(removed.length).toBeLessThanOrEqual(2);
        expect(added.length).toBeLessThanOrEqual(2);
        const restored = format.restore(patched.text, pool, patched.before);
        expect(restored.ok && restored.text).toBe(text);
      }),
      { numRuns: 40 },
    );
  });
});

describe('files with CRLF line endings', () => {
  const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

  test.each(cases.filter(([name]) => ['tfvars gpu-t4', 'jsonnet nb-prod r5.4xlarge', 'jsonnet g4dn.xlarge g4dn.xlarge'].includes(name)))(
    '%s: inserted lines use CRLF and restore removes them exactly',
    (_, format, text, pool) => {
      const source = crlf(text);
      const patched = format.patch(source, pool, { min: 2, max: 9 });
      if (!patched.ok) throw new Error(patched.error);
      expect(patched.text.replace(/\r\n/g, '')).not.toContain('\n');
      const restored = format.restore(patched.text, pool, patched.before);
      expect(restored.ok && restored.text).toBe(source);
    },
  );

  test('helm values too', () => {
    const source = crlf(fixture('staging.values.yaml'));
    const patched = patchPlaceholders(source, { enabled: true, replicas: 2, cpu: 1, memoryBytes: 2 ** 30, prePuller: false });
    if (!patched.ok) throw new Error(patched.error);
    expect(patched.text.replace(/\r\n/g, '')).not.toContain('\n');
    const restored = restorePlaceholders(patched.text, patched.snapshot);
    expect(restored.ok && restored.text).toBe(source);
  });
});
