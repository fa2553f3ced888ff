import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { validateConfig, type Config } from '../../src/config/schema.js';

/** The bundled example config, validated (tests fail loudly if the example breaks). */
export function exampleConfig(): Config {
  const result = validateConfig(parse(readFileSync(new URL('../../examples/workshop-readiness.yml', import.meta.url), 'utf8')));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}
