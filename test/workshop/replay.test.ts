import { NO_COMMANDS, replayCommands, type CommentInput, type ReplayInput } from '../../src/workshop/replay.js';
import { deriveReadiness, lapseStaleGrants } from '../../src/workshop/readiness.js';
import type { CommandState } from '../../src/workshop/marker.js';
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

/** The status comment has shown plan-1 since January: commands written after it are bound to plan-1. */
const shownPlan1: CommandState = { ...NO_COMMANDS, shown: [{ plan: 'plan-1', since: '2027-01-01T00:00:00Z' }] };

const base = (comments: CommentInput[], extra: Partial<ReplayInput> = {}): ReplayInput => ({
  comments,
  requester: 'requester',
  authorized: new Set(['alice', 'bob']),
  previous: shownPlan1,
  requestHash: 'req-1',
  ...extra,
});

const plan = { risks: [] } as unknown as Plan;
const stageOf = (input: ReplayInput, planHash = 'plan-1', changes: string[] = []) => {
  const replay = replayCommands(input);
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

  test.each([
    ['the requester lifts their own hold', 'requester', 'requester', true],
    ['an engineer lifts the requester\'s hold', 'requester', 'alice', true],
    ['an engineer lifts another engineer\'s hold', 'bob', 'alice', true],
    ['the requester cannot lift an engineer\'s hold', 'bob', 'requester', false],
    ['a stranger cannot lift the requester\'s hold', 'requester', 'stranger', false],
  ])('who may lift a hold: %s', (_name, holder, lifter, lifted) => {
    const { readiness, replay } = stageOf(base([comment(holder, '/hold'), comment(lifter, '/unhold')]));
    expect(readiness.onHold === null).toBe(lifted);
    expect(replay.outcomes[1]?.verdict.status).toBe(lifted ? 'accepted' : 'refused');
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

  test('finding 4: a comment edited before it was seen counts for nothing; one edited after is never read again', () => {
    const editedEarly = comment('bob', '/approve', { edited: true });
    expect(stageOf(base([comment('alice', '/loadtest pass x'), editedEarly])).readiness.stage).toBe('load-tested');

    const holdComment = comment('bob', '/hold');
    const first = replayCommands(base([holdComment]));
    expect(first.state.hold?.by).toBe('bob');
    const edited = { ...holdComment, body: '/unhold\n/approve', edited: true };
    const second = replayCommands(base([edited], { previous: first.state }));
    expect(second.outcomes).toEqual([]);
    expect(second.hold?.by).toBe('bob');
    expect(second.approval).toBeNull();
  });

  test('finding 4: a refused command stays refused after its author gains write access', () => {
    const attempt = comment('stranger', '/loadtest pass x\n/approve');
    const first = replayCommands(base([attempt]));
    expect(first.outcomes.map((o) => o.verdict.status)).toEqual(['refused', 'refused']);
    const later = stageOf(base([attempt], { previous: first.state, authorized: new Set(['alice', 'bob', 'stranger']) }));
    expect(later.replay.outcomes).toEqual([]);
    expect(later.readiness.stage).toBe('modeled');
    expect(later.replay.approval).toBeNull();
  });

  test('finding 4: an approval binds to the plan shown when it was written, not the plan when first processed', () => {
    const approve = comment('bob', '/approve', { createdAt: '2027-02-03T10:00:00Z' });
    const loadTest = comment('alice', '/loadtest pass x', { createdAt: '2027-02-03T10:00:00Z' });
    // The request changed (plan-2 shown from Feb 5) before the app first read the approval.
    const previous: CommandState = { ...NO_COMMANDS, shown: [{ plan: 'plan-1', since: '2027-01-01T00:00:00Z' }, { plan: 'plan-2', since: '2027-02-05T00:00:00Z' }] };
    const { replay, readiness } = stageOf(base([loadTest, approve], { previous }), 'plan-2');
    expect(replay.approval?.planHash).toBe('plan-1');
    expect(readiness.stage).toBe('modeled');
    expect(readiness.lapsed[0]).toContain('approval by bob was for an earlier plan');
  });

  test('finding 2: a grant that lapsed stays lapsed when the request is edited back to the old plan', () => {
    const first = replayCommands(base([comment('alice', '/loadtest pass x'), comment('bob', '/approve')]));
    const lapsed = lapseStaleGrants(first.state, null, ['plan-2']).commands; // the requester edited: plan-2
    expect(lapsed.approval?.lapsed).toBe(true);
    const back = stageOf(base([], { previous: lapsed }), 'plan-1'); // and edited back: plan-1 again
    expect(back.readiness.stage).toBe('modeled');
    expect(back.readiness.approval).toBeNull();
    expect(back.readiness.lapsed).toEqual([
      'The approval by bob was for an earlier plan and no longer counts.',
      'The load-test result by alice was for an earlier plan and no longer counts.',
    ]);
  });

  test('finding 2: without trusted state, earlier approvals and results are not re-applied and the comment says so', () => {
    const history = [comment('alice', '/loadtest pass x'), comment('bob', '/approve'), comment('bob', '/hold quota pending')];
    const { replay, readiness } = stageOf(base(history, { previous: null }));
    expect(readiness.stage).toBe('modeled');
    expect(replay.approval).toBeNull();
    expect(replay.outcomes).toEqual([]); // no reactions or replies for history
    expect(readiness.onHold).toEqual({ by: 'bob', reason: 'quota pending' }); // holds only restrict: kept
    expect(replay.state.unverified).toBe(2);
    expect(replay.state.handled).toBe(history[2]?.id);
    expect(readiness.lapsed.join(' ')).toContain('2 earlier commands were not applied');
  });

  test('an approval written when no plan was shown is refused', () => {
    const { replay } = stageOf(base([comment('bob', '/approve')], { previous: NO_COMMANDS }));
    expect(replay.outcomes[0]?.verdict).toMatchObject({ status: 'refused', reason: expect.stringContaining('no plan was shown') });
  });

  test('finding 3: at most 10 commands of one comment are read', () => {
    const { replay } = stageOf(base([comment('stranger', '/help\n'.repeat(10_900))]));
    expect(replay.outcomes).toHaveLength(10);
  });

  test('unknown forms are refused with a reason; unknown words are not commands at all', () => {
    const { replay } = stageOf(base([comment('alice', '/approve now please\n/frobnicate')]));
    expect(replay.outcomes).toHaveLength(1);
    expect(replay.outcomes[0]?.verdict.status).toBe('refused');
  });

  test('approval and result bound to an earlier plan lapse after a material edit, and say why', () => {
    const { readiness } = stageOf(base([comment('alice', '/loadtest pass x'), comment('bob', '/approve')], { requestHash: 'req-2' }), 'plan-2', ['attendees 60 → 90']);
    expect(readiness.stage).toBe('modeled');
    expect(readiness.lapsed).toEqual([
      'The approval by bob was for an earlier plan and no longer counts because the request changed (attendees 60 → 90).',
      'The load-test result by alice was for an earlier plan and no longer counts because the request changed (attendees 60 → 90).',
    ]);
  });

  test('assumptions apply, the latest per key wins, and lapse when the request changes', () => {
    const { replay } = stageOf(base([comment('alice', '/assume attendees=120'), comment('bob', '/assume attendees=150')]));
    expect(replay.assumptions.map((x) => x.value)).toEqual([150]);
    const later = stageOf(base([], { previous: replay.state, requestHash: 'req-2' }));
    expect(later.replay.assumptions).toEqual([]);
    expect(later.readiness.lapsed[0]).toContain('attendees=150');
  });

  test('an assumption with a bad value is refused', () => {
    const { replay } = stageOf(base([comment('alice', '/assume memory=lots')]));
    expect(replay.outcomes[0]?.verdict).toMatchObject({ status: 'refused' });
  });

  test('blocking risks keep the stage at scoped; problems at needs-info', () => {
    const replay = replayCommands(base([comment('alice', '/loadtest pass x')]));
    const blocked = { risks: [{ code: 'exceeds-quota', severity: 'blocking', message: 'x' }] } as unknown as Plan;
    expect(deriveReadiness({ problems: [], plan: blocked, planHash: 'plan-1', replay, automatedLoadTest: null, changes: [] }).stage).toBe('scoped');
    expect(deriveReadiness({ problems: [{ field: 'hub', message: 'x' }], plan: null, planHash: null, replay, automatedLoadTest: null, changes: [] }).stage).toBe('needs-info');
  });
});
