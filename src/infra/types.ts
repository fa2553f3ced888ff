/**
 * One interface over every infra file format, like Renovate's managers: read what is there, change it,
 * return the new text. Patchers are pure: text in, text out, every other byte preserved.
 */

/** The node-pool values a ready-mode or scale-down change sets. */
export interface PoolSizing {
  /** Minimum node count (ready mode: planned warm nodes; scale-down: the previous value). */
  min: number;
  /** Maximum node count, or null to leave it unchanged. */
  max: number | null;
}

/** What a pool entry currently holds in the file. `null` = the key is absent (a default applies). */
export interface PoolValues {
  min: number | null;
  max: number | null;
}

/** Locates one pool in a file: the tfvars map key, or the jsonnet entry's instanceType + namePrefix. */
export interface PoolLocator {
  /** tfvars: the key of `notebook_nodes`; jsonnet: the entry's `namePrefix` (optional). */
  key: string;
  instanceType: string;
}

/** A patch or restore: the new text and what the entry held before, or one error sentence and no text. */
export type PatchResult =
  | { ok: true; text: string; before: PoolValues; changed: boolean }
  | { ok: false; error: string };

/** A pool-file format (Renovate-manager style): pure text in, text out, every other byte preserved. */
export interface InfraFormat {
  readonly name: string;
  /** Reads the pool's current values; an error string when not found, ambiguous or unparseable. */
  read(text: string, pool: PoolLocator): { ok: true; values: PoolValues } | { ok: false; error: string };
  /** Sets the pool's values; never returns partially edited text. */
  patch(text: string, pool: PoolLocator, sizing: PoolSizing): PatchResult;
  /**
   * Scale-down: puts back the values `patch` returned as `before`. A null removes the key (it was absent,
   * so the file's default applied), which undoes an insertion byte for byte; a number is written as is.
   */
  restore(text: string, pool: PoolLocator, before: PoolValues): PatchResult;
}

/** z2jh helm values for the event: user placeholders, the continuous pre-puller, pod priority, per-user resources. */
export interface PlaceholderSizing {
  enabled: boolean;
  replicas: number;
  /** CPU cores per placeholder, e.g. 3.5. */
  cpu: number;
  /** Memory per placeholder, bytes. */
  memoryBytes: number;
  prePuller: boolean;
  /**
   * True: make sure `scheduling.podPriority.enabled` is on. Without it z2jh gives placeholders and users the
   * same priority, so users queue behind placeholders instead of evicting them. Absent or false: left as is.
   */
  podPriority?: boolean;
  /**
   * Per-user resources for the event, written as both guarantee and limit (oversubscription 1): what the plan
   * sized each node for. Absent: the hub's `singleuser.cpu` and `singleuser.memory` are left as they are.
   */
  perUser?: { cpu: number; memoryBytes: number };
}
