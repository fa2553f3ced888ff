import { readFileSync } from 'node:fs';
import { MemoryIssue } from '../../src/github/memory.js';
import { silentLogger } from '../../src/pipeline/ports.js';
import { reconcile, type ReconcileDeps } from '../../src/pipeline/reconcile.js';
import { exampleConfig } from '../support/config.js';

const body = readFileSync(new URL('../../examples/issues/workshop.md', import.meta.url), 'utf8');
const configLoad = { kind: 'ok' as const, config: exampleConfig() };

/** An opened request whose status comment shows the plan: commands bind to the plan shown. */
async function setup() {
  const now = '2027-02-01T15:00:00Z';
  const issue = new MemoryIssue({ number: 17, title: '[Workshop] x', body, author: 'community-rep', state: 'open' }, { now: () => now, permissions: { alice: 'write' } }, ['workshop-request']);
  const deps = (extra: Partial<ReconcileDeps> = {}): ReconcileDeps => ({ issues: issue, clock: { now: () => new Date(now) }, log: silentLogger, hasCluster: () => true, newRunId: () => 'run-1', ...extra });
  await reconcile(configLoad, deps());
  return { issue, deps };
}

describe('the load test tests the plan as assumed', () => {
  // The example request: 80 attendees at 4 GiB and 0.5 CPU; headroom 20%.
  test.each([
    ['nothing assumed', [], { replicas: 96, memoryBytes: 4 * 1024 ** 3, cpu: 0.5 }],
    ['/assume attendees=90 memory=6GB (the parser reads GB as GiB, as it reads the form)', ['/assume attendees=90', '/assume memory=6GB'], { replicas: 108, memoryBytes: 6 * 1024 ** 3, cpu: 0.5 }],
    ['/assume cpu=2', ['/assume cpu=2'], { replicas: 96, memoryBytes: 4 * 1024 ** 3, cpu: 2 }],
  ])('%s → placeholder pods shaped like the planned seats', async (_what, assumptions, expected) => {
    const { issue, deps } = await setup();
    for (const line of assumptions) issue.addUserComment('alice', line);
    issue.addUserComment('alice', '/loadtest');
    const result = await reconcile(configLoad, deps());
    expect(result.loadTestToStart?.spec).toMatchObject(expected);
    // The run is bound to the plan it tests: the seats the plan counts with its headroom.
    expect(result.loadTestToStart?.spec.replicas).toBe(Math.ceil((result.evaluation?.plan?.attendees ?? 0) * 1.2));
  });

  test('/assume instance-type= is tested on that type, not the pool\'s usual one', async () => {
    const { issue, deps } = await setup();
    issue.addUserComment('alice', '/assume instance-type=n2-highmem-16');
    issue.addUserComment('alice', '/loadtest');
    const result = await reconcile(configLoad, deps());
    expect(result.loadTestToStart?.spec.pool.instanceType).toBe('n2-highmem-16');
  });

  test('the operator\'s refusal is the comment\'s line, escaped', async () => {
    const { issue, deps } = await setup();
    issue.addUserComment('alice', '/loadtest');
    await reconcile(configLoad, deps({ hasCluster: () => false, clusterAccessProblem: () => 'example-org/workshops has no cluster access granted (ask the app\'s operator) <b>@team</b>' }));
    const comment = issue.statusComment()?.body ?? '';
    expect(comment).toContain('has no Kubernetes access to cluster **demo-cluster** (example-org/workshops has no cluster access granted (ask the app\'s operator) &lt;b&gt;@\u200dteam&lt;/b&gt;)');
  });
});
