import type { CommentSnapshot, IssuePort, IssueSnapshot, Permission, Reaction } from '../pipeline/ports.js';

/**
 * An in-memory issue for the CLI, the demo and tests of the pipeline: same port, no network. It keeps
 * what a real issue would (comments, labels, reactions) and counts every write.
 */
export class MemoryIssue implements IssuePort {
  comments: CommentSnapshot[] = [];
  labels: string[] = [];
  createdLabels = new Map<string, { color: string; description: string }>();
  reactions: Array<{ commentId: number; reaction: Reaction }> = [];
  writes = 0;
  private nextId = 1000;

  constructor(
    public issue: Omit<IssueSnapshot, 'labels'>,
    private readonly options: { now: () => string; permissions?: Record<string, Permission>; teams?: Record<string, string[]> },
    labels: string[] = [],
  ) {
    this.labels = [...labels];
  }

  async getIssue(): Promise<IssueSnapshot> {
    return { ...this.issue, labels: [...this.labels] };
  }

  /** A comment by someone else (a person, by default). */
  addUserComment(author: string, body: string, options: { bot?: boolean } = {}): CommentSnapshot {
    const at = this.options.now();
    const comment = { id: this.nextId++, author, authorIsBot: options.bot ?? false, byThisApp: false, body, createdAt: at, updatedAt: at };
    this.comments.push(comment);
    return comment;
  }

  async listComments() {
    return this.comments.map((c) => ({ ...c }));
  }
  async createComment(body: string) {
    this.writes++;
    const at = this.options.now();
    const comment = { id: this.nextId++, author: 'workshop-readiness[bot]', authorIsBot: true, byThisApp: true, body, createdAt: at, updatedAt: at };
    this.comments.push(comment);
    return { id: comment.id };
  }
  async updateComment(id: number, body: string) {
    this.writes++;
    const comment = this.comments.find((c) => c.id === id);
    if (!comment) throw Object.assign(new Error('Not Found'), { status: 404 });
    comment.body = body;
    comment.updatedAt = this.options.now();
  }
  async deleteComment(id: number) {
    this.writes++;
    this.comments = this.comments.filter((c) => c.id !== id);
  }
  async addLabels(labels: Array<{ name: string; color: string; description: string }>) {
    this.writes++;
    for (const label of labels) {
      if (!this.createdLabels.has(label.name)) this.createdLabels.set(label.name, { color: label.color, description: label.description });
      if (!this.labels.includes(label.name)) this.labels.push(label.name);
    }
  }
  async removeLabel(name: string) {
    this.writes++;
    this.labels = this.labels.filter((l) => l !== name);
  }
  async addReaction(commentId: number, reaction: Reaction) {
    this.writes++;
    this.reactions.push({ commentId, reaction });
  }
  async permissionOf(login: string): Promise<Permission> {
    return this.options.permissions?.[login] ?? 'read';
  }
  async isTeamMember(team: string, login: string) {
    return this.options.teams?.[team]?.includes(login) ?? false;
  }

  /** The app's status comment (the oldest with a marker). */
  statusComment(): CommentSnapshot | undefined {
    return this.comments.filter((c) => c.byThisApp && c.body.includes('workshop-readiness:state')).sort((a, b) => a.id - b.id)[0];
  }
}
