import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from '../config/schema.js';
import type { Clock } from '../pipeline/ports.js';
import type { ConfigLoad } from '../pipeline/reconcile.js';
import { readFormDefinition } from '../workshop/form.js';
import { UsageError } from './infra.js';

/**
 * Reads and validates a config file; UsageError with a one-line reason otherwise. The organisation's
 * issue form (for `form.fields` mapped by field id) comes from `formFile`, else from the config's
 * `form.template` when the config sits in a `.github/` folder that holds it; `warn` says when neither.
 */
export function readConfigFile(file: string, formFile?: string, warn: (line: string) => void = () => undefined): ConfigLoad & { kind: 'ok' } {
  const raw = parseYaml(readInput(file, 'config'));
  const result = validateConfig(raw);
  if (!result.ok) {
    throw new UsageError(`invalid config ${file}: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  const config = result.config;
  const beside = config.form.template ? path.join(path.dirname(file), config.form.template) : null;
  const template = formFile ?? (beside && existsSync(beside) ? beside : null);
  if (!template) {
    if (config.form.template) warn(`the config names form.template ${config.form.template}; pass --form <template.yml> so form.fields can use its field ids`);
    return { kind: 'ok', config };
  }
  let form: ReturnType<typeof readFormDefinition>;
  try {
    form = readFormDefinition(parseYaml(readInput(template, 'form template')));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`the form template ${template} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!form.ok) throw new UsageError(`the form template ${template} is not an issue form: ${form.error}`);
  return { kind: 'ok', config, theirForm: form.fields };
}

/** A text file's content, without a UTF-8 byte-order mark (editors on Windows add one). */
export function readInput(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * An issue body from a file. Refuses what cannot be one (empty, binary) with a message saying so,
 * instead of a list of "missing" fields; `warn` notes a body without the form's `### ` headings.
 */
export function readIssueBody(file: string, warn: (line: string) => void): string {
  const body = readInput(file, 'issue');
  const undecodable = body.match(/\uFFFD/g)?.length ?? 0;
  if (body.includes('\u0000') || undecodable > body.length / 100) {
    throw new UsageError(`the issue file ${file} looks binary, not like an issue body: save the issue's Markdown (on GitHub: Edit, copy the text) as a text file`);
  }
  if (body.trim() === '') throw new UsageError(`the issue file ${file} is empty: it should hold the issue's Markdown, with the form's "### Label" headings`);
  if (!/^#{1,6} \S/m.test(body)) warn(`${file} has no form headings ("### Label" lines); its fields are looked for in the free text`);
  return body;
}

export function fixedClock(now: string | undefined): Clock {
  if (now === undefined) return { now: () => new Date() };
  const instant = new Date(now);
  if (Number.isNaN(instant.getTime())) throw new UsageError(`--now "${now}" is not an ISO date-time (write it like 2027-02-01T12:00:00Z)`);
  return { now: () => instant };
}
