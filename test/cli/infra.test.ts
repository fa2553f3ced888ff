import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import { MemoryIssue } from '../../src/github/memory.js';
import { MemoryInfraRepo } from '../../src/github/memory-infra.js';
import { silentLogger } from '../../src/pipeline/ports.js';
import { reconcile } from '../../src/pipeline/reconcile.js';
import { exampleConfig } from '../support/config.js';

/** `workshop-readiness infra`: the ready change on a cold checkout, the scale-down on the warm one, never silent. */

const examples = new URL('../../examples/', import.meta.url).pathname;
const CONFIG = path.join(examples, 'workshop-readiness.yml');
const ISSUE = path.join(examples, 'issues/workshop.md');
const TFVARS = 'terraform/gcp/projects/demo-cluster.tfvars';
const VALUES = 'config/clusters/demo-cluster/workshop.values.yaml';
const original = (file: string) => readFileSync(path.join(examples, 'infra-repo', file), 'utf8');

let dir: string;
let out: string;
let err: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'wr-infra-'));
  cpSync(path.join(examples, 'infra-repo'), path.join(dir, 'repo'), { recursive: true });
  out = '';
  err = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});
const repo = () => path.join(dir, 'repo');
const read = (file: string) => readFileSync(path.join(repo(), file), 'utf8');

/** The ready-mode PR's description as the app writes it (the real reconcile, in memory). */
async function readyPrBody(): Promise<string> {
  const now = '2027-02-01T15:00:00Z';
  const issue = new MemoryIssue({ number: 17, title: '[Workshop] x', body: readFileSync(ISSUE, 'utf8'), author: 'community-rep', state: 'open' }, { now: () => now, permissions: { bob: 'admin' } }, ['workshop-request']);
  const infra = new MemoryInfraRepo('example-org/infrastructure', path.join(examples, 'infra-repo'));
  const run = () => reconcile({ kind: 'ok', config: exampleConfig() }, { issues: issue, clock: { now: () => new Date(now) }, log: silentLogger, repo: 'example-org/infrastructure', infraRepo: async () => infra });
  await run(); // the status comment shows the plan; commands bind to the plan shown
  issue.addUserComment('bob', '/loadtest pass https://grafana.example.org/d/run-1\n/approve');
  await run();
  const body = infra.pulls[0]?.body;
  if (!body) throw new Error('no ready PR was opened');
  return body;
}

describe('infra --phase scale-down', () => {
  test('after the event, on the warm checkout, from the ready PR description: the exact bytes come back', async () => {
    expect(await main(['infra', '--config', CONFIG, '--issue', ISSUE, '--infra-dir', repo(), '--now', '2027-02-01T15:00:00Z', '--write'])).toBe(0);
    expect(out).toBe(`wrote ${TFVARS}, ${VALUES}\n`);
    expect(read(TFVARS)).not.toBe(original(TFVARS));
    // On the warm checkout the ready change has nothing left to do, and says so.
    out = '';
    expect(await main(['infra', '--config', CONFIG, '--issue', ISSUE, '--infra-dir', repo(), '--now', '2027-02-01T15:00:00Z', '--write'])).toBe(0);
    expect(out).toBe(`nothing written: nothing to change: ${repo()} already holds the ready-mode values\n`);
    const body = path.join(dir, 'ready-pr.md');
    writeFileSync(body, await readyPrBody());

    out = '';
    expect(await main(['infra', '--phase', 'scale-down', '--config', CONFIG, '--infra-dir', repo(), '--recorded', body])).toBe(0);
    expect(out).toContain(`--- a/${TFVARS}`);
    expect(out).toMatch(/^-.*min\s*:\s*5/m); // the plan's 5 warm nodes

    out = '';
    expect(await main(['infra', '--phase', 'scale-down', '--config', CONFIG, '--infra-dir', repo(), '--recorded', body, '--write'])).toBe(0);
    expect(out).toBe(`wrote ${TFVARS}, ${VALUES}\n`);
    expect(read(TFVARS)).toBe(original(TFVARS));
    expect(read(VALUES)).toBe(original(VALUES));

    // Nothing left to do is said, with and without --write.
    out = '';
    expect(await main(['infra', '--phase', 'scale-down', '--config', CONFIG, '--infra-dir', repo(), '--recorded', body])).toBe(0);
    expect(out).toMatch(/^nothing to restore: .* already holds the values recorded before ready mode \(user-n2-highmem-4 min 0\)\n$/);
    out = '';
    expect(await main(['infra', '--phase', 'scale-down', '--config', CONFIG, '--infra-dir', repo(), '--recorded', body, '--write'])).toBe(0);
    expect(out).toMatch(/^nothing written: nothing to restore/);
  });

  test('values named in a JSON file work the same way', async () => {
    await main(['infra', '--config', CONFIG, '--issue', ISSUE, '--infra-dir', repo(), '--now', '2027-02-01T15:00:00Z', '--write']);
    const marker = /<!-- workshop-readiness:pr (\{.*?\}) -->/.exec(await readyPrBody())?.[1] ?? '';
    const { cluster, pool, before } = JSON.parse(marker) as Record<string, unknown>;
    const json = path.join(dir, 'values.json');
    writeFileSync(json, JSON.stringify({ cluster, pool, before }));
    expect(await main(['infra', '--phase', 'scale-down', '--config', CONFIG, '--infra-dir', repo(), '--recorded', json, '--write'])).toBe(0);
    expect(read(TFVARS)).toBe(original(TFVARS));
  });

  test.each([
    ['no --recorded', [], /the scale-down restores the values recorded when ready mode was applied: give --recorded/],
    ['a file that is neither', ['--recorded', ISSUE], /holds neither a ready-mode PR description with the app's marker nor JSON/],
    ['JSON without the values', ['--recorded', 'JSON:{"cluster":"demo-cluster"}'], /does not say what ready mode replaced \(pool, before\)/],
    ['a cluster the config does not know', ['--recorded', 'JSON:{"cluster":"elsewhere","pool":"p","before":{"pool":{"min":0,"max":null}}}'], /the recorded cluster elsewhere or pool p is not in the config/],
  ])('%s → one clear line, exit 2, nothing written', async (_name, extra, message) => {
    const args = extra.map((a) => {
      if (!a.startsWith('JSON:')) return a;
      const file = path.join(dir, 'recorded.json');
      writeFileSync(file, a.slice(5));
      return file;
    });
    expect(await main(['infra', '--phase', 'scale-down', '--config', CONFIG, '--infra-dir', repo(), ...args, '--write'])).toBe(2);
    expect(err).toMatch(message);
    expect(out).toBe('');
    expect(read(TFVARS)).toBe(original(TFVARS));
  });
});
