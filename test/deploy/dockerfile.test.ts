import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The production image, checked by reading the Dockerfile (no Docker daemon in CI): a supported Node
 * LTS, node itself as the process that gets SIGTERM, a non-root user, production dependencies only,
 * and the examples the demo needs.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Instruction {
  op: string;
  args: string;
}

/** Instructions per stage, continuation lines joined, comments dropped, ARG defaults substituted in FROM. */
function stages(dockerfile: string): Instruction[][] {
  const lines = dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const result: Instruction[][] = [];
  for (const line of lines) {
    const [, op = '', rest = ''] = /^(\w+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { op: op.toUpperCase(), args: rest };
    if (instruction.op === 'ARG' && result.length === 0) {
      const [name, value] = rest.split('=');
      if (name && value) args.set(name, value);
      continue;
    }
    if (instruction.op === 'FROM') {
      instruction.args = rest.replace(/\$\{(\w+)\}/g, (_m, name: string) => args.get(name) ?? '');
      result.push([]);
    }
    result.at(-1)?.push(instruction);
  }
  return result;
}

/** What an operator needs from the image. Empty = fine. */
function imageProblems(dockerfile: string): string[] {
  const problems: string[] = [];
  const all = stages(dockerfile);
  for (const stage of all) {
    const base = stage[0]?.args.split(/\s+/)[0] ?? '';
    if (!/^node:(22|24)([.-]|$)/.test(base)) problems.push(`base image ${base} is not Node 22 or 24 LTS`);
  }
  const final = all.at(-1) ?? [];
  const find = (op: string) => final.filter((i) => i.op === op);
  const user = find('USER').at(-1)?.args;
  if (!user || user === 'root' || user === '0') problems.push('the final stage does not switch to a non-root USER');
  const cmd = find('CMD').at(-1)?.args ?? '';
  let command: string[] = [];
  try {
    command = JSON.parse(cmd) as string[];
  } catch {
    problems.push(`CMD is not in exec (JSON) form, so a shell sits between the signal and node: ${cmd}`);
  }
  if (command.length && command[0] !== 'node') problems.push(`CMD runs ${command[0]}, not node: SIGTERM would not reach the app`);
  const entry = command[1] ?? '';
  const source = entry.replace(/^(\.\/)?dist\//, 'src/').replace(/\.js$/, '.ts');
  if (command.length && !existsSync(path.join(root, source))) problems.push(`CMD runs ${entry}, built from no source file (${source})`);
  const copied = find('COPY').map((i) => i.args);
  for (const needed of ['examples', 'templates', 'bin']) {
    if (!copied.some((args) => args.split(/\s+/).includes(needed))) problems.push(`the final stage does not copy ${needed}/`);
  }
  const installs = find('RUN').filter((i) => /npm (ci|install)/.test(i.args));
  if (!installs.length || installs.some((i) => !/--omit=dev/.test(i.args))) problems.push('the final stage installs dev dependencies');
  const env = find('ENV').map((i) => i.args).join(' ');
  if (!/NODE_ENV=production/.test(env)) problems.push('NODE_ENV is not production (Probot would log pretty text)');
  if (!/HOST=0\.0\.0\.0/.test(env)) problems.push('HOST is not 0.0.0.0: Probot would listen on localhost only');
  return problems;
}

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');

  test('meets every point', () => {
    expect(imageProblems(dockerfile)).toEqual([]);
  });

  test('runs the server entry that handles SIGTERM', () => {
    const cmd = stages(dockerfile).at(-1)?.filter((i) => i.op === 'CMD').at(-1)?.args;
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', 'dist/server/main.js']);
    expect(readFileSync(path.join(root, 'src/server/main.ts'), 'utf8')).toMatch(/process\.once\('SIGTERM'/);
  });

  test('the build context keeps what the image copies and leaves out what must never be in it', () => {
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const needed of ['src', 'examples', 'templates', 'bin', 'app.yml', 'LICENSE']) expect(ignored).not.toContain(needed);
    for (const secret of ['node_modules', '.env', '*.pem', '.git']) expect(ignored).toContain(secret);
  });

  // The checker must catch what it names: the image as it was before (Node 20, npx, no examples).
  test.each([
    ['Node 20', 'FROM node:20.19-bookworm-slim\nUSER node\nCOPY examples ./examples\nCOPY templates ./templates\nCOPY bin ./bin\nRUN npm ci --omit=dev\nENV NODE_ENV=production HOST=0.0.0.0\nCMD ["node", "dist/server/main.js"]', /not Node 22 or 24/],
    ['npx in CMD', 'FROM node:24-bookworm-slim\nUSER node\nCOPY examples ./examples\nCOPY templates ./templates\nCOPY bin ./bin\nRUN npm ci --omit=dev\nENV NODE_ENV=production\nENV HOST=0.0.0.0\nCMD ["npx", "--no-install", "probot", "run", "./dist/index.js"]', /runs npx, not node/],
    ['shell-form CMD', 'FROM node:24-bookworm-slim\nUSER node\nCOPY examples ./examples\nCOPY templates ./templates\nCOPY bin ./bin\nRUN npm ci --omit=dev\nENV NODE_ENV=production HOST=0.0.0.0\nCMD node dist/server/main.js', /exec \(JSON\) form/],
    ['root, no examples, dev deps, localhost', 'ARG IMAGE=node:24-slim\nFROM ${IMAGE}\nCOPY templates ./templates\nCOPY bin ./bin\nRUN npm ci\nENV NODE_ENV=production\nCMD ["node", "dist/nowhere.js"]', /non-root USER.*built from no source.*copy examples.*dev dependencies.*localhost/s],
  ])('the check refuses a Dockerfile with %s', (_name, text, expected) => {
    expect(imageProblems(text).join('\n')).toMatch(expected);
  });
});
