import { z } from 'zod';

/**
 * The hidden state marker the status comment carries: `<!-- workshop-readiness:state {json} -->`.
 * GitHub is the only store; this marker holds what cannot be re-derived from the issue (which plan
 * each command was bound to, the load-test record, the PRs). It is trusted only in comments the app
 * wrote itself; the caller checks authorship before decoding.
 */

const MARKER = /<!--\s*workshop-readiness:state\s+([\s\S]*?)\s*-->/;
const MARKERS = new RegExp(MARKER.source, 'g');

export const acknowledgedCommandSchema = z.object({
  /** The command lines as first seen: edited comments are not re-read. */
  lines: z.array(z.string()),
  /** Plan and request hashes the commands were bound to when first seen. */
  planHash: z.string().nullable(),
  requestHash: z.string().nullable(),
});
export type AcknowledgedCommand = z.infer<typeof acknowledgedCommandSchema>;

export const loadTestRecordSchema = z.object({
  runId: z.string(),
  planHash: z.string().nullable(),
  status: z.enum(['running', 'passed', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().nullable().default(null),
  summary: z.string(),
  fraction: z.number().default(1),
});
export type LoadTestRecord = z.infer<typeof loadTestRecordSchema>;

export const pullRequestRecordSchema = z.object({
  phase: z.enum(['ready', 'scale-down']),
  number: z.number().int(),
  url: z.string(),
  /** `restored`: no scale-down PR was needed, the files already held the values from before ready mode. */
  state: z.enum(['open', 'merged', 'closed', 'restored']),
  planHash: z.string().nullable(),
  /** Values the ready-mode PR replaced, restored by the scale-down PR. */
  before: z.record(z.string(), z.unknown()).default({}),
  /** Where and until when ready mode holds: the scale-down is built from these, never from a fresh plan. */
  cluster: z.string().optional(),
  pool: z.string().optional(),
  /** The ready-mode PR must be merged by then (the pre-warm lead before the first day). */
  mergeBy: z.string().optional(),
  /** When the event ends and the scale-down is due. */
  scaleDownAt: z.string().optional(),
});
export type PullRequestRecord = z.infer<typeof pullRequestRecordSchema>;

export const eventRecordSchema = z.object({
  planHash: z.string(),
  /** Start of the first day's ready-mode window (day start − lead): from then on the plan is frozen. */
  start: z.string(),
  /** End of the last day: the event is over and the scale-down is due. */
  end: z.string(),
  /** Warm nodes the approved plan put in place: what the pre-flight expects to find. */
  warmNodes: z.number().int().nonnegative().optional(),
});
export type EventRecord = z.infer<typeof eventRecordSchema>;

export const nodeFiguresSchema = z.object({
  cluster: z.string(),
  pool: z.string(),
  allocatableCpu: z.number(),
  allocatableMemory: z.number(),
  daemonsetCpu: z.number(),
  daemonsetMemory: z.number(),
  daemonsetPods: z.number(),
});
export type NodeFigures = z.infer<typeof nodeFiguresSchema>;

export const markerStateSchema = z.object({
  v: z.literal(1),
  stage: z.string().nullable().default(null),
  planHash: z.string().nullable().default(null),
  requestHash: z.string().nullable().default(null),
  /** Material request fields as last seen, to say what changed when approvals lapse. */
  material: z.record(z.string(), z.string()).nullable().default(null),
  commands: z.record(z.string(), acknowledgedCommandSchema).default({}),
  loadTest: loadTestRecordSchema.nullable().default(null),
  pullRequests: z.array(pullRequestRecordSchema).default([]),
  /** Keys of one-time notices already posted (reminders, closing summary). */
  notices: z.array(z.string()).default([]),
  /** The approved plan the event runs on, frozen once its pre-warm lead begins (see workshop/lifecycle.ts). */
  event: eventRecordSchema.nullable().default(null),
  /**
   * The node figures last read from the pool's cluster: when the cluster cannot be reached for a while,
   * the plan keeps them instead of falling back to formulas, so a blip does not change the plan (and
   * lapse its approval).
   */
  nodeFigures: nodeFiguresSchema.nullable().default(null),
});
export type MarkerState = z.infer<typeof markerStateSchema>;

export const EMPTY_STATE: MarkerState = markerStateSchema.parse({ v: 1 });

/**
 * Reads the marker from a comment body; null when absent or not ours in shape. The app writes its
 * marker last, so the last one is read: text quoted above it can never stand in for it.
 */
export function decodeMarker(body: string): MarkerState | null {
  const match = [...body.matchAll(MARKERS)].at(-1);
  if (!match?.[1]) return null;
  try {
    const parsed = markerStateSchema.safeParse(JSON.parse(match[1]));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * JSON for a hidden HTML comment: `<`, `>` and `@` are written as \\u escapes (still valid JSON), so no
 * value can close the comment, open a tag, or mention anyone.
 */
export function hiddenJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/@/g, '\\u0040');
}

/** The marker comment for a state. */
export function encodeMarker(state: MarkerState): string {
  return `<!-- workshop-readiness:state ${hiddenJson(state)} -->`;
}

/** True when a body carries a marker of any shape: used to spot spoofing attempts by others. */
export function hasMarker(body: string): boolean {
  return MARKER.test(body);
}

/** The hidden line that ties one of the app's replies to the command comment it answers. */
export function replyMarker(commentId: number): string {
  return `<!-- workshop-readiness:reply-to ${commentId} -->`;
}

/** The comment id a reply answers, when the body is one of the app's replies. */
export function repliedTo(body: string): number | null {
  const match = /<!-- workshop-readiness:reply-to (\d+) -->/.exec(body);
  return match ? Number(match[1]) : null;
}
