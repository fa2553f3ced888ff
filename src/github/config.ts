import type { Context } from 'probot';
import { validateConfig } from '../config/schema.js';
import type { ConfigLoad } from '../reconcile.js';
import { readFormDefinition } from '../workshop/form.js';

export const CONFIG_FILE = 'workshop-readiness.yml';

/**
 * Loads `.github/workshop-readiness.yml` through Probot (repository first, then the organisation's
 * `.github` repository) and validates it. Never throws: unreadable YAML is an invalid config.
 */
export async function loadConfig(context: Pick<Context, 'config'>): Promise<ConfigLoad> {
  let raw: unknown;
  try {
    raw = await context.config(CONFIG_FILE);
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
    const form = readFormDefinition(await context.config(templatePath));
    if (!form.ok) return { kind: 'invalid', problems: [{ path: 'form.template', message: form.error }] };
    return { kind: 'ok', config: result.config, theirForm: form.fields };
  } catch (error) {
    return { kind: 'invalid', problems: [{ path: 'form.template', message: `could not read .github/${templatePath}: ${(error as Error).message.split('\n')[0]}` }] };
  }
}
