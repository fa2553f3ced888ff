import { parse } from 'yaml';
import { patchPlaceholders, readPlaceholders, restorePlaceholders, type PlaceholderPatchResult, type PlaceholderSnapshot } from '../../src/infra/helm/values.js';
import type { PlaceholderSizing } from '../../src/infra/types.js';
import { changedLines, fixture } from './support.js';

const staging = fixture('staging.values.yaml');
const prod = fixture('prod.values.yaml');
const GiB = 2 ** 30;
const warm: PlaceholderSizing = { enabled: true, replicas: 5, cpu: 3.5, memoryBytes: 28.5 * GiB, prePuller: true };

function expectOk(result: PlaceholderPatchResult): Extract<PlaceholderPatchResult, { ok: true }> {
  if (!result.ok) throw new Error(`expected ok, got: ${result.error}`);
  return result;
}

function expectError(result: PlaceholderPatchResult | ReturnType<typeof readPlaceholders>, ...fragments: string[]): void {
  expect(result.ok).toBe(false);
  expect(result).not.toHaveProperty('text');
  for (const fragment of fragments) expect((result as { error: string }).error).toContain(fragment);
}

/** A snapshot of a file holding none of the managed values. */
const ABSENT = { enabled: null, replicas: null, cpu: null, memory: null, prePuller: null, podPriority: null, memoryGuarantee: null, memoryLimit: null, cpuGuarantee: null, cpuLimit: null };

const comments = (text: string): string[] => text.split('\n').filter((l) => l.includes('#')).map((l) => l.slice(l.indexOf('#')));

describe('patchPlaceholders', () => {
  test('creates the missing maps under jupyterhub and changes nothing else', () => {
    const result = expectOk(patchPlaceholders(staging, warm));
    expect(result.before).toBeNull();
    expect(result.snapshot).toEqual({
      values: { ...ABSENT, memoryGuarantee: '3.5G', memoryLimit: '4G' },
      maps: ['jupyterhub', 'jupyterhub.singleuser', 'jupyterhub.singleuser.memory'],
    });
    expect(changedLines(staging, result.text)).toEqual({
      removed: [],
      added: ['scheduling:', 'userPlaceholder:', 'enabled: true', 'replicas: 5', 'resources:', 'requests:', 'cpu: 3.5', 'memory: 28.5Gi', 'prePuller:', 'continuous:', 'enabled: true'],
    });
    const data = parse(result.text);
    expect(data.jupyterhub.scheduling.userPlaceholder).toEqual({ enabled: true, replicas: 5, resources: { requests: { cpu: 3.5, memory: '28.5Gi' } } });
    expect(data.jupyterhub.prePuller).toEqual({ continuous: { enabled: true } });
    expect(data['dask-gateway']).toEqual({ enabled: false });
  });

  test('keeps every comment, quote style and trailing comment of existing values', () => {
    const result = expectOk(patchPlaceholders(prod, warm));
    expect(comments(result.text)).toEqual(comments(prod));
    expect(changedLines(prod, result.text)).toEqual({
      removed: ['replicas: 2 # one per warm node', 'memory: "4G"', 'enabled: false'],
      added: ['enabled: true', 'replicas: 5 # one per warm node', 'memory: "28.5Gi"', 'cpu: 3.5', 'enabled: true'],
    });
    // A missing `enabled` goes first in its map, where people look for the switch.
    expect(result.text).toContain('    userPlaceholder:\n      enabled: true\n      replicas: 5');
  });

  test('records exactly what was there before', () => {
    const result = expectOk(patchPlaceholders(prod, warm));
    expect(result.before).toBeNull(); // not all five keys were set
    expect(result.snapshot.values).toEqual({ ...ABSENT, replicas: '2', memory: '"4G"', prePuller: 'false' });
    expect(result.snapshot.maps).toContain('jupyterhub.scheduling.userPlaceholder.resources.requests');
  });

  test('patching twice is a no-op the second time', () => {
    const first = expectOk(patchPlaceholders(staging, warm));
    const second = expectOk(patchPlaceholders(first.text, warm));
    expect(second.changed).toBe(false);
    expect(second.text).toBe(first.text);
    expect(second.before).toEqual(warm);
  });

  test('a value that already means the requested amount is left as written', () => {
    const result = expectOk(patchPlaceholders(prod, { ...warm, replicas: 2, memoryBytes: 4e9 }));
    expect(result.text).toContain('replicas: 2 # one per warm node');
    expect(result.text).toContain('memory: "4G"');
  });

  test('cpu is rounded down to the millicore and memory down to a whole byte, so pods still fit', () => {
    const result = expectOk(patchPlaceholders(staging, { ...warm, cpu: 3.92 / 3, memoryBytes: 28.5 * GiB + 0.75 }));
    expect(parse(result.text).jupyterhub.scheduling.userPlaceholder.resources.requests).toEqual({ cpu: 1.306, memory: '28.5Gi' });
    expect(expectOk(patchPlaceholders(result.text, { ...warm, cpu: 3.92 / 3 })).changed).toBe(false);
  });

  test('float noise in cpu is not written out', () => {
    const result = expectOk(patchPlaceholders(staging, { ...warm, cpu: 3.92 - 0.443 }));
    expect(result.text).toContain('cpu: 3.477\n');
  });

  test('reads a complete existing configuration, including millicore CPU strings', () => {
    const source = 'jupyterhub:\n  scheduling:\n    userPlaceholder:\n      enabled: true\n      replicas: 3\n      resources:\n        requests:\n          cpu: 500m\n          memory: 1Gi\n  prePuller:\n    continuous:\n      enabled: false\n';
    expect(readPlaceholders(source)).toMatchObject({ ok: true, sizing: { enabled: true, replicas: 3, cpu: 0.5, memoryBytes: GiB, prePuller: false } });
    expect(expectOk(patchPlaceholders(source, warm)).before).toEqual({ enabled: true, replicas: 3, cpu: 0.5, memoryBytes: GiB, prePuller: false });
  });

  test('an empty file, a file without a final newline and an empty `jupyterhub:` all work', () => {
    for (const source of ['', 'nfs:\n  enabled: true', 'jupyterhub:\nnfs:\n  enabled: true\n']) {
      const result = expectOk(patchPlaceholders(source, warm));
      expect(parse(result.text).jupyterhub.scheduling.userPlaceholder.replicas).toBe(5);
      expect(expectOk(restorePlaceholders(result.text, result.snapshot)).text).toBe(source);
    }
  });
});

describe('restorePlaceholders', () => {
  test.each([['staging', staging], ['prod', prod]])('%s: the snapshot gives back the original bytes', (_, source) => {
    const patched = expectOk(patchPlaceholders(source, warm));
    const restored = expectOk(restorePlaceholders(patched.text, patched.snapshot));
    expect(restored.text).toBe(source);
    expect(restored.before).toEqual(warm);
  });

  test('null removes all five keys and the maps they leave empty', () => {
    const patched = expectOk(patchPlaceholders(prod, warm));
    const restored = expectOk(restorePlaceholders(patched.text, null));
    const data = parse(restored.text);
    expect(data.jupyterhub.scheduling).toEqual({ userScheduler: { enabled: true } });
    expect(data.jupyterhub.prePuller).toEqual({ hook: { enabled: false } });
    // The trailing comment of the removed replicas line goes with it; every other comment stays.
    expect(comments(restored.text)).toEqual(comments(prod).filter((c) => c !== '# one per warm node'));
  });

  test('null on a file that had none of the keys gives back the original bytes', () => {
    const patched = expectOk(patchPlaceholders(staging, warm));
    expect(expectOk(restorePlaceholders(patched.text, null)).text).toBe(staging);
  });

  test('a PlaceholderSizing is written like a patch', () => {
    const patched = expectOk(patchPlaceholders(staging, warm));
    const cold: PlaceholderSizing = { enabled: false, replicas: 0, cpu: 0.5, memoryBytes: 512 * 2 ** 20, prePuller: false };
    const restored = expectOk(restorePlaceholders(patched.text, cold));
    expect(readPlaceholders(restored.text)).toMatchObject({ ok: true, sizing: cold });
    expect(restored.text).toContain('memory: 512Mi');
  });
});

describe('helm values errors', () => {
  test('YAML that does not parse', () => {
    expectError(patchPlaceholders('jupyterhub:\n  a: 1\n  a: 2\n', warm), 'helm values file does not parse', 'unique');
    expectError(patchPlaceholders('jupyterhub: [\n', warm), 'does not parse');
  });

  test('a managed path blocked by a non-map', () => {
    expectError(patchPlaceholders('jupyterhub:\n  scheduling: off\n', warm), 'jupyterhub.scheduling is not a map', 'by hand');
    expectError(patchPlaceholders('jupyterhub:\n  prePuller: { continuous: { enabled: false } }\n', warm), 'inline {…} map');
    expectError(patchPlaceholders('- a\n- b\n', warm), 'top level is not a map');
  });

  test('an existing value of the wrong type', () => {
    expectError(readPlaceholders('jupyterhub:\n  scheduling:\n    userPlaceholder:\n      replicas: many\n'), 'replicas is `many`');
  });

  test.each([
    [{ replicas: -1 }, 'replicas -1'],
    [{ replicas: 1.5 }, 'replicas 1.5'],
    [{ cpu: -0.5 }, 'cpu -0.5'],
    [{ cpu: Number.POSITIVE_INFINITY }, 'cpu Infinity'],
    [{ memoryBytes: -1 }, 'memoryBytes -1'],
    [{ memoryBytes: Number.NaN }, 'memoryBytes NaN'],
    [{ memoryBytes: 2 ** 60 }, 'between 0 and 64 TiB'],
    [{ enabled: 'yes' as unknown as boolean }, 'true or false'],
  ])('invalid sizing %j', (change, message) => {
    expectError(patchPlaceholders(staging, { ...warm, ...change }), message, 'helm values file');
  });

  test('a tampered snapshot is refused before anything is written', () => {
    const snapshot = (values: Partial<PlaceholderSnapshot['values']>, maps: string[] = []): PlaceholderSnapshot => ({
      values: { enabled: null, replicas: null, cpu: null, memory: null, prePuller: null, ...values },
      maps,
    });
    expectError(restorePlaceholders(staging, snapshot({ replicas: '1\nhub: {}' })), 'recorded replicas value');
    expectError(restorePlaceholders(staging, snapshot({ replicas: '1 # hi' })), 'recorded replicas value');
    expectError(restorePlaceholders(staging, snapshot({ memory: 'lots' })), 'recorded memory value');
    expectError(restorePlaceholders(staging, snapshot({}, ['jupyterhub.hub'])), 'recorded maps');
  });
});

describe('event values: pod priority and per-user resources', () => {
  const example = fixture('../../../examples/infra-repo/config/clusters/demo-cluster/workshop.values.yaml');
  const event: PlaceholderSizing = { ...warm, podPriority: true, perUser: { cpu: 0.5, memoryBytes: 4 * GiB } };

  test('placeholders on → podPriority.enabled: true right under scheduling; guarantee = limit at the planned values', () => {
    const result = expectOk(patchPlaceholders(example, event));
    const data = parse(result.text).jupyterhub;
    expect(data.scheduling.podPriority).toEqual({ enabled: true });
    expect(result.text).toContain('  scheduling:\n    podPriority:\n      enabled: true\n    userPlaceholder:');
    // The guarantees already mean the plan's values and stay as written; the limits come down to them.
    expect(data.singleuser.memory).toEqual({ guarantee: '4G', limit: '4G' });
    expect(data.singleuser.cpu).toEqual({ guarantee: 0.5, limit: 0.5 });
    expect(changedLines(example, result.text).removed).toEqual(['limit: 2', 'limit: 8G']);
    expect(result.snapshot.values).toMatchObject({ podPriority: null, memoryGuarantee: '4G', memoryLimit: '8G', cpuGuarantee: '0.5', cpuLimit: '2' });
  });

  test('the scale-down restores the hub\'s own guarantee and limit, byte for byte, also through JSON (as the marker keeps it)', () => {
    for (const source of [example, staging, prod]) {
      const patched = expectOk(patchPlaceholders(source, event));
      expect(patched.changed).toBe(true);
      const recorded = JSON.parse(JSON.stringify(patched.snapshot)) as PlaceholderSnapshot;
      expect(expectOk(restorePlaceholders(patched.text, recorded)).text).toBe(source);
    }
  });

  test('pod priority already on is left as written; off is switched on', () => {
    const on = 'jupyterhub:\n  scheduling:\n    podPriority:\n      enabled: yes\n';
    expectError(patchPlaceholders(on, event), 'podPriority.enabled is `yes`'); // YAML 1.2: a string, not a switch
    const already = 'jupyterhub:\n  scheduling:\n    podPriority:\n      enabled: true # set by the platform team\n';
    expect(expectOk(patchPlaceholders(already, event)).text).toContain('enabled: true # set by the platform team');
    const off = 'jupyterhub:\n  scheduling:\n    podPriority:\n      enabled: false\n';
    const switched = expectOk(patchPlaceholders(off, event));
    expect(parse(switched.text).jupyterhub.scheduling.podPriority.enabled).toBe(true);
    expect(expectOk(restorePlaceholders(switched.text, switched.snapshot)).text).toBe(off);
  });

  test('without podPriority or perUser in the request those keys are not touched', () => {
    const result = expectOk(patchPlaceholders(example, warm));
    expect(parse(result.text).jupyterhub.scheduling.podPriority).toBeUndefined();
    expect(parse(result.text).jupyterhub.singleuser.memory).toEqual({ guarantee: '4G', limit: '8G' });
  });

  test.each([
    [4 * GiB, '4G'],
    [1.5 * GiB, '1536M'],
    [4e9, '3906250K'],
    [4e9 + 1, '4000000001'],
  ])('memory of %d bytes is written %s, which KubeSpawner reads back as exactly those bytes', (bytes, written) => {
    const result = expectOk(patchPlaceholders(staging, { ...event, perUser: { cpu: 1, memoryBytes: bytes } }));
    expect(parse(result.text).jupyterhub.singleuser.memory).toEqual({ guarantee: /^\d+$/.test(written) ? Number(written) : written, limit: /^\d+$/.test(written) ? Number(written) : written });
  });

  test('a per-user memory KubeSpawner cannot read (Kubernetes `Gi`) is reported, not silently rewritten', () => {
    const k8sStyle = 'jupyterhub:\n  singleuser:\n    memory:\n      guarantee: 4Gi\n';
    expectError(patchPlaceholders(k8sStyle, event), 'singleuser.memory.guarantee is `4Gi`', 'by hand');
  });

  test('a record made before pod priority and per-user values were managed leaves them as they are', () => {
    const patched = expectOk(patchPlaceholders(example, event));
    const { podPriority, memoryGuarantee, memoryLimit, cpuGuarantee, cpuLimit, ...older } = patched.snapshot.values;
    const restored = expectOk(restorePlaceholders(patched.text, { values: older, maps: patched.snapshot.maps }));
    expect(parse(restored.text).jupyterhub.scheduling).toEqual({ podPriority: { enabled: true } });
    expect(parse(restored.text).jupyterhub.singleuser.memory).toEqual({ guarantee: '4G', limit: '4G' });
    expect([podPriority, memoryGuarantee, memoryLimit, cpuGuarantee, cpuLimit]).toEqual([null, '4G', '8G', '0.5', '2']);
  });

  test('restoring with no record removes the placeholder keys but never the hub\'s per-user resources', () => {
    const patched = expectOk(patchPlaceholders(example, event));
    const restored = expectOk(restorePlaceholders(patched.text, null));
    const data = parse(restored.text).jupyterhub;
    expect(data.scheduling).toEqual({ podPriority: { enabled: true } });
    expect(data.singleuser.cpu).toEqual({ guarantee: 0.5, limit: 0.5 });
  });

  test.each([
    [{ cpu: 0, memoryBytes: GiB }, 'cpu 0'],
    [{ cpu: Number.NaN, memoryBytes: GiB }, 'cpu NaN'],
    [{ cpu: 1, memoryBytes: 1000 }, 'memory 1000 bytes'],
    [{ cpu: 1, memoryBytes: 2 ** 50 }, 'between 1 MiB and 64 TiB'],
  ])('invalid per-user resources %j are refused before anything is written', (perUser, message) => {
    expectError(patchPlaceholders(example, { ...event, perUser }), message, 'per-user resources');
  });
});
