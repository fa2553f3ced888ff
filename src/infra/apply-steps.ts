/**
 * What to run after merging, per file format, for the PR body. Merging changes files only: terraform applies
 * node-pool sizes on `apply`, eksctl applies a node group's sizes only when it creates it (an existing group is
 * resized with `eksctl scale nodegroup`), and helm values reach the hub on its next deploy.
 *
 * Every name that reaches a command comes from the config; one that a shell or markdown would read specially
 * is not put in a command (shellWord), and the step says to run it by hand instead.
 */
import type { ClusterConfig, PoolConfig } from '../config/schema.js';
import { escapeCode, shellWord } from '../text/escape.js';

export interface ApplyStepsInput {
  phase: 'ready' | 'scale-down';
  clusterName: string;
  cluster: ClusterConfig;
  pool: PoolConfig;
  /** The hub the values file configures, when known (for the deploy command). */
  hubName: string | null;
  /** Paths the PR changes. */
  changed: string[];
}

/** Markdown: a numbered list of steps, each with its commands in a code block; [] when nothing changed. */
export function applySteps(input: ApplyStepsInput): string[] {
  const infra = input.cluster.infra;
  if (!infra) return [];
  const poolStep = input.changed.includes(infra.path) ? (infra.format === 'tfvars' ? terraformStep(infra.path) : eksctlStep(input, infra.path)) : null;
  const hubStep = infra.helmValuesPath && input.changed.includes(infra.helmValuesPath) ? helmStep(infra.helmValuesPath, input.hubName) : null;
  // Ready: nodes first, so the placeholders have somewhere to go. Scale-down: placeholders first, so nothing holds the nodes.
  const steps = (input.phase === 'ready' ? [poolStep, hubStep] : [hubStep, poolStep]).filter((s): s is string[] => s !== null);
  return steps.flatMap((lines, i) => [`${i + 1}. ${lines[0]}`, ...lines.slice(1).map((l) => (l === '' ? '' : `   ${l}`))]);
}

function terraformStep(path: string): string[] {
  const safe = shellWord(path);
  if (!safe) return [`Apply ${code(path)} with terraform by hand (its path cannot be shown safely in a command).`];
  // 2i2c-style layout: terraform/<cloud>/projects/<cluster>.tfvars, applied from terraform/<cloud>.
  const at = safe.lastIndexOf('/projects/');
  const dir = at >= 0 ? safe.slice(0, at) : dirname(safe);
  const varFile = at >= 0 ? safe.slice(at + 1) : safe.slice(dir === '.' ? 0 : dir.length + 1);
  return [
    'Apply the node pool with terraform (merging alone changes nothing in the cloud). The plan should show only this pool\'s `min`/`max`:',
    '```sh',
    `cd ${dir}`,
    '# with one workspace per cluster, select it first: terraform workspace select <cluster>',
    `terraform plan -var-file=${varFile}`,
    `terraform apply -var-file=${varFile}`,
    '```',
  ];
}

function eksctlStep(input: ApplyStepsInput, path: string): string[] {
  const file = shellWord(path);
  const cluster = shellWord(input.clusterName);
  const region = shellWord(input.cluster.region);
  const type = shellWord(input.pool.instanceType);
  const key = input.pool.infraKey ?? input.pool.instanceType;
  const prefix = key === input.pool.instanceType ? null : shellWord(key);
  if (!file || !cluster || !region || !type || (key !== input.pool.instanceType && !prefix)) {
    return [`Resize the node group of ${code(input.pool.instanceType)} with \`eksctl scale nodegroup\` by hand (a name in the config cannot be shown safely in a command).`];
  }
  const rendered = file.replace(/\.jsonnet$/, '') + '.eksctl.yaml';
  const select = prefix === null ? `.InstanceType == "${type}"` : `.InstanceType == "${type}" and (.Name | startswith("${prefix}"))`;
  return [
    'Resize the existing node group: eksctl applies a node group\'s sizes only when it creates the group, so merging does not resize it. Render the config, then scale the group to the sizes it now holds:',
    '```sh',
    `jsonnet ${file} > ${rendered}`,
    `NODEGROUP=$(eksctl get nodegroup --cluster ${cluster} --region ${region} -o json | jq -r '.[] | select(${select}) | .Name')`,
    `eksctl scale nodegroup --config-file=${rendered} --name="$NODEGROUP"`,
    '```',
  ];
}

function helmStep(path: string, hubName: string | null): string[] {
  const reach = `so the placeholders, pod priority and per-user resources in ${code(path)} reach it`;
  // 2i2c layout: config/clusters/<cluster>/…values.yaml, deployed per hub with their `deployer`.
  const cluster = /^config\/clusters\/([^/]+)\/[^/]+\.values\.yaml$/.exec(path)?.[1];
  const hub = hubName === null ? null : shellWord(hubName);
  if (cluster && shellWord(cluster) && hub) return [`Deploy the hub ${reach}:`, '```sh', `deployer deploy ${cluster} ${hub}`, '```'];
  return [`Deploy the hub with ${code(path)} among its values files (\`helm upgrade\` of the hub's release, or the tool that installs it), ${reach}.`];
}

function code(text: string): string {
  return `\`${escapeCode(text, 200)}\``;
}

function dirname(path: string): string {
  const at = path.lastIndexOf('/');
  return at > 0 ? path.slice(0, at) : '.';
}
