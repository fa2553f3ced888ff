import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { renderReply } from '../../src/render/status-comment.js';
import { escapeMarkdown } from '../../src/text/escape.js';
import { evaluate } from '../../src/workshop/evaluate.js';
import { formReader } from '../../src/workshop/form-sources.js';
import { decodeMarker, EMPTY_STATE, LOCAL_MARKER_KEY, type MarkerState } from '../../src/workshop/marker.js';
import type { CommentSnapshot } from '../../src/pipeline/ports.js';
import { exampleConfig } from '../support/config.js';

/**
 * One escaping path for everything a user wrote: whatever the text, the rendered status comment and
 * replies carry no mention and no HTML from it, and the marker reads back exactly the state written.
 */

const config = exampleConfig();
const form = formReader(config);
const exampleBody = readFileSync(new URL('../../examples/issues/workshop.md', import.meta.url), 'utf8');
const NOW = '2027-02-01T15:00:00Z';
const seal = { key: LOCAL_MARKER_KEY, scope: 'example-org/infrastructure#17' };

const TOKENS = ['<', '>', '@', '/', '!', '-', '--', '-->', '<!--', 'workshop-readiness:state', 'script', 'img src=x', 'everyone', 'org/team', '`', '```', '|', '#', '\n', ' ', '&', '&lt;', ';', '*', '_', '[', ']', '(', ')', '\\', '~~', 'a', '1', '\u200d', '\u202e', '"', '{', '}'];
const userText = fc.string({ unit: fc.constantFrom(...TOKENS), minLength: 1, maxLength: 30 });

/** Tags and placeholders the templates themselves write; anything else starting with `<` came from user text. */
const OWN_TAGS = /^<(\/?details>|\/?summary>|key>|value>|evidence>|reason>|n>)/;

function visiblePart(body: string): string {
  return body.slice(0, body.lastIndexOf('<!-- workshop-readiness:state '));
}

function assertNoRawUserMarkup(visible: string): void {
  for (let i = visible.indexOf('<'); i >= 0; i = visible.indexOf('<', i + 1)) {
    expect(visible.slice(i, i + 22)).toMatch(OWN_TAGS);
  }
  // Every @ is followed by the zero-width joiner that stops GitHub from notifying anyone.
  expect(visible).not.toMatch(/@(?!\u200d)/);
}

/** A reply without its first line (the app's own @-mention of the author) and its hidden marker. */
const replyText = (body: string) => body.slice(body.indexOf('\n'), body.lastIndexOf('<!--'));

const withField = (body: string, label: string, value: string) => body.replace(new RegExp(`(### ${label}\\n\\n)[^\\n]*`), (_m, head: string) => `${head}${value}`);
const comment = (id: number, author: string, body: string): CommentSnapshot => ({ id, author, authorIsBot: false, byThisApp: false, body, createdAt: NOW, updatedAt: NOW });

describe('escaping: one path for user text', () => {
  test('any user text in fields, hold reasons, evidence and what-changed lines: no raw mention or HTML, and the marker round-trips', () => {
    let checked = 0;
    fc.assert(
      fc.property(userText, userText, userText, userText, (image, community, reason, evidence) => {
        let body = withField(exampleBody, 'Container image', image.replace(/\n/g, ' '));
        body = withField(body, 'Community', community.replace(/\n/g, ' '));
        // The previous state remembers another image, so the "what changed" lines quote the new one.
        const previous: MarkerState = {
          ...EMPTY_STATE,
          material: { image: 'quay.io/old:1', attendees: '80' },
          commands: { ...EMPTY_STATE.commands, shown: [{ plan: 'p-old', since: '2027-01-01T00:00:00Z' }], approval: { by: 'bob', commentId: 1, at: '2027-01-02T00:00:00Z', planHash: 'p-old', lapsed: false } },
        };
        const comments = [comment(5, 'community-rep', `/hold ${reason}`), comment(6, 'alice', `/loadtest pass ${evidence}`)];
        const result = evaluate({ issue: { number: 17, title: 'x', body, author: 'community-rep', state: 'open', labels: [] }, comments, config, form, now: NOW, authorized: new Set(['alice']), others: [], observed: null, previous, trusted: true, seal });
        assertNoRawUserMarkup(visiblePart(result.commentBody));
        expect(result.commentBody.match(/<!-- workshop-readiness:state /g)).toHaveLength(1);
        expect(decodeMarker(result.commentBody, seal)).toEqual(result.state);
        for (const reply of result.replies) assertNoRawUserMarkup(replyText(reply.body));
        if (result.readiness.lapsed.length && result.request) checked++;
      }),
      { numRuns: 300 },
    );
    // The interesting branch (a valid request whose change is quoted) ran often, not by luck.
    expect(checked).toBeGreaterThan(100);
  });

  test('refusal reasons quoting the command line are escaped in replies', () => {
    fc.assert(
      fc.property(userText, (text) => {
        const reply = renderReply({ commentId: 9, author: 'mallory', refusals: [{ command: '/approve', reason: `"/approve ${text}" is not a form of /approve I know` }], help: false, authorized: false, isRequester: false });
        assertNoRawUserMarkup(replyText(reply));
      }),
      { numRuns: 300 },
    );
  });

  test.each([
    ['@everyone', '@\u200deveryone'],
    ['<img src=x>', '&lt;img src=x&gt;'],
    ['a | b', 'a \\| b'],
    ['see org/repo#12', 'see org/repo#\u200d12'],
    ['## heading', '## heading'],
  ])('escapeMarkdown(%j)', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});
