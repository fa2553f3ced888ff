/**
 * GCP terraform `.tfvars` in the 2i2c style: one top-level `notebook_nodes = { "<key>" : { min : 0, max : 100,
 * machine_type : …, gpu : { … } }, … }` map. The pool is the map entry whose key is `PoolLocator.key`.
 */
import type { Token } from './lexer.js';
import { patchPool, readPool, restorePool, type Located, type PoolFileSpec } from './pool-file.js';
import { parseObject } from './structure.js';
import type { InfraFormat, PoolLocator } from './types.js';

const LABEL = 'terraform .tfvars file';
const MAP = 'notebook_nodes';

const spec: PoolFileSpec = {
  label: LABEL,
  dialect: 'hcl',
  keys: { min: 'min', max: 'max' },
  describe: (pool) => `pool "${pool.key}"`,
  locate,
  style: {
    // 2i2c files list min and max first, so a missing one goes next to its partner or at the top.
    min: { after: [], before: ['max'], defaultSeparator: ' : ', commaAlways: false, indentUnit: '  ' },
    max: { after: ['min'], before: [], defaultSeparator: ' : ', commaAlways: false, indentUnit: '  ' },
  },
};

function locate(tokens: Token[], pool: PoolLocator): Located {
  const fail = (why: string): Located => ({ ok: false, error: `In the ${LABEL}, ${why}` });
  const starts = tokens
    .map((token, i) => ({ token, i }))
    .filter(({ token, i }) => token.depth === 0 && token.kind === 'word' && token.text === MAP && tokens[i + 1]?.text === '=');
  if (starts.length === 0) {
    return fail(`there is no top-level \`${MAP} = { … }\` map, so pool "${pool.key}" cannot be found. Check that the cluster's infra path points at the project's .tfvars file.`);
  }
  if (starts.length > 1) {
    return fail(`\`${MAP}\` is assigned ${starts.length} times, so it is unclear which one terraform uses. Keep one assignment.`);
  }
  const open = (starts[0] as { i: number }).i + 2;
  if (tokens[open]?.text !== '{') {
    return fail(`\`${MAP}\` is not written as a literal \`{ … }\` map, so the app cannot edit pool "${pool.key}". Change it by hand.`);
  }
  const map = parseObject(tokens, open, 'hcl');
  const matches = map.members.filter((m) => m.key === pool.key);
  if (matches.length > 1) {
    return fail(`pool "${pool.key}" appears ${matches.length} times in \`${MAP}\`. Keep one entry.`);
  }
  const member = matches[0];
  if (!member) {
    const keys = map.members.flatMap((m) => (m.key === null ? [] : [`"${m.key}"`]));
    return fail(`\`${MAP}\` has no pool "${pool.key}" (it has ${keys.join(', ') || 'no pools'}). Set the pool's infraKey in the cluster config to one of these, or add the pool to the file.`);
  }
  const value = tokens[member.valueFirstToken];
  if (value?.text !== '{' || value.match !== member.valueEndToken - 1) {
    return fail(`pool "${pool.key}" in \`${MAP}\` is not a literal \`{ … }\` block, so the app cannot edit it. Change it by hand.`);
  }
  return { ok: true, tokens, entry: parseObject(tokens, member.valueFirstToken, 'hcl') };
}

/** The `notebook_nodes` pools of a GCP terraform `.tfvars` file, edited in place. */
export const tfvarsFormat: InfraFormat = {
  name: 'tfvars',
  read: (text, pool) => readPool(spec, text, pool),
  patch: (text, pool, sizing) => patchPool(spec, text, pool, sizing),
  restore: (text, pool, before) => restorePool(spec, text, pool, before),
};

