import { z } from 'zod';
import type { Evaluation } from '../workshop/evaluate.js';
import type { Stage } from '../workshop/readiness.js';
import { scaleDownPending } from '../workshop/lifecycle.js';

/** One workshop as the dashboard and the other workshops' plans see it. */
export const workshopSummarySchema = z.object({
  number: z.number().int(),
  title: z.string(),
  stage: z.string(),
  onHold: z.boolean(),
  cluster: z.string().nullable(),
  pool: z.string().nullable(),
  instanceType: z.string().nullable(),
  nodes: z.number().nullable(),
  warmNodes: z.number().nullable(),
  start: z.string().nullable(),
  end: z.string().nullable(),
  windows: z.array(z.object({ start: z.string(), end: z.string() })),
  costUSD: z.number().nullable(),
  waitingOn: z.enum(['community', 'engineers', 'nobody']),
  next: z.string(),
});
export type WorkshopSummary = z.infer<typeof workshopSummarySchema>;

const NEXT: Record<Stage, string> = {
  'needs-info': 'the requester fixes the form',
  scoped: 'resolve the blocking risks',
  modeled: 'run a load test',
  'load-tested': 'review and /approve',
  go: 'merge the ready-mode PR',
};

/** The summary of one reconciled issue. */
export function summarise(number: number, title: string, evaluation: Evaluation): WorkshopSummary {
  const { plan, readiness, request } = evaluation;
  const ready = evaluation.state.pullRequests.find((r) => r.phase === 'ready');
  let waitingOn: WorkshopSummary['waitingOn'] = readiness.stage === 'needs-info' ? 'community' : 'engineers';
  let next = NEXT[readiness.stage];
  if (readiness.stage === 'go' && ready?.state === 'merged') {
    waitingOn = 'nobody';
    next = 'ready; scale down after the event';
  }
  if (evaluation.phase === 'after') {
    // After the event the only work left is undoing ready mode, then closing the issue.
    const pending = scaleDownPending(evaluation.state);
    waitingOn = pending ? 'engineers' : 'nobody';
    next = pending ? 'merge the scale-down PR' : 'done: close the issue';
  } else if (readiness.onHold) next = `on hold (${readiness.onHold.by})`;
  return {
    number,
    title,
    stage: readiness.stage,
    onHold: readiness.onHold !== null,
    cluster: plan?.cluster ?? null,
    pool: plan?.pool ?? null,
    instanceType: plan?.instanceType ?? null,
    nodes: plan?.nodes ?? null,
    warmNodes: plan?.readyMode.minNodes ?? null,
    start: request?.start ?? null,
    end: request?.end ?? null,
    windows: plan?.readyMode.windows ?? [],
    costUSD: plan?.cost.workshopUSD ?? null,
    waitingOn,
    next,
  };
}

