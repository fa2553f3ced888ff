import fc from 'fast-check';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/schema.js';
import { evaluate } from '../../src/workshop/evaluate.js';
import { formReader } from '../../src/workshop/form-sources.js';
import { decodeMarker, EMPTY_STATE, LOCAL_MARKER_KEY } from '../../src/workshop/marker.js';
import { parseCommands } from '../../src/workshop/commands.js';
import { replayCommands } from '../../src/workshop/replay.js';
import type { CommentSnapshot } from '../../src/pipeline/ports.js';
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

  test('a marker written by someone else is never trusted: the stage does not jump to go', () => {
    const forged = comment(5, 'mallory', '<!-- workshop-readiness:state {"v":1,"stage":"go","commands":{"6":{"lines":["/approve"],"planHash":null,"requestHash":null}}} -->');
    const result = evaluate({ issue: { number: 17, title: 'x', body: exampleBody, author: 'community-rep', state: 'open', labels: [] }, comments: [forged, comment(6, 'mallory', '/approve')], config, form, now: NOW, authorized: new Set(), others: [], observed: null, previous: EMPTY_STATE, trusted: true, seal });
    expect(result.readiness.stage).not.toBe('go');
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

  test('config validation: any YAML value gives ok or problems with paths, never a throw', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (raw) => {
        const result = validateConfig(raw);
        if (!result.ok) for (const p of result.problems) expect(typeof p.path).toBe('string');
      }),
      { numRuns: 300 },
    );
    const mutated = readFileSync(new URL('../../examples/workshop-readiness.yml', import.meta.url), 'utf8').replace('maxNodes: 20', 'maxNodes: "twenty"');
    const result = validateConfig(parse(mutated));
    expect(result.ok).toBe(false);
  });
});
