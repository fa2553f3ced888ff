import { parse } from 'yaml';
import { applySteps } from '../../src/infra/apply-steps.js';
import { computeInfraChange, type InfraBefore } from '../../src/infra/change.js';
import { exampleConfig } from '../support/config.js';
import { samplePlan } from '../support/plan.js';
import { example } from './support.js';

const config = exampleConfig();
const GiB = 2 ** 30;

function filesOf(clusterName: string): Record<string, string | null> {
  const infra = config.clusters[clusterName]?.infra;
  if (!infra) throw new Error(`no infra for ${clusterName}`);
  return Object.fromEntries([infra.path, infra.helmValuesPath].filter((p): p is string => !!p).map((p) => [p, example(p)]));
}

describe.each([
  ['demo-cluster', 'user-n2-highmem-4'],
  ['demo-aws', 'nb-r5-4xlarge'],
])('%s/%s: ready mode, then the scale-down from the recorded values only', (clusterName, poolName) => {
  const cluster = config.clusters[clusterName];
  const pool = cluster?.pools[poolName];
  if (!cluster || !pool) throw new Error('example config changed');
  const plan = samplePlan({ cluster: clusterName, pool: poolName, instanceType: pool.instanceType });

  test('gives back every file byte for byte, with the record passed through JSON as the marker keeps it', () => {
    const original = filesOf(clusterName);
    const ready = computeInfraChange({ phase: 'ready', cluster, pool, plan, files: original, recorded: null });
    if (!ready.ok) throw new Error(ready.error);
    expect(ready.files.length).toBeGreaterThan(0);
    const patched = { ...original, ...Object.fromEntries(ready.files.map((f) => [f.path, f.after])) };
    const recorded = JSON.parse(JSON.stringify(ready.before)) as InfraBefore;
    const down = computeInfraChange({ phase: 'scale-down', cluster, pool, plan, files: patched, recorded });
    if (!down.ok) throw new Error(down.error);
    for (const file of down.files) expect(file.after).toBe(original[file.path]);
    expect(down.files.map((f) => f.path).sort()).toEqual(ready.files.map((f) => f.path).sort());
  });
});

describe('the ready-mode change of the example hub', () => {
  const cluster = config.clusters['demo-cluster'];
  const pool = cluster?.pools['user-n2-highmem-4'];
  if (!cluster || !pool) throw new Error('example config changed');
  const plan = samplePlan();
  const ready = computeInfraChange({ phase: 'ready', cluster, pool, plan, files: filesOf('demo-cluster'), recorded: null });
  if (!ready.ok) throw new Error(ready.error);
  const values = ready.files.find((f) => f.path === cluster.infra?.helmValuesPath);

  test('turns pod priority on and sets guarantee = limit at the planned per-user values', () => {
    const data = parse(values?.after ?? '').jupyterhub;
    expect(data.scheduling.podPriority).toEqual({ enabled: true });
    expect(data.singleuser.memory).toEqual({ guarantee: '4G', limit: '4G' });
    expect(data.singleuser.cpu).toEqual({ guarantee: 0.5, limit: 0.5 });
  });

  test('records the hub\'s own per-user values and pod priority for the scale-down', () => {
    expect(ready.before.placeholders?.values).toMatchObject({ podPriority: null, memoryGuarantee: '4G', memoryLimit: '8G', cpuGuarantee: '0.5', cpuLimit: '2' });
  });

  test('says what changed in words, the hub\'s values shown as code', () => {
    expect(ready.summary).toEqual([
      'n2-highmem-4: min 0 → 4',
      'user placeholders: 4 whole-node pods; image pre-puller on',
      'pod priority on (`scheduling.podPriority.enabled: true`, was unset): arriving users evict the placeholders instead of queueing behind them',
      'per-user memory: guarantee `4G` (unchanged), limit `8G` → `4G`: guarantee = limit for the event, as the plan sized each node',
      'per-user CPU: guarantee `0.5` (unchanged), limit `2` → `0.5`: guarantee = limit for the event, as the plan sized each node',
    ]);
  });

  test('when the app follows the windows, the pool\'s min is left alone (only a too-low max is raised)', () => {
    const following = samplePlan({ readyMode: { ...plan.readyMode, followsWindows: true } });
    const change = computeInfraChange({ phase: 'ready', cluster, pool, plan: following, files: filesOf('demo-cluster'), recorded: null });
    if (!change.ok) throw new Error(change.error);
    expect(change.files.map((f) => f.path)).toEqual([cluster.infra?.helmValuesPath]);
    expect(change.summary[0]).toBe('n2-highmem-4: min stays 0 (the app scales the placeholders at each daily window and they bring the nodes)');
    const crowded = computeInfraChange({ phase: 'ready', cluster, pool, plan: { ...following, nodes: 30 }, files: filesOf('demo-cluster'), recorded: null });
    if (!crowded.ok) throw new Error(crowded.error);
    const tfvars = crowded.files.find((f) => f.path === cluster.infra?.path)?.after ?? '';
    expect(tfvars).toMatch(/"n2-highmem-4" : \{\n\s+min : 0,\n\s+max : 30,/);
    expect(crowded.summary[0]).toContain('min stays 0');
    expect(crowded.summary[0]).toContain('max 20 → 30');
  });

  test('a plan without placeholders leaves pod priority alone', () => {
    const cold = samplePlan({ readyMode: { ...plan.readyMode, minNodes: 0, placeholders: { replicas: 0, cpu: 0, memory: 0 } } });
    const change = computeInfraChange({ phase: 'ready', cluster, pool, plan: cold, files: filesOf('demo-cluster'), recorded: null });
    if (!change.ok) throw new Error(change.error);
    const after = change.files.find((f) => f.path === cluster.infra?.helmValuesPath)?.after ?? '';
    expect(parse(after).jupyterhub.scheduling.podPriority).toBeUndefined();
  });

  test('the hub\'s values are shown exactly as written, quotes included', () => {
    const files = filesOf('demo-cluster');
    const path = cluster.infra?.helmValuesPath as string;
    files[path] = (files[path] ?? '').replace('limit: 8G', 'limit: "8G"');
    const change = computeInfraChange({ phase: 'ready', cluster, pool, plan: samplePlan({ perUser: { ...plan.perUser, memoryGuaranteeBytes: 6 * GiB } }), files, recorded: null });
    if (!change.ok) throw new Error(change.error);
    expect(change.summary).toContain('per-user memory: guarantee `4G` → `6G`, limit `"8G"` → `"6G"`: guarantee = limit for the event, as the plan sized each node');
  });
});

describe('applySteps: what to run after merging, per format', () => {
  const gcp = config.clusters['demo-cluster'];
  const aws = config.clusters['demo-aws'];
  if (!gcp?.infra || !aws?.infra) throw new Error('example config changed');
  const gcpPool = gcp.pools['user-n2-highmem-4'];
  const awsPool = aws.pools['nb-r5-4xlarge'];
  if (!gcpPool || !awsPool) throw new Error('example config changed');
  const gcpInfra = gcp.infra;
  const awsInfra = aws.infra;
  const gcpFiles = [gcpInfra.path, gcpInfra.helmValuesPath as string];

  test('terraform: apply from the cloud directory with the project var file, then deploy the hub', () => {
    const steps = applySteps({ phase: 'ready', clusterName: 'demo-cluster', cluster: gcp, pool: gcpPool, hubName: 'workshops', changed: gcpFiles }).join('\n');
    expect(steps).toMatch(/^1\. Apply the node pool with terraform/);
    expect(steps).toContain('   cd terraform/gcp\n');
    expect(steps).toContain('   terraform apply -var-file=projects/demo-cluster.tfvars\n');
    expect(steps).toMatch(/\n2\. Deploy the hub[\s\S]*deployer deploy demo-cluster workshops/);
  });

  test('scale-down: the hub first (placeholders go), then the pool', () => {
    const steps = applySteps({ phase: 'scale-down', clusterName: 'demo-cluster', cluster: gcp, pool: gcpPool, hubName: 'workshops', changed: gcpFiles }).join('\n');
    expect(steps.indexOf('deployer deploy')).toBeLessThan(steps.indexOf('terraform apply'));
  });

  test('eksctl: merging does not resize the node group, so render and scale it', () => {
    const steps = applySteps({ phase: 'ready', clusterName: 'demo-aws', cluster: aws, pool: awsPool, hubName: null, changed: [awsInfra.path] }).join('\n');
    expect(steps).toContain('merging does not resize it');
    expect(steps).toContain('jsonnet eksctl/demo-aws.jsonnet > eksctl/demo-aws.eksctl.yaml');
    expect(steps).toContain(`eksctl get nodegroup --cluster demo-aws --region us-east-1 -o json | jq -r '.[] | select(.InstanceType == "r5.4xlarge" and (.Name | startswith("nb-prod"))) | .Name'`);
    expect(steps).toContain('eksctl scale nodegroup --config-file=eksctl/demo-aws.eksctl.yaml --name="$NODEGROUP"');
    expect(steps).not.toContain('deployer');
  });

  test('only the files the PR changes get a step', () => {
    expect(applySteps({ phase: 'ready', clusterName: 'demo-cluster', cluster: gcp, pool: gcpPool, hubName: 'workshops', changed: [gcpInfra.helmValuesPath as string] }).join('\n')).not.toContain('terraform');
    expect(applySteps({ phase: 'ready', clusterName: 'demo-cluster', cluster: gcp, pool: gcpPool, hubName: 'workshops', changed: [] })).toEqual([]);
  });

  test.each([
    ['a path with shell syntax', { ...gcp, infra: { ...gcpInfra, path: 'terraform/gcp/$(rm -rf ~).tfvars' } }, 'demo-cluster', 'by hand'],
    ['a cluster name with a backtick', aws, 'demo`aws', 'by hand'],
  ])('%s: no command is shown, the step says to do it by hand', (_, cluster, clusterName, words) => {
    const steps = applySteps({ phase: 'ready', clusterName, cluster, pool: cluster === aws ? awsPool : gcpPool, hubName: null, changed: [cluster.infra?.path as string] }).join('\n');
    expect(steps).toContain(words);
    expect(steps).not.toContain('```');
    expect(steps).not.toMatch(/^\s*(cd|terraform|eksctl|jsonnet)\b/m);
  });

  test('a hub deployed some other way gets the generic deploy step', () => {
    const other = { ...gcp, infra: { ...gcpInfra, helmValuesPath: 'helm/workshops/values.yaml' } };
    const steps = applySteps({ phase: 'ready', clusterName: 'demo-cluster', cluster: other, pool: gcpPool, hubName: 'workshops', changed: ['helm/workshops/values.yaml'] }).join('\n');
    expect(steps).toContain('`helm upgrade` of the hub\'s release');
    expect(steps).not.toContain('deployer');
  });
});
