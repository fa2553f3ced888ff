/** Shared helpers for the infra patcher tests: fixtures and line-level diffs. */
import { readFileSync } from 'node:fs';
import { diffLines } from 'diff';
import { packageRoot } from '../../src/paths.js';

/** Reads a file under test/fixtures/infra/. */
export function fixture(name: string): string {
  return readFileSync(`${packageRoot}/test/fixtures/infra/${name}`, 'utf8');
}

/** Reads a file under examples/infra-repo/. */
export function example(path: string): string {
  return readFileSync(`${packageRoot}/examples/infra-repo/${path}`, 'utf8');
}

/** The lines removed and added between two texts, trimmed, so tests can say exactly what changed. */
export function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const removed: string[] = [];
  const added: string[] = [];
  for (const part of diffLines(before, after)) {
    const lines = part.value.split('\n').filter((line, i, all) => i < all.length - 1 || line !== '');
    if (part.removed) removed.push(...lines.map((l) => l.trim()));
    if (part.added) added.push(...lines.map((l) => l.trim()));
  }
  return { removed, added };
}
