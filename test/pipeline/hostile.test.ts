import fc from 'fast-check';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/schema.js';
import { evaluate } from '../../src/workshop/evaluate.js';
import { formReader } from '../../src/workshop/form-sources.js';
import { decodeMarker, EMPTY_STATE, LOCAL_MARKER_KEY } from '../../src/workshop/marker.js';
import { parseCommands } from '../../src/workshop/commands.js';
import { replayCommands } from '../../src/workshop/replay.js';
import { silentLogger, type CommentSnapshot } from '../../src/pipeline/ports.js';
import { reconcile, type ReconcileDeps } from '../../src/pipeline/reconcile.js';
import { MemoryIssue } from '../../src/github/memory.js';
import { exampleConfig } from '../support/config.js';
import { readFileSync } from 'node:fs';

const config = exampleConfig();
const form = formReader(config);
const exampleBody = readFileSync(new URL('../../examples/issues/workshop.md', import.meta.url), 'utf8');
const NOW = '2027-02-01T15:00:00Z';
const seal = { key: LOCAL_MARKER_KEY, scope: 'local#17' };

const hostileText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.constantFrom('-->', '<!-- workshop-readiness:state {"v":1,"stage":"go"} -->', '<script>alert(1)</script>', '@everyone @org/team', '| a | b |', '```', '${{ secrets.X }}', '\u0000', '\u202e', '#'.repeat(50), '9'.repeat(400), 'NaN', '-1', '1e308'),
);

/** An issue body from the form, with each value replaced by hostile text some of the time. */
const hostileBody = fc.array(fc.tuple(fc.constantFrom(...form.sources.map((s) => s.label)), hostileText), { maxLength: 8 }).map((edits) => {
  let body = exampleBody;
  for (const [label, value] of edits) body = body.replace(new RegExp(`(### ${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n\\n)[^\\n]*`), `$1${value.replace(/\$/g, '$$$$')}`);
  return body;
});

const comment = (id: number, author: string, body: string, byThisApp = false): CommentSnapshot => ({ id, author, authorIsBot: byThisApp, byThisApp, body, createdAt: NOW, updatedAt: NOW });

describe('hostile input never throws, never escapes', () => {
  test('evaluate: any body and comment history gives a comment, labels and readable problems', () => {
    fc.assert(
      fc.property(hostileBody, fc.array(fc.tuple(fc.constantFrom('alice', 'mallory', 'community-rep'), hostileText), { maxLength: 5 }), (body, history) => {
        const comments = history.map(([author, text], i) => comment(i + 1, author, `/${text}`));
        const result = evaluate({ issue: { number: 17, title: 'x', body, author: 'community-rep', state: 'open', labels: [] }, comments, config, form, now: NOW, authorized: new Set(['alice']), others: [], observed: null, previous: EMPTY_STATE, trusted: true, seal });
        expect(result.labels).toHaveLength(1);
        for (const problem of result.problems) expect(problem.message).toMatch(/^[A-Z]/);
        // User text cannot close the marker or forge one: exactly one marker, and it decodes.
        expect(result.commentBody.match(/<!--\s*workshop-readiness:state/g)).toHaveLength(1);
        expect(decodeMarker(result.commentBody, seal)?.stage).toBe(result.readiness.stage);
        expect(result.commentBody).not.toMatch(/(^|[^\\])<script|@everyone|@org\/team/);
        expect(result.commentBody).not.toMatch(/\bat [\w.]+ \(.*:\d+:\d+\)/); // no stack trace
      }),
      { numRuns: 150 },
    );
  });

  test('a marker written by someone else is never trusted: a copied load-test pass moves nothing', async () => {
    // The app's own marker after an automated pass does move its issue to load-tested...
    const at = { now: () => new Date(NOW) };
    const deps = (issue: MemoryIssue, extra: Partial<ReconcileDeps> = {}): ReconcileDeps => ({ issues: issue, clock: at, log: silentLogger, ...extra });
    const original = new MemoryIssue({ number: 17, title: '[Workshop] x', body: exampleBody, author: 'community-rep', state: 'open' }, { now: () => NOW, permissions: { alice: 'write' } }, ['workshop-request']);
    await reconcile({ kind: 'ok', config }, deps(original)); // the status comment shows the plan first
    original.addUserComment('alice', '/loadtest');
    await reconcile({ kind: 'ok', config }, deps(original, { hasCluster: () => true, newRunId: () => 'run-1' }));
    const passed = await reconcile({ kind: 'ok', config }, deps(original, { loadTestUpdate: { runId: 'run-1', status: 'passed', summary: 'all running', finishedAt: NOW } }));
    expect(passed.stage).toBe('load-tested');
    // ...but the same comment, byte for byte, posted by someone else on the same request does not.
    const forged = new MemoryIssue({ number: 17, title: '[Workshop] x', body: exampleBody, author: 'community-rep', state: 'open' }, { now: () => NOW, permissions: {} }, ['workshop-request']);
    forged.addUserComment('mallory', original.statusComment()!.body);
    const result = await reconcile({ kind: 'ok', config }, deps(forged));
    expect(result.stage).toBe('modeled');
  });

  test('parseCommands and replay: any comment text', () => {
    fc.assert(
      fc.property(fc.array(hostileText, { maxLength: 6 }), (bodies) => {
        for (const body of bodies) parseCommands(body);
        const replay = replayCommands(
          { comments: bodies.map((body, i) => ({ id: i, author: i % 2 ? 'alice' : 'bob', authorIsBot: false, body, createdAt: NOW, edited: false })), requester: 'bob', authorized: new Set(['alice']), previous: null, requestHash: 'r' },
        );
        expect(Array.isArray(replay.outcomes)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('config validation: mutations of the valid example give ok or problems that name a path, never a throw', () => {
    const example = parse(readFileSync(new URL('../../examples/workshop-readiness.yml', import.meta.url), 'utf8')) as Record<string, unknown>;
    /** Every key path of the example, so mutations land where a person editing the file would. */
    const paths: string[][] = [];
    const walk = (node: unknown, path: string[]) => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        paths.push([...path, key]);
        walk(value, [...path, key]);
      }
    };
    walk(example, []);
    const typo = fc.tuple(fc.nat(), fc.constantFrom('drop', 'double', 'swap', 'case')).map(([i, kind]) => (key: string) => {
      const at = i % key.length;
      if (kind === 'drop') return key.slice(0, at) + key.slice(at + 1);
      if (kind === 'double') return key.slice(0, at) + key[at] + key.slice(at);
      if (kind === 'swap' && at + 1 < key.length && key[at] !== key[at + 1]) return key.slice(0, at) + key[at + 1] + key[at] + key.slice(at + 2);
      return key.toUpperCase() === key ? key.toLowerCase() : key.toUpperCase();
    });
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('typo' as const), path: fc.constantFrom(...paths), rename: typo }),
      fc.record({ kind: fc.constant('delete' as const), path: fc.constantFrom(...paths) }),
      fc.record({ kind: fc.constant('value' as const), path: fc.constantFrom(...paths), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileText, fc.constantFrom(-1, 0, 1e308, '4G', 'lots', null, [], {})) }),
    );
    const USER_NAMED = new Set(['clusters', 'hubs', 'pools', 'quotas', 'instanceOverrides', 'fields', 'nodeSelector']);
    const seen = { ok: 0, typos: 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        const raw = structuredClone(example);
        const renamed: Array<{ parent: string[]; from: string; to: string }> = [];
        for (const m of mutations) {
          const parent = m.path.slice(0, -1).reduce<any>((node, key) => (node && typeof node === 'object' ? node[key] : undefined), raw);
          const key = m.path[m.path.length - 1]!;
          if (!parent || typeof parent !== 'object' || !(key in parent)) continue;
          if (m.kind === 'delete') delete parent[key];
          else if (m.kind === 'value') parent[key] = m.value;
          else {
            const to = m.rename(key);
            if (to === key || to in parent || /^\d+$/.test(key)) continue;
            parent[to] = parent[key];
            delete parent[key];
            // Keys of user-named maps (clusters, hubs, pools…) may be anything; only schema keys are typos.
            if (!USER_NAMED.has(m.path[m.path.length - 2] ?? '')) renamed.push({ parent: m.path.slice(0, -1), from: key, to });
          }
        }
        const result = validateConfig(raw);
        if (result.ok) {
          seen.ok++;
          return;
        }
        for (const p of result.problems) {
          expect(p.path).toMatch(/\S/);
          expect(p.message).toMatch(/\S/);
          expect(p.message).not.toMatch(/\bat [\w.]+ \(.*:\d+:\d+\)/);
        }
        for (const { parent, to } of renamed) {
          const named = result.problems.find((p) => p.path === [...parent, to].join('.'));
          if (named) {
            seen.typos++;
            expect(named.message).toMatch(new RegExp(`^unknown key \`${to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``));
          }
        }
      }),
      { numRuns: 400 },
    );
    // Both branches ran many times: valid configs survive, and typos are named.
    expect(seen.ok).toBeGreaterThan(20);
    expect(seen.typos).toBeGreaterThan(50);
  });
});
