/**
 * AWS eksctl jsonnet in the 2i2c style: `local notebookNodes = [ { instanceType: "r5.4xlarge", namePrefix:
 * "nb-prod", … }, … ];`, later merged over defaults (`ng + { minSize: 0, maxSize: 500, … } + n for n in
 * notebookNodes`). Because the entry is merged last, a `minSize:` written in the entry overrides the default,
 * so that is the only place we edit; the defaults are never touched.
 */
import type { Token } from './lexer.js';
import { patchPool, readPool, restorePool, type Located, type PoolFileSpec } from './pool-file.js';
import { findMember, parseArray, stringValue, type ObjectNode } from './structure.js';
import type { InfraFormat, PoolLocator } from './types.js';

const LABEL = 'eksctl jsonnet file';
const LIST = 'notebookNodes';

/** A locator names a namePrefix only when its key differs from the instance type (see PoolLocator). */
const wantedPrefix = (pool: PoolLocator): string | null =>
  pool.key === '' || pool.key === pool.instanceType ? null : pool.key;

const describe = (pool: PoolLocator): string => {
  const prefix = wantedPrefix(pool);
  return prefix === null ? `pool ${pool.instanceType}` : `pool ${pool.instanceType} (namePrefix "${prefix}")`;
};

const spec: PoolFileSpec = {
  label: LABEL,
  dialect: 'jsonnet',
  keys: { min: 'minSize', max: 'maxSize' },
  describe,
  locate,
  style: {
    // Right after the fields that name the node group reads best; maxSize then follows minSize.
    min: { after: ['instanceType', 'namePrefix', 'nameSuffix'], before: [], defaultSeparator: ': ', commaAlways: true, indentUnit: '    ' },
    max: { after: ['minSize'], before: [], defaultSeparator: ': ', commaAlways: true, indentUnit: '    ' },
  },
};

interface Candidate {
  entry: ObjectNode;
  instanceType: string;
  namePrefix: string | null;
}

function locate(tokens: Token[], pool: PoolLocator): Located {
  const fail = (why: string): Located => ({ ok: false, error: `In the ${LABEL}, ${why}` });
  const starts = tokens
    .map((_, i) => i)
    .filter((i) => tokens[i]?.text === 'local' && tokens[i + 1]?.text === LIST && tokens[i + 2]?.text === '=');
  if (starts.length === 0) {
    return fail(`there is no \`local ${LIST} = [ … ];\` list, so ${describe(pool)} cannot be found. Check that the cluster's infra path points at the cluster's .jsonnet file.`);
  }
  if (starts.length > 1) {
    return fail(`\`local ${LIST}\` is defined ${starts.length} times, so it is unclear which one is used. Keep one definition.`);
  }
  const open = (starts[0] as number) + 3;
  if (tokens[open]?.text !== '[') {
    return fail(`\`${LIST}\` is not written as a literal \`[ … ]\` list, so the app cannot edit ${describe(pool)}. Change it by hand.`);
  }
  const candidates = parseArray(tokens, open, 'jsonnet').flatMap((element) => {
    const found = element.object ? candidate(tokens, element.object) : null;
    return found ? [found] : [];
  });
  const prefix = wantedPrefix(pool);
  const matches = candidates.filter(
    (c) => c.instanceType === pool.instanceType && (prefix === null || c.namePrefix === prefix),
  );
  const listing = candidates.map(nameOf).join(', ') || 'no entries with a literal instanceType';
  if (matches.length === 0) {
    return fail(`no entry of \`${LIST}\` matches ${describe(pool)} (entries: ${listing}). Check the pool's instanceType and infraKey in the cluster config, or add the entry to the file.`);
  }
  if (matches.length > 1) {
    const advice = prefix === null
      ? `Set the pool's infraKey in the cluster config to the namePrefix of the one to change (${matches.map(nameOf).join(', ')}).`
      : 'Make the namePrefix values unique.';
    return fail(`${matches.length} entries of \`${LIST}\` match ${describe(pool)}, so the app cannot tell which to change. ${advice}`);
  }
  return { ok: true, tokens, entry: (matches[0] as Candidate).entry };
}

/** An entry whose instanceType (and namePrefix, when present) are literal strings we can compare. */
function candidate(tokens: Token[], entry: ObjectNode): Candidate | null {
  const typeMember = findMember(entry, 'instanceType');
  const prefixMember = findMember(entry, 'namePrefix');
  if (typeMember === null || typeMember === 'duplicate' || prefixMember === 'duplicate') return null;
  const instanceType = stringValue(tokens, typeMember);
  if (instanceType === null) return null;
  return { entry, instanceType, namePrefix: prefixMember === null ? null : stringValue(tokens, prefixMember) };
}

function nameOf(c: Candidate): string {
  return c.namePrefix === null ? c.instanceType : `${c.instanceType} (namePrefix "${c.namePrefix}")`;
}

/** The `notebookNodes` entries of a 2i2c eksctl jsonnet file, edited in place. */
export const eksctlJsonnetFormat: InfraFormat = {
  name: 'eksctl-jsonnet',
  read: (text, pool) => readPool(spec, text, pool),
  patch: (text, pool, sizing) => patchPool(spec, text, pool, sizing),
  restore: (text, pool, before) => restorePool(spec, text, pool, before),
};
