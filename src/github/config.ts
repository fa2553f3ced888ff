import type { ProbotOctokit } from 'probot';
import { validateConfig } from '../config/schema.js';
import type { ConfigLoad } from '../pipeline/reconcile.js';
import { readFormDefinition } from '../workshop/form.js';
import type { TtlCache } from './cache.js';

export const CONFIG_FILE = 'workshop-readiness.yml';

/** Reads a YAML file under `.github/`: null when absent from the repository and the organisation. */
export type ConfigReader = (fileName: string) => Promise<unknown>;

/** The config plugin's read for any repository of the installation (what `context.config` does for the event's). */
export function configReader(octokit: InstanceType<typeof ProbotOctokit>, owner: string, repo: string): ConfigReader {
  return async (fileName) => {
    const { config, files } = await octokit.config.get({ owner, repo, path: `.github/${fileName}` });
    return files.some((file) => file.config !== null) ? config : null;
  };
}

/**
 * Loads `.github/workshop-readiness.yml` through Probot (repository first, then the organisation's
 * `.github` repository) and validates it. Never throws: unreadable YAML is an invalid config.
 */
export async function loadConfig(readConfig: ConfigReader): Promise<ConfigLoad> {
  let raw: unknown;
  try {
    raw = await readConfig(CONFIG_FILE);
  } catch (error) {
    const message = (error as Error).message.replace(/^\[@probot\/octokit-plugin-config\]\s*/, '').split('\n')[0] ?? 'unreadable';
    return { kind: 'invalid', problems: [{ path: '(file)', message: `could not read the file: ${message}` }] };
  }
  if (raw === null) return { kind: 'missing' };
  const result = validateConfig(raw);
  if (!result.ok) return { kind: 'invalid', problems: result.problems };
  const templatePath = result.config.form.template;
  if (!templatePath) return { kind: 'ok', config: result.config };
  try {
    const form = readFormDefinition(await readConfig(templatePath));
    if (!form.ok) return { kind: 'invalid', problems: [{ path: 'form.template', message: form.error }] };
    return { kind: 'ok', config: result.config, theirForm: form.fields };
  } catch (error) {
    return { kind: 'invalid', problems: [{ path: 'form.template', message: `could not read .github/${templatePath}: ${(error as Error).message.split('\n')[0]}` }] };
  }
}

/**
 * The config of a repository through a short-lived per-process cache: a burst or a redelivery does not
 * read it again, and after the TTL it is revalidated with its ETag (a free 304 when unchanged). A read
 * that failed is never kept, so a GitHub hiccup is not remembered as an invalid config.
 */
export function cachedConfig(cache: TtlCache<string, ConfigLoad>, repoKey: string, readConfig: ConfigReader): Promise<ConfigLoad> {
  const hit = cache.get(repoKey);
  if (hit) return Promise.resolve(hit);
  return loadConfig(readConfig).then((load) => {
    const unreadable = load.kind === 'invalid' && load.problems.some((p) => p.message.startsWith('could not read'));
    if (!unreadable) cache.set(repoKey, load);
    return load;
  });
}
