/**
 * Narrow ports the reconcile pipeline talks through (like Prow plugins' small client interfaces).
 * The Probot adapter implements them over Octokit; the CLI and the demo use the in-memory one.
 */

export interface IssueSnapshot {
  number: number;
  title: string;
  body: string;
  author: string;
  state: 'open' | 'closed';
  labels: string[];
}

export interface CommentSnapshot {
  id: number;
  author: string;
  /** Any bot account, this app included. */
  authorIsBot: boolean;
  /** Written by this app: only these comments' markers are trusted. */
  byThisApp: boolean;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export type Reaction = 'eyes' | '+1' | 'confused';

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** Everything the pipeline does to one issue. */
export interface IssuePort {
  /** The issue as it is now (webhook payloads may be stale on redelivery). */
  getIssue(): Promise<IssueSnapshot>;
  listComments(): Promise<CommentSnapshot[]>;
  createComment(body: string): Promise<{ id: number }>;
  updateComment(id: number, body: string): Promise<void>;
  deleteComment(id: number): Promise<void>;
  /** Adds labels, creating any that do not exist with the given colour and description. */
  addLabels(labels: Array<{ name: string; color: string; description: string }>): Promise<void>;
  removeLabel(name: string): Promise<void>;
  addReaction(commentId: number, reaction: Reaction): Promise<void>;
  permissionOf(login: string): Promise<Permission>;
  /** `org/team-slug` membership (active). */
  isTeamMember(team: string, login: string): Promise<boolean>;
}

export interface Clock {
  now(): Date;
}

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
