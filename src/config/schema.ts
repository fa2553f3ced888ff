import { z } from 'zod';
import { parseConfigMemory } from './quantity.js';
import { strictObject, UNKNOWN_KEYS_SEPARATOR } from './strict.js';

/**
 * The app's configuration, read from `.github/workshop-readiness.yml` (repository first, then the
 * organisation's `.github` repository). Every key has a documented default so a minimal config only
 * names clusters and hubs. See examples/workshop-readiness.yml for a commented, complete example.
 */

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

/**
 * Bytes from a memory size written as KubeSpawner reads z2jh's `singleuser.memory`: `4G` = 4 GiB (K, M, G, T
 * are powers of 1024), `4Gi`, `4096M`, or a plain number of bytes. The same reading as the helm values the
 * ready-mode PR writes, so a hub default of `4G` stays `4G` there.
 */
export const byteQuantity = z.union([nonNegative, z.string()]).transform((value, ctx) => {
  const parsed = parseConfigMemory(value);
  if (parsed === null) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a memory size; write it like 4G (K, M, G and T are powers of 1024, as in KubeSpawner), 4Gi, 4096M or a number of bytes` });
    return z.NEVER;
  }
  return parsed;
});

export const providerSchema = z.enum(['gcp', 'aws', 'azure']);
export type Provider = z.infer<typeof providerSchema>;

export const infraFormatSchema = z.enum(['tfvars', 'eksctl-jsonnet']);
export type InfraFormatName = z.infer<typeof infraFormatSchema>;

const repositorySchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'write the repository as owner/name');

export const measuredNodeSchema = strictObject({
  allocatableCpu: positive,
  allocatableMemory: byteQuantity,
  daemonsetCpu: nonNegative.default(0),
  daemonsetMemory: byteQuantity.default(0),
  daemonsetPods: z.number().int().nonnegative().default(0),
});
export type MeasuredNode = z.infer<typeof measuredNodeSchema>;

/** A Kubernetes toleration as placeholder pods carry it. */
export const tolerationSchema = strictObject({ key: z.string(), operator: z.string().default('Equal'), value: z.string().optional(), effect: z.string() });
export type Toleration = z.infer<typeof tolerationSchema>;

export const poolSchema = strictObject({
  instanceType: z.string().min(1),
  maxNodes: z.number().int().positive(),
  /** The pool's key in the infra file: tfvars map key, or jsonnet namePrefix. Defaults to the instance type. */
  infraKey: z.string().min(1).optional(),
  /** Node labels that select this pool's nodes (besides node.kubernetes.io/instance-type). */
  nodeSelector: z.record(z.string(), z.string()).default({}),
  tolerations: z.array(tolerationSchema).default([]),
});
export type PoolConfig = z.infer<typeof poolSchema>;

export const homeStorageSchema = strictObject({
  type: z.enum(['filestore-basic-hdd', 'filestore-basic-ssd', 'efs-bursting', 'efs-elastic', 'ebs-nfs', 'azure-files', 'other']),
  /** Stored data in GiB; EFS bursting throughput scales with it. */
  sizeGiB: positive.optional(),
  /** Measured or provisioned aggregate throughput; overrides the type's default. */
  throughputMiBps: positive.optional(),
});
export type HomeStorage = z.infer<typeof homeStorageSchema>;

export const clusterSchema = strictObject({
  provider: providerSchema,
  region: z.string().min(1),
  /**
   * Quotas as the cloud names them: GCP `CPUS`, `N2_CPUS`, `IN_USE_ADDRESSES`, `SSD_TOTAL_GB`,
   * `NVIDIA_T4_GPUS`; AWS `L-1216C47A` (on-demand standard vCPU), `L-DB2E81BA` (G and VT vCPU).
   * Azure `standardESv5Family`, `cores`. Missing quota = not checked (the comment says so).
   */
  quotas: z.record(z.string(), nonNegative).default({}),
  pools: z.record(z.string(), poolSchema).refine((pools) => Object.keys(pools).length > 0, 'a cluster needs at least one pool'),
  infra: strictObject({
      /** Where the infra files live; defaults to config's `infraRepository`, then to the issue's repository. */
      repository: repositorySchema.optional(),
      path: z.string().min(1),
      format: infraFormatSchema,
      /** z2jh helm values file for the placeholders and the pre-puller (optional). */
      helmValuesPath: z.string().min(1).optional(),
    })
    .optional(),
  homeStorage: homeStorageSchema.optional(),
  /**
   * Which of the credentials the operator granted this repository to use (see docs/kubernetes.md):
   * a choice outside the operator's cluster access file is refused with a line in the comment.
   */
  kubernetes: strictObject({
      /** A kubeconfig file the operator put in KUBECONFIG_DIR and granted to this repository. */
      kubeconfig: z.string().optional(),
      context: z.string().optional(),
      inCluster: z.boolean().default(false),
      /** Defaults to the first namespace the operator granted. */
      namespace: z.string().optional(),
      priorityClassName: z.string().optional(),
    })
    .optional(),
});
export type ClusterConfig = z.infer<typeof clusterSchema>;

export const hubSchema = strictObject({
  url: z.string().url().optional(),
  /** Other names people use for this hub in issues. */
  aliases: z.array(z.string()).default([]),
  cluster: z.string().min(1),
  pool: z.string().min(1),
  defaults: strictObject({
    cpuGuarantee: positive,
    cpuLimit: positive.optional(),
    memoryGuarantee: byteQuantity,
    memoryLimit: byteQuantity.optional(),
    image: z.string().min(1).optional(),
    /** Uncompressed image size in GB; drives the pull time. */
    imageSizeGB: positive.default(3),
  }),
  homeStorage: homeStorageSchema.optional(),
  concurrentSpawnLimit: z.number().int().positive().default(64),
  /**
   * The hub's Kubernetes namespace (where z2jh runs). With cluster access (the cluster's `kubernetes`), the app
   * scales the hub's `user-placeholder` StatefulSet at each daily window's start and end, so ready mode holds
   * warm nodes in the windows only and the pool's min is left alone.
   */
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'write a Kubernetes namespace name (lower-case letters, digits and -)').optional(),
});
export type HubConfig = z.infer<typeof hubSchema>;

export const policySchema = strictObject({
  leadTimeDays: nonNegative.default(21),
  /** Extra capacity above the peak, as a fraction (0.2 = 20%). */
  headroom: nonNegative.max(2).default(0.2),
  minUsersPerNode: z.number().int().positive().default(3),
  maxUsersPerNode: z.number().int().positive().default(100),
  /** Minutes over which a day's attendees arrive (they press Start within this window). */
  arrivalWindowMinutes: positive.default(15),
  /** Minutes before each day's start at which ready mode must be in place. */
  readyModeLeadMinutes: nonNegative.default(60),
  /** At most this fraction of users may wait for a new node. */
  maxWaitingFraction: z.number().min(0).max(1).default(0.3),
  /** Image pull bandwidth per node, MB/s, when the image is not pre-pulled. */
  imagePullMBps: positive.default(30),
  /** Per-user read throughput below which shared storage is flagged, MiB/s. */
  minPerUserThroughputMiBps: positive.default(2),
  /** Minutes a load test may take for the planned seats to reach Running. */
  loadTestBudgetMinutes: positive.default(15),
  /** Who may approve besides users with write permission: `org/team-slug` entries. */
  approvers: strictObject({ teams: z.array(z.string()).default([]) }).default({ teams: [] }),
});
export type Policy = z.infer<typeof policySchema>;

export const labelNamesSchema = strictObject({
  workshop: z.string().default('workshop-request'),
  needsInfo: z.string().default('readiness: needs-info'),
  scoped: z.string().default('readiness: scoped'),
  modeled: z.string().default('readiness: modeled'),
  loadTested: z.string().default('readiness: load-tested'),
  go: z.string().default('readiness: go'),
  onHold: z.string().default('readiness: on-hold'),
  /** Added after the event once nothing is held for it (scale-down merged, or nothing to scale down). */
  done: z.string().default('readiness: done'),
});
export type LabelNames = z.infer<typeof labelNamesSchema>;

export const configSchema = strictObject({
    /** Repository holding the infra files (owner/name); defaults to the issue's repository. */
    infraRepository: repositorySchema.optional(),
    infraBaseBranch: z.string().default('main'),
    form: strictObject({
        /** Our field id → the id or label of the organisation's own form field. */
        fields: z.record(z.string(), z.string()).default({}),
        /**
         * The organisation's own issue form under `.github/` (e.g. `ISSUE_TEMPLATE/event.yml`), so that
         * `fields` may name its field ids; labels work without it.
         */
        template: z.string().regex(/^[\w./-]+\.ya?ml$/, 'give the form path under .github/, like ISSUE_TEMPLATE/event.yml').optional(),
        /** Title prefixes that mark an issue as a workshop request when the label is missing. */
        titlePrefixes: z.array(z.string()).default(['[Workshop]']),
      })
      .default({ fields: {}, titlePrefixes: ['[Workshop]'] }),
    clusters: z.record(z.string(), clusterSchema).refine((c) => Object.keys(c).length > 0, 'configure at least one cluster'),
    hubs: z.record(z.string(), hubSchema).refine((h) => Object.keys(h).length > 0, 'configure at least one hub'),
    policy: policySchema.default(policySchema.parse({})),
    labels: labelNamesSchema.default(labelNamesSchema.parse({})),
    /** Measured node figures per instance type; beat the formulas (live cluster values beat both). */
    instanceOverrides: z.record(z.string(), measuredNodeSchema).default({}),
  })
  .superRefine((config, ctx) => {
    for (const [hubName, hub] of Object.entries(config.hubs)) {
      const cluster = config.clusters[hub.cluster];
      if (!cluster) {
        ctx.addIssue({ code: 'custom', path: ['hubs', hubName, 'cluster'], message: `no cluster named "${hub.cluster}" under clusters` });
      } else if (!cluster.pools[hub.pool]) {
        ctx.addIssue({ code: 'custom', path: ['hubs', hubName, 'pool'], message: `cluster "${hub.cluster}" has no pool named "${hub.pool}"` });
      }
    }
  });
export type Config = z.infer<typeof configSchema>;

export interface ConfigProblem {
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

/** Validates raw (already YAML-parsed) config; never throws. */
export function validateConfig(raw: unknown): ConfigResult {
  if (raw === null || raw === undefined) {
    return { ok: false, problems: [{ path: '(file)', message: 'the config file is empty' }] };
  }
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: problemsOf(result.error.issues) };
}

const pathText = (path: readonly PropertyKey[]) => (path.length ? path.map(String).join('.') : '(top level)');

/**
 * One problem per zod issue, except: an unknown-keys issue becomes one problem per key, and a
 * missing key is not reported again when an unknown key next to it is its likely typo
 * (`memoryGaurantee:` says "did you mean `memoryGuarantee`?" rather than "memoryGuarantee is missing").
 */
function problemsOf(issues: z.core.$ZodIssue[]): ConfigProblem[] {
  const typoed = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const lines = issue.message.split(UNKNOWN_KEYS_SEPARATOR);
    issue.keys.forEach((key, index) => {
      problems.push({ path: pathText([...issue.path, key]), message: lines[index] ?? issue.message });
      const meant = /did you mean `([^`]+)`\?$/.exec(lines[index] ?? '')?.[1];
      if (meant) typoed.add(pathText([...issue.path, meant]));
    });
  }
  const others = issues
    .filter((issue) => issue.code !== 'unrecognized_keys')
    .filter((issue) => !((issue as { input?: unknown }).input === undefined && typoed.has(pathText(issue.path))))
    .map((issue) => ({ path: pathText(issue.path), message: issue.message }));
  return [...others, ...problems];
}
