import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { templatesDir } from '../paths.js';

const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * A compiled template from templates/. `noEscape` because the output is markdown, not HTML: every
 * value from outside is escaped by the view builders instead; `strict` so a missing field is a bug
 * caught by the tests rather than an empty string in a comment.
 */
export function template(name: string): Handlebars.TemplateDelegate {
  let compiled = cache.get(name);
  if (!compiled) {
    const source = readFileSync(path.join(templatesDir, name), 'utf8');
    compiled = Handlebars.compile(source, { noEscape: true, strict: true });
    cache.set(name, compiled);
  }
  return compiled;
}
