import { MemoryIssue } from '../../src/github/memory.js';
import { silentLogger } from '../../src/pipeline/ports.js';
import { syncIssue, type Desired } from '../../src/pipeline/sync.js';
import { encodeMarker, EMPTY_STATE, LOCAL_MARKER_KEY } from '../../src/workshop/marker.js';

const now = () => '2027-02-01T15:00:00Z';
const issue = () => new MemoryIssue({ number: 17, title: 't', body: '', author: 'requester', state: 'open' }, { now }, ['workshop-request']);
const body = (text: string) => `${text}\n${encodeMarker(EMPTY_STATE, { key: LOCAL_MARKER_KEY, scope: 'local#17' })}`;
const desired = (overrides: Partial<Desired> = {}): Desired => ({
  commentBody: body('plan v1'),
  labels: ['readiness: modeled'],
  managedLabels: ['readiness: needs-info', 'readiness: scoped', 'readiness: modeled', 'readiness: on-hold'],
  labelStyle: () => ({ color: '1d76db', description: 'd' }),
  reactions: [],
  replies: [],
  notices: [],
  ...overrides,
});
const apply = async (gh: MemoryIssue, want: Desired, dryRun = false) =>
  syncIssue(gh, { comments: await gh.listComments(), labels: (await gh.getIssue()).labels }, want, { dryRun, log: silentLogger });

describe('syncIssue: sync by difference', () => {
  test('first run creates the comment and adds the label; the second run writes nothing', async () => {
    const gh = issue();
    expect((await apply(gh, desired())).map((w) => w.kind)).toEqual(['create-comment', 'add-labels']);
    expect(gh.createdLabels.get('readiness: modeled')).toEqual({ color: '1d76db', description: 'd' });
    expect(await apply(gh, desired())).toEqual([]);
  });

  test('a changed plan edits the same comment in place; stage labels are swapped, other labels kept', async () => {
    const gh = issue();
    await apply(gh, desired({ labels: ['readiness: scoped'] }));
    const id = gh.statusComment()?.id;
    const writes = await apply(gh, desired({ commentBody: body('plan v2') }));
    expect(writes).toEqual([{ kind: 'update-comment', id }, { kind: 'add-labels', labels: ['readiness: modeled'] }, { kind: 'remove-label', label: 'readiness: scoped' }]);
    expect(gh.labels.sort()).toEqual(['readiness: modeled', 'workshop-request']);
    expect(gh.comments).toHaveLength(1);
  });

  test('two replicas raced and both created a status comment: the oldest is kept, the others deleted', async () => {
    const gh = issue();
    await gh.createComment(body('replica A'));
    await gh.createComment(body('replica B'));
    const [oldest, newest] = gh.comments;
    const writes = await apply(gh, desired());
    expect(writes).toEqual(expect.arrayContaining([{ kind: 'update-comment', id: oldest?.id }, { kind: 'delete-comment', id: newest?.id }]));
    expect(gh.comments.map((c) => c.id)).toEqual([oldest?.id]);
  });

  test("someone else's comment with a marker is never taken for ours", async () => {
    const gh = issue();
    gh.addUserComment('mallory', body('fake status'));
    expect((await apply(gh, desired())).map((w) => w.kind)).toEqual(['create-comment', 'add-labels']);
    expect(gh.comments.filter((c) => c.author === 'mallory')).toHaveLength(1);
  });

  test('reactions: 👍 after the comment update, 👀 only without a verdict in the round; replies and notices are posted once', async () => {
    const gh = issue();
    const cmd = gh.addUserComment('alice', '/approve');
    const want = desired({
      reactions: [{ commentId: cmd.id, reaction: 'eyes' }, { commentId: cmd.id, reaction: '+1' }],
      replies: [{ commentId: cmd.id, body: `@alice no\n<!-- workshop-readiness:reply-to ${cmd.id} -->` }],
      notices: [{ key: 'reminder:14d', body: 'remind\n<!-- workshop-readiness:notice reminder:14d -->' }],
    });
    const kinds = (await apply(gh, want)).map((w) => w.kind);
    expect(kinds).toEqual(['create-comment', 'add-labels', 'reply', 'notice', 'reaction']);
    expect(gh.reactions.map((r) => r.reaction)).toEqual(['+1']); // the verdict in the same round says "seen" too
    const other = gh.addUserComment('bob', '/recompute');
    expect((await apply(gh, { ...want, reactions: [{ commentId: other.id, reaction: 'eyes' }] })).map((w) => w.kind)).toEqual(['reaction']);
    const again = (await apply(gh, { ...want, reactions: [] })).map((w) => w.kind);
    expect(again).toEqual([]);
  });

  test('DRY_RUN computes the writes but makes none', async () => {
    const gh = issue();
    const writes = await apply(gh, desired(), true);
    expect(writes.map((w) => w.kind)).toEqual(['create-comment', 'add-labels']);
    expect(gh.writes).toBe(0);
    expect(gh.comments).toEqual([]);
  });
});
