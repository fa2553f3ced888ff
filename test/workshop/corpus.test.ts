import { afterAll, describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { eventDays } from '../../src/capacity/ready-mode.js';
import type { Config } from '../../src/config/schema.js';
import { readRequest } from '../../src/workshop/evaluate.js';
import { readFormTemplate } from '../../src/workshop/form.js';
import { formReader } from '../../src/workshop/form-sources.js';
import type { WorkshopRequest } from '../../src/workshop/types.js';
import { exampleConfig } from '../support/config.js';

/**
 * The corpus: requests written the way people write them on hub operators' public trackers (our own
 * text and invented names, reproducing the phrasings), each with the values an engineer would read
 * and the fields to confirm or to ask for. Every fixture is scored:
 * - right: every value as expected, nothing asked, nothing to confirm;
 * - confirmed: every value as expected, and each ambiguous one named for confirmation;
 * - asked: exactly the fields that are truly missing are asked for;
 * - asked-too-much: a field that was stated is asked for;
 * - wrong: a value differs from what was meant, or an ambiguous one was used without confirmation.
 */

const corpusDir = new URL('../fixtures/corpus/', import.meta.url);
const corpus = JSON.parse(readFileSync(new URL('config.json', corpusDir), 'utf8')) as { hubs: Record<string, string>; fields: Record<string, string> };

interface Expected {
  form: 'workshop' | 'community-event' | 'legacy-event-template' | 'support-ticket';
  title: string;
  now: string;
  note?: string;
  values: {
    hub: string;
    timeZone: string;
    start: string;
    end: string;
    dailyHours: { start: string; end: string };
    weekdays: number[] | null;
    attendees: number;
    days: number;
    contact?: string | null;
  } | null;
  confirm: string[];
  ask: string[];
}

type Outcome = 'right' | 'confirmed' | 'asked' | 'asked-too-much' | 'wrong';

function corpusConfig(mapped: boolean): Config {
  const base = exampleConfig();
  const template = base.hubs.workshops;
  if (!template) throw new Error('the example config lost its workshops hub');
  const hubs = { ...base.hubs, ...Object.fromEntries(Object.entries(corpus.hubs).map(([name, url]) => [name, { ...template, url, aliases: [] }])) };
  return { ...base, hubs, form: { ...base.form, fields: mapped ? corpus.fields : {} } };
}

const eventForm = readFormTemplate(readFileSync(new URL('../fixtures/forms/community-event.yml', import.meta.url), 'utf8'));
if (!eventForm.ok) throw new Error(eventForm.error);
const ours = corpusConfig(false);
const theirs = corpusConfig(true);

function read(expected: Expected, body: string) {
  const config = expected.form === 'workshop' ? ours : theirs;
  const form = expected.form === 'workshop' ? formReader(config) : formReader(config, eventForm.ok ? eventForm.fields : []);
  return readRequest({ body, title: expected.title, config, form, now: expected.now }).built;
}

/** The differences between what was read and what was meant, in words (empty when they agree). */
function differences(request: WorkshopRequest, want: NonNullable<Expected['values']>): string[] {
  const got = {
    hub: request.hub,
    timeZone: request.timeZone,
    start: Date.parse(request.start),
    end: Date.parse(request.end),
    dailyHours: request.dailyHours,
    weekdays: request.weekdays,
    attendees: request.attendees,
    days: eventDays(request).length,
    contact: request.contact,
  };
  const meant = { ...want, start: Date.parse(want.start), end: Date.parse(want.end) };
  return (Object.keys(meant) as Array<keyof typeof meant>)
    .filter((key) => JSON.stringify(got[key]) !== JSON.stringify(meant[key]))
    .map((key) => `${key}: read ${JSON.stringify(got[key])}, meant ${JSON.stringify(meant[key])}`);
}

function score(expected: Expected, body: string): { outcome: Outcome; why: string[] } {
  const built = read(expected, body);
  const asked = new Set(built.problems.map((p) => p.field));
  const confirmed = new Set(built.confirmations.map((c) => c.field));
  const tooMuch = [...asked].filter((field) => !expected.ask.includes(field));
  if (built.request) {
    const wrong = expected.values ? differences(built.request, expected.values) : ['a request was built, but fields were meant to be asked for'];
    const silent = expected.confirm.filter((field) => !confirmed.has(field));
    if (wrong.length || silent.length) return { outcome: 'wrong', why: [...wrong, ...silent.map((f) => `${f} used without asking to confirm`)] };
    return confirmed.size ? { outcome: 'confirmed', why: built.confirmations.map((c) => c.message) } : { outcome: 'right', why: [] };
  }
  if (tooMuch.length) return { outcome: 'asked-too-much', why: built.problems.filter((p) => tooMuch.includes(p.field)).map((p) => p.message) };
  const missed = expected.ask.filter((field) => !asked.has(field));
  if (missed.length || !expected.ask.length) return { outcome: 'wrong', why: [`expected a request or asks for ${expected.ask.join(', ')}`, ...built.problems.map((p) => p.message)] };
  return { outcome: 'asked', why: built.problems.map((p) => p.message) };
}

const fixtures = readdirSync(corpusDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => {
    const dir = new URL(`${entry.name}/`, corpusDir);
    return {
      name: entry.name,
      body: readFileSync(new URL('issue.md', dir), 'utf8'),
      expected: JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Expected,
    };
  });

const tally: Record<Outcome, string[]> = { right: [], confirmed: [], asked: [], 'asked-too-much': [], wrong: [] };

function expectedOutcome(expected: Expected): Outcome {
  if (expected.ask.length) return 'asked';
  return expected.confirm.length ? 'confirmed' : 'right';
}

describe('corpus of real-world phrasings', () => {
  test('has at least 40 fixtures in all four styles', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(40);
    expect(new Set(fixtures.map((f) => f.expected.form))).toEqual(new Set(['workshop', 'community-event', 'legacy-event-template', 'support-ticket']));
  });

  test.each(fixtures)('$name', ({ name, body, expected }) => {
    const { outcome, why } = score(expected, body);
    tally[outcome].push(name);
    expect({ outcome, why: outcome === expectedOutcome(expected) ? [] : why }).toEqual({ outcome: expectedOutcome(expected), why: [] });
  });

  test('the score: 0 wrong, at least 90% right or right with a confirmation, at most 5% asked too much', () => {
    const total = fixtures.length;
    const good = tally.right.length + tally.confirmed.length;
    expect(tally.wrong).toEqual([]);
    expect(good / total).toBeGreaterThanOrEqual(0.9);
    expect(tally['asked-too-much'].length / total).toBeLessThanOrEqual(0.05);
  });

  afterAll(() => {
    const total = fixtures.length;
    const line = (Object.keys(tally) as Outcome[]).map((o) => `${o} ${tally[o].length}`).join(' · ');
    const good = tally.right.length + tally.confirmed.length;
    process.stdout.write(`\nCorpus score (${total} requests): ${line} — ${Math.round((100 * good) / total)}% right or right with a confirmation\n`);
  });
});
