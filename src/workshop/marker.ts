import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ASSUMPTION_KEYS } from './commands.js';

/**
 * The hidden state marker the status comment carries, last in its body:
 * `<!-- workshop-readiness:state {json} <mac> -->`.
 *
 * GitHub is the only store; the marker holds what cannot be re-derived from the issue: the folded effect
 * of the commands handled so far (ids, verdicts, who, the plan each was given for — never the command
 * lines, which are never parsed again), the plans the comment has shown, the load-test record and the PRs.
 *
 * It is tamper-evident: an HMAC over the JSON and the issue it belongs to, with a key derived from the
 * app's secret. People with write access can edit the app's comment on GitHub; such an edit, a deleted
 * comment or a marker from another issue reads as "no state", which re-binds nothing.
 */

const OPENER = '<!-- workshop-readiness:state ';
const CLOSER = ' -->';

/** The key the marker is sealed with; derived from a secret the operator holds, passed in as data. */
export type MarkerKey = Buffer;

/** What a marker is sealed to: the key, and the issue (`owner/repo#n`) so a marker cannot move between issues. */
export interface MarkerSeal {
  key: MarkerKey;
  scope: string;
}

/** The key for markers, from the app's webhook secret (or private key): HKDF with a fixed label. */
export function deriveMarkerKey(secret: string): MarkerKey {
  if (!secret) throw new Error('The marker key needs a secret: set WEBHOOK_SECRET for the app.');
  return Buffer.from(hkdfSync('sha256', secret, 'workshop-readiness', 'status-comment marker v2', 32));
}

/**
 * The fixed key of the CLI, the demo and tests. It is public, so markers sealed with it prove nothing:
 * the server never uses it (it derives its own from WEBHOOK_SECRET).
 */
export const LOCAL_MARKER_KEY: MarkerKey = deriveMarkerKey('workshop-readiness local key (not secret)');

const login = z.string().max(100);
/** Longest material value kept in the marker (user text such as the image is clipped to it). */
export const MATERIAL_VALUE_MAX = 120;
const plainText = (max: number) => z.string().max(max);

/** A grant bound to the plan the person saw; `lapsed` once the plan changed, and it stays lapsed. */
export const bindingSchema = z.object({
  by: login,
  commentId: z.number().int(),
  at: z.string().max(40),
  /** The plan shown in the status comment when the command was written; null = none was shown. */
  planHash: z.string().max(64).nullable(),
  lapsed: z.boolean().default(false),
});
export type BindingRecord = z.infer<typeof bindingSchema>;

export const commandStateSchema = z.object({
  /** Highest comment id already handled: comments up to it are never read for commands again. */
  handled: z.number().int().nullable().default(null),
  hold: z
    .object({ by: login, commentId: z.number().int(), reason: plainText(200).nullable(), byEngineer: z.boolean() })
    .nullable()
    .default(null),
  approval: bindingSchema.nullable().default(null),
  /** Display text only (clipped evidence): never parsed as a command. */
  manualLoadTest: bindingSchema.extend({ passed: z.boolean(), evidence: plainText(300) }).nullable().default(null),
  assumptions: z
    .array(
      z.object({
        key: z.enum(ASSUMPTION_KEYS),
        value: z.union([z.number(), plainText(40)]),
        /** The value as written, clipped, for display only. */
        text: plainText(60),
        by: login,
        commentId: z.number().int(),
        requestHash: z.string().max(64).nullable(),
      }),
    )
    .max(ASSUMPTION_KEYS.length)
    .default([]),
  /** Plans the status comment has shown, oldest first, each with the time it first showed it. */
  shown: z.array(z.object({ plan: z.string().max(64).nullable(), since: z.string().max(40) })).max(8).default([]),
  /** Commands found when no trusted state was available: not applied, reported in the comment. */
  unverified: z.number().int().nonnegative().default(0),
});
export type CommandState = z.infer<typeof commandStateSchema>;

export const loadTestRecordSchema = z.object({
  runId: z.string(),
  planHash: z.string().nullable(),
  status: z.enum(['running', 'passed', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().nullable().default(null),
  summary: z.string(),
  fraction: z.number().default(1),
  /** The plan changed after this run: it no longer counts, even if the plan changes back. */
  lapsed: z.boolean().default(false),
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
  /** Read back from the app's own PR on GitHub after the marker was lost (not from this marker). */
  recovered: z.boolean().optional(),
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
  v: z.literal(2),
  stage: z.string().nullable().default(null),
  planHash: z.string().nullable().default(null),
  requestHash: z.string().nullable().default(null),
  /** Material request fields as last seen (clipped), to say what changed when approvals lapse. */
  material: z.record(z.string(), plainText(MATERIAL_VALUE_MAX)).nullable().default(null),
  commands: commandStateSchema.default(commandStateSchema.parse({})),
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
  /**
   * The marker was lost or failed verification once (deleted comment, edit, new secret): whether a ready
   * PR had been merged is then read back from GitHub when it matters, since no scale-down follows otherwise.
   */
  readyUnknown: z.boolean().default(false),
});
export type MarkerState = z.infer<typeof markerStateSchema>;

export const EMPTY_STATE: MarkerState = markerStateSchema.parse({ v: 2 });

/** Why no state was read: nothing to read, not readable, or not written by this app for this issue. */
export type MarkerRead = { ok: true; state: MarkerState } | { ok: false; reason: 'missing' | 'unreadable' | 'unverified' };

/**
 * Reads the marker of one of the app's status comments. Only the end of the body counts: the app writes
 * its marker last, so nothing quoted or escaped above it can stand in for it.
 */
export function readMarker(body: string, seal: MarkerSeal): MarkerRead {
  const found = markerAtEnd(body);
  if (!found) return { ok: false, reason: 'missing' };
  const space = found.lastIndexOf(' ');
  const json = found.slice(0, space);
  const mac = found.slice(space + 1);
  if (space < 0 || !/^[0-9a-f]{64}$/.test(mac)) return { ok: false, reason: 'unreadable' };
  const expected = Buffer.from(macOf(json, seal), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(mac, 'hex'))) return { ok: false, reason: 'unverified' };
  try {
    const parsed = markerStateSchema.safeParse(JSON.parse(json));
    return parsed.success ? { ok: true, state: parsed.data } : { ok: false, reason: 'unreadable' };
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
}

/** The state of a body, or null: for tests and tools that only want to look. */
export function decodeMarker(body: string, seal: MarkerSeal): MarkerState | null {
  const read = readMarker(body, seal);
  return read.ok ? read.state : null;
}

/** The text between the opener and the closer when the body ends with a marker; null otherwise. */
function markerAtEnd(body: string): string | null {
  const trimmed = body.trimEnd();
  if (!trimmed.endsWith(CLOSER)) return null;
  const start = trimmed.lastIndexOf(OPENER);
  if (start < 0) return null;
  const inner = trimmed.slice(start + OPENER.length, trimmed.length - CLOSER.length);
  // The marker must be the body's last HTML comment: the app's JSON never holds `--` (see hiddenJson).
  return inner.includes('--') ? null : inner;
}

/** True when a body ends with a state marker: how the app recognises its status comment among its own. */
export function isStatusCommentBody(body: string): boolean {
  return markerAtEnd(body) !== null;
}

/**
 * JSON for a hidden HTML comment: `<`, `>`, `@` and `-` are written as \\u escapes (still valid JSON), so
 * no value can close the comment, open a tag, or mention anyone.
 */
export function hiddenJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/@/g, '\\u0040')
    .replace(/--/g, '-\\u002d');
}

/** The sealed marker comment for a state; it must be the last thing in the body. */
export function encodeMarker(state: MarkerState, seal: MarkerSeal): string {
  const json = hiddenJson(state);
  return `${OPENER}${json} ${macOf(json, seal)}${CLOSER}`;
}

function macOf(json: string, seal: MarkerSeal): string {
  return createHmac('sha256', seal.key).update(`${seal.scope}\n${json}`).digest('hex');
}

/** The hidden line that ties one of the app's replies to the command comment it answers. */
export function replyMarker(commentId: number): string {
  return `<!-- workshop-readiness:reply-to ${commentId} -->`;
}

/** The comment id a reply answers, when the body is one of the app's replies (its marker is its last line). */
export function repliedTo(body: string): number | null {
  const match = /<!-- workshop-readiness:reply-to (\d{1,15}) -->\s*$/.exec(body);
  return match ? Number(match[1]) : null;
}
