import { replayCommands, type CommentInput, type ReplayInput } from '../../src/workshop/replay.js';
import { deriveReadiness } from '../../src/workshop/readiness.js';
import type { Plan } from '../../src/capacity/types.js';

let nextId = 1;
const comment = (author: string, body: string, extra: Partial<CommentInput> = {}): CommentInput => ({
  id: nextId++,
  author,
  authorIsBot: false,
  body,
  createdAt: `2027-02-0${Math.min(9, nextId)}T10:00:00Z`,
  edited: false,
  ...extra,
});

const base = (comments: CommentInput[], extra: Partial<ReplayInput> = {}): ReplayInput => ({
  comments,
  requester: 'requester',
  authorized: new Set(['alice', 'bob']),
  acknowledged: {},
  requestHash: 'req-1',
  ...extra,
});

const plan = { risks: [] } as unknown as Plan;
const stageOf = (input: ReplayInput, planHash = 'plan-1', changes: string[] = []) => {
  const replay = replayCommands(input, planHash);
  return { replay, readiness: deriveReadiness({ problems: [], plan, planHash, replay, automatedLoadTest: null, changes }) };
};

describe('replayCommands + deriveReadiness', () => {
  test('load test pass then approve by another engineer → go', () => {
    const { readiness } = stageOf(base([comment('alice', '/loadtest pass https://grafana/run'), comment('bob', '/approve')]));
    expect(readiness.stage).toBe('go');
    expect(readiness.approval?.by).toBe('bob');
  });

  test('order matters: approve then cancel leaves load-tested; cancel then approve is go', () => {
    const cancelled = stageOf(base([comment('alice', '/loadtest pass x'), comment('bob', '/approve'), comment('alice', '/approve cancel')]));
    expect(cancelled.readiness.stage).toBe('load-tested');
    const again = stageOf(base([comment('alice', '/loadtest pass x'), comment('bob', '/approve cancel'), comment('bob', '/approve')]));
    expect(again.readiness.stage).toBe('go');
  });

  test('approval without a load test stays modeled, and counts once the test passes', () => {
    expect(stageOf(base([comment('bob', '/approve')])).readiness.stage).toBe('modeled');
    expect(stageOf(base([comment('bob', '/approve'), comment('alice', '/loadtest pass x')])).readiness.stage).toBe('go');
  });

  test('a failed load test after a pass drops back to modeled', () => {
    expect(stageOf(base([comment('alice', '/loadtest pass x'), comment('alice', '/loadtest fail nodes slow')])).readiness.stage).toBe('modeled');
  });

  test('hold refuses approvals while active; unhold lets later ones count', () => {
    const held = stageOf(base([comment('alice', '/loadtest pass x'), comment('requester', '/hold dates may move'), comment('bob', '/approve')]));
    expect(held.readiness.stage).toBe('load-tested');
    expect(held.readiness.onHold).toEqual({ by: 'requester', reason: 'dates may move' });
    const refusal = held.replay.outcomes.find((o) => o.command.kind === 'approve');
    expect(refusal?.verdict).toEqual({ status: 'refused', reason: 'the request is on hold; /unhold first' });
    const resumed = stageOf(base([comment('alice', '/loadtest pass x'), comment('requester', '/hold'), comment('alice', '/unhold'), comment('bob', '/approve')]));
    expect(resumed.readiness.stage).toBe('go');
    expect(resumed.readiness.onHold).toBeNull();
  });

  test('the requester cannot approve their own workshop, even with write access', () => {
    const { replay, readiness } = stageOf(base([comment('alice', '/loadtest pass x'), comment('requester', '/approve')], { authorized: new Set(['alice', 'requester']) }));
    expect(readiness.stage).toBe('load-tested');
    expect(replay.outcomes[1]?.verdict).toMatchObject({ status: 'refused', reason: expect.stringContaining('cannot approve their own') });
  });

  test('users without write access are refused; bots are ignored entirely', () => {
    const { replay, readiness } = stageOf(base([comment('stranger', '/loadtest pass x'), comment('ci[bot]', '/approve', { authorIsBot: true })]));
    expect(readiness.stage).toBe('modeled');
    expect(replay.outcomes).toHaveLength(1);
    expect(replay.outcomes[0]?.verdict.status).toBe('refused');
  });

  test('an edited comment is not re-read: its commands are those first seen', () => {
    const edited = comment('bob', '/approve', { edited: true });
    expect(stageOf(base([comment('alice', '/loadtest pass x'), edited])).readiness.stage).toBe('load-tested');
    const acknowledged = { [String(edited.id)]: { lines: ['/hold'], planHash: 'plan-1', requestHash: 'req-1' } };
    const { readiness } = stageOf(base([edited], { acknowledged }));
    expect(readiness.onHold?.by).toBe('bob');
  });

  test('unknown forms are refused with a reason; unknown words are not commands at all', () => {
    const { replay } = stageOf(base([comment('alice', '/approve now please\n/frobnicate')]));
    expect(replay.outcomes).toHaveLength(1);
    expect(replay.outcomes[0]?.verdict.status).toBe('refused');
  });

  test('approval and result bound to an earlier plan lapse after a material edit, and say why', () => {
    const first = comment('alice', '/loadtest pass x');
    const second = comment('bob', '/approve');
    const acknowledged = {
      [String(first.id)]: { lines: ['/loadtest pass x'], planHash: 'plan-1', requestHash: 'req-1' },
      [String(second.id)]: { lines: ['/approve'], planHash: 'plan-1', requestHash: 'req-1' },
    };
    const { readiness } = stageOf(base([first, second], { acknowledged, requestHash: 'req-2' }), 'plan-2', ['attendees 60 → 90']);
    expect(readiness.stage).toBe('modeled');
    expect(readiness.lapsed).toEqual([
      'The approval by @bob was for an earlier plan and no longer counts because the request changed (attendees 60 → 90).',
      'The load-test result by @alice was for an earlier plan and no longer counts because the request changed (attendees 60 → 90).',
    ]);
  });

  test('assumptions apply, the latest per key wins, and lapse when the request changes', () => {
    const a = comment('alice', '/assume attendees=120');
    const b = comment('bob', '/assume attendees=150');
    const { replay } = stageOf(base([a, b]));
    expect(replay.assumptions.map((x) => x.value)).toEqual([150]);
    const acknowledged = { [String(a.id)]: { lines: ['/assume attendees=120'], planHash: null, requestHash: 'req-1' } };
    const later = stageOf(base([a], { acknowledged, requestHash: 'req-2' }));
    expect(later.replay.assumptions).toEqual([]);
    expect(later.readiness.lapsed[0]).toContain('attendees=120');
  });

  test('an assumption with a bad value is refused', () => {
    const { replay } = stageOf(base([comment('alice', '/assume memory=lots')]));
    expect(replay.outcomes[0]?.verdict).toMatchObject({ status: 'refused' });
  });

  test('blocking risks keep the stage at scoped; problems at needs-info', () => {
    const replay = replayCommands(base([comment('alice', '/loadtest pass x')]), 'p');
    const blocked = { risks: [{ code: 'exceeds-quota', severity: 'blocking', message: 'x' }] } as unknown as Plan;
    expect(deriveReadiness({ problems: [], plan: blocked, planHash: 'p', replay, automatedLoadTest: null, changes: [] }).stage).toBe('scoped');
    expect(deriveReadiness({ problems: [{ field: 'hub', message: 'x' }], plan: null, planHash: null, replay, automatedLoadTest: null, changes: [] }).stage).toBe('needs-info');
  });
});
