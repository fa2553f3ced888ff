/**
 * The infra patchers by config name, and the diff the PR body and the engineer review show.
 */
import { createTwoFilesPatch } from 'diff';
import { eksctlJsonnetFormat } from './eksctl-jsonnet.js';
import { tfvarsFormat } from './tfvars.js';
import type { InfraFormat } from './types.js';

export { eksctlJsonnetFormat } from './eksctl-jsonnet.js';
export { tfvarsFormat } from './tfvars.js';
export { patchPlaceholders, readPlaceholders, restorePlaceholders } from './helm/values.js';
export type { PlaceholderPatchResult, PlaceholderRead, PlaceholderSnapshot } from './helm/values.js';
export type * from './types.js';

/** Every pool-file format, keyed like `infra.format` in the cluster config (`InfraFormatName`). */
export const infraFormats: Record<'tfvars' | 'eksctl-jsonnet', InfraFormat> = {
  tfvars: tfvarsFormat,
  'eksctl-jsonnet': eksctlJsonnetFormat,
};

/**
 * A git-style unified diff (`--- a/path`, `+++ b/path`, 3 lines of context) of one file, or '' when the two
 * texts are equal, so callers can skip files with nothing to show.
 */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 });
  // jsdiff opens with a line of '=' that git does not print.
  return patch.replace(/^=+\n/, '');
}
