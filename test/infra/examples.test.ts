import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { packageRoot } from '../../src/paths.js';
import { infraFormats, patchPlaceholders, restorePlaceholders } from '../../src/infra/index.js';
import type { PoolLocator } from '../../src/infra/types.js';
import { changedLines, example } from './support.js';

interface ExampleCluster {
  pools: Record<string, { instanceType: string; infraKey?: string }>;
  infra: { path: string; format: 'tfvars' | 'eksctl-jsonnet'; helmValuesPath?: string };
}

// The demo config is what `npm run demo` feeds the app, so every pool it names must patch cleanly here.
const config = parse(readFileSync(`${packageRoot}/examples/workshop-readiness.yml`, 'utf8')) as { clusters: Record<string, ExampleCluster> };
const configPools = Object.entries(config.clusters).flatMap(([cluster, c]) =>
  Object.entries(c.pools).map(([name, p]): [string, ExampleCluster['infra'], PoolLocator] => [
    `${cluster}/${name}`,
    c.infra,
    { key: p.infraKey ?? p.instanceType, instanceType: p.instanceType },
  ]),
);

describe.each(configPools)('example config pool %s', (_, infra, pool) => {
  test('patches two lines at most and restores byte for byte', () => {
    const text = example(infra.path);
    const format = infraFormats[infra.format];
    const patched = format.patch(text, pool, { min: 3, max: 25 });
    if (!patched.ok) throw new Error(patched.error);
    expect(changedLines(text, patched.text).added.length).toBeGreaterThan(0);
    expect(changedLines(text, patched.text).added.length).toBeLessThanOrEqual(2);
    const restored = format.restore(patched.text, pool, patched.before);
    expect(restored.ok && restored.text).toBe(text);
  });
});

describe('example infra repo', () => {
  test('the tfvars has the three demo pools, including the T4 GPU pool', () => {
    const text = example('terraform/gcp/projects/demo-cluster.tfvars');
    for (const key of ['n2-highmem-4', 'n2-highmem-16', 'gpu-t4']) {
      expect(infraFormats.tfvars.read(text, { key, instanceType: key })).toEqual({ ok: true, values: { min: 0, max: expect.any(Number) } });
    }
  });

  test('the jsonnet has r5.xlarge, r5.4xlarge nb-prod and g4dn.xlarge entries', () => {
    const text = example('eksctl/demo-aws.jsonnet');
    const format = infraFormats['eksctl-jsonnet'];
    for (const pool of [
      { key: 'r5.xlarge', instanceType: 'r5.xlarge' },
      { key: 'nb-prod', instanceType: 'r5.4xlarge' },
      { key: 'g4dn.xlarge', instanceType: 'g4dn.xlarge' },
    ]) {
      expect(format.read(text, pool)).toEqual({ ok: true, values: { min: null, max: null } });
    }
  });

  test('the workshop values get placeholders under jupyterhub and lose them again on scale-down', () => {
    const text = example('config/clusters/demo-cluster/workshop.values.yaml');
    const patched = patchPlaceholders(text, { enabled: true, replicas: 4, cpu: 2, memoryBytes: 8 * 2 ** 30, prePuller: true });
    if (!patched.ok) throw new Error(patched.error);
    expect(parse(patched.text).jupyterhub.scheduling.userPlaceholder.resources.requests).toEqual({ cpu: 2, memory: '8Gi' });
    const restored = restorePlaceholders(patched.text, patched.snapshot);
    expect(restored.ok && restored.text).toBe(text);
  });
});
