import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { templatesDir } from '../paths.js';
import { readFormTemplate, resolveFieldSources, type FormField, type FormReader } from './form.js';

let bundled: FormField[] | null = null;

/** The fields of the bundled issue form (templates/issue-form/workshop.yml), read once. */
export function bundledForm(): FormField[] {
  if (!bundled) {
    const result = readFormTemplate(readFileSync(path.join(templatesDir, 'issue-form', 'workshop.yml'), 'utf8'));
    if (!result.ok) throw new Error(`the bundled issue form is broken: ${result.error}`);
    bundled = result.fields;
  }
  return bundled;
}

/** Which body heading feeds each of our fields under this config (and the organisation's own form, when given). */
export function formReader(config: Pick<Config, 'form'>, theirForm: FormField[] = []): FormReader {
  return resolveFieldSources(bundledForm(), config.form.fields, theirForm);
}
