import type { CommentSnapshot, IssuePort, Logger, Reaction } from './ports.js';
import { isStatusCommentBody, repliedTo } from '../workshop/marker.js';
import { noticeKey } from '../workshop/notices.js';

/**
 * Sync by difference: compare the desired comment, labels, reactions and replies with what the issue
 * has and make only the calls needed. A redelivered event therefore costs zero writes.
 */

export interface Desired {
  commentBody: string;
  /** Full desired set of the app's managed labels (others on the issue are left alone). */
  labels: string[];
  managedLabels: string[];
  labelStyle: (name: string) => { color: string; description: string };
  reactions: Array<{ commentId: number; reaction: Reaction }>;
  replies: Array<{ commentId: number; body: string }>;
  /** One-time comments, each posted once (found again by its hidden key). */
  notices: Array<{ key: string; body: string }>;
}

export interface Actual {
  comments: CommentSnapshot[];
  labels: string[];
}

export type Write =
  | { kind: 'create-comment' }
  | { kind: 'update-comment'; id: number }
  | { kind: 'delete-comment'; id: number }
  | { kind: 'add-labels'; labels: string[] }
  | { kind: 'remove-label'; label: string }
  | { kind: 'reaction'; commentId: number; reaction: Reaction }
  | { kind: 'reply'; commentId: number }
  | { kind: 'notice'; key: string }
  | { kind: 'infra'; what: string };

/**
 * The app's status comments, oldest first: the first is kept, any others are duplicates from a race.
 * A status comment ends with its marker; a reply that quotes marker-like text is not one.
 */
export function statusComments(comments: CommentSnapshot[]): CommentSnapshot[] {
  return comments.filter((c) => c.byThisApp && isStatusCommentBody(c.body)).sort((a, b) => a.id - b.id);
}

/** Applies the difference; with `dryRun` every write is logged and none is made. Returns the writes. */
export async function syncIssue(port: IssuePort, actual: Actual, desired: Desired, options: { dryRun: boolean; log: Logger }): Promise<Write[]> {
  const writes: Write[] = [];
  const perform = async (write: Write, call: () => Promise<unknown>) => {
    writes.push(write);
    if (options.dryRun) options.log.info({ write }, 'DRY_RUN: write skipped');
    else await call();
  };

  // 👀 first: the command was seen. 👍/😕 after the comment and labels reflect it. A verdict given in
  // the same round says "seen" too, so 👀 is spared then (a command costs one reaction, not two).
  const done = desired.reactions.filter((r) => r.reaction !== 'eyes');
  const decided = new Set(done.map((r) => r.commentId));
  const seen = desired.reactions.filter((r) => r.reaction === 'eyes' && !decided.has(r.commentId));
  for (const r of seen) await perform({ kind: 'reaction', ...r }, () => port.addReaction(r.commentId, r.reaction));

  const [keep, ...duplicates] = statusComments(actual.comments);
  if (!keep) {
    await perform({ kind: 'create-comment' }, () => port.createComment(desired.commentBody));
  } else if (keep.body !== desired.commentBody) {
    await perform({ kind: 'update-comment', id: keep.id }, () => port.updateComment(keep.id, desired.commentBody));
  }
  for (const duplicate of duplicates) {
    await perform({ kind: 'delete-comment', id: duplicate.id }, () => port.deleteComment(duplicate.id));
  }

  const present = new Set(actual.labels);
  const toAdd = desired.labels.filter((l) => !present.has(l));
  if (toAdd.length) {
    await perform({ kind: 'add-labels', labels: toAdd }, () => port.addLabels(toAdd.map((name) => ({ name, ...desired.labelStyle(name) }))));
  }
  for (const label of desired.managedLabels) {
    if (present.has(label) && !desired.labels.includes(label)) {
      await perform({ kind: 'remove-label', label }, () => port.removeLabel(label));
    }
  }

  const answered = new Set(actual.comments.filter((c) => c.byThisApp).map((c) => repliedTo(c.body)));
  for (const reply of desired.replies) {
    if (answered.has(reply.commentId)) continue;
    await perform({ kind: 'reply', commentId: reply.commentId }, () => port.createComment(reply.body));
  }
  const posted = new Set(actual.comments.filter((c) => c.byThisApp).map((c) => noticeKey(c.body)));
  for (const notice of desired.notices) {
    if (posted.has(notice.key)) continue;
    await perform({ kind: 'notice', key: notice.key }, () => port.createComment(notice.body));
  }
  for (const r of done) await perform({ kind: 'reaction', ...r }, () => port.addReaction(r.commentId, r.reaction));
  return writes;
}
