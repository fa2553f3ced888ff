import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  findTimeZone,
  isHubDefaultChoice,
  parseCount,
  parseCpu,
  parseDailyHours,
  parseDateTime,
  parseMemory,
  parseSizeGB,
  parseTimeZone,
  parseYesNo,
  type ParseResult,
} from '../../src/workshop/values/index.js';

const NOW = '2026-06-01T12:00:00Z';

const PARSERS: Array<[string, (text: string) => ParseResult<unknown>]> = [
  ['parseTimeZone', parseTimeZone],
  ['parseDateTime', (t) => parseDateTime(t, { now: NOW })],
  ['parseDateTime (defaults)', (t) => parseDateTime(t, { now: NOW, defaultZone: 'America/Chicago', defaultTime: '09:00' })],
  ['parseDailyHours', (t) => parseDailyHours(t, { defaultZone: 'UTC' })],
  ['parseCount', parseCount],
  ['parseMemory', parseMemory],
  ['parseCpu', parseCpu],
  ['parseSizeGB', parseSizeGB],
  ['parseYesNo', parseYesNo],
];

/** Pieces of real values, glued at random: reaches deeper into the parsers than random characters. */
const TOKENS = [
  '9', '09', '17', '5', '12', '30', '2027', '2024', '03', '10', '29', '31', '0', '-3', '1,200', '0.5', '.', ',', ':', '/', '-', '–',
  ' ', ' ', 'am', 'pm', 'a.m.', 'noon', 'midnight', 'to', 'at', 'about', '~', 'up to', '+', 'T', 'Z', '+05:30', 'UTC', 'UTC+2',
  'GMT-5', 'CT', 'CST', 'PT', 'ET', 'CET', 'IST', 'Central', 'Central Time', 'US/Pacific', 'America/Chicago', 'Mars/Olympus',
  'March', 'Mar', 'Feb', 'May', '10th', 'Wednesday', 'next', 'spring', 'GB', 'GiB', 'MB', 'TB', 'm', 'cores', 'CPUs', 'people',
  'yes', 'no', '- [X]', '[ ]', 'TBD', 'n/a', 'None', '_No response_', 'default', "hub's", '(', ')', '\n', '\u00a0', '**', '`',
];
const gluedTokens = fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }).map((parts) => parts.join(''));
const spacedTokens = fc.array(fc.constantFrom(...TOKENS), { maxLength: 10 }).map((parts) => parts.join(' '));
const anyText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  gluedTokens,
  spacedTokens,
  fc.string({ minLength: 150, maxLength: 400 }),
);

function wellFormed(result: ParseResult<unknown>): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(result.reason.length).toBeGreaterThan(0);
    expect(result.reason.length).toBeLessThan(250);
    // Reasons are phrases placed before a full stop in a sentence.
    expect(result.reason).not.toMatch(/[.\n]$/);
    if (result.missing) expect(result.reason).toBe('not given');
  }
}

describe('no parser throws, and results are well-formed', () => {
  test.each(PARSERS)('%s', (_name, parse) => {
    fc.assert(
      fc.property(anyText, (text) => {
        wellFormed(parse(text));
      }),
      { numRuns: 600 },
    );
  });

  test('findTimeZone and isHubDefaultChoice', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const found = findTimeZone(text);
        if (found) {
          expect(DateTime.fromObject({ year: 2027, month: 3, day: 10 }, { zone: found.zone }).isValid).toBe(true);
          expect(found.rest.length).toBeLessThanOrEqual(text.length);
        }
        expect(typeof isHubDefaultChoice(text)).toBe('boolean');
      }),
      { numRuns: 600 },
    );
  });
});

describe('huge and pathological inputs are failures, quickly', () => {
  const HUGE = ['('.repeat(50_000), '9'.repeat(50_000), '9-'.repeat(30_000), ' '.repeat(50_000) + 'x', 'a/'.repeat(30_000), '- [X] '.repeat(20_000)];
  test.each(PARSERS)('%s', (_name, parse) => {
    const started = process.hrtime.bigint();
    for (const text of HUGE) wellFormed(parse(text));
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(2000);
  });
});

describe('properties of successful results', () => {
  test('parseTimeZone only returns zones luxon accepts', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parseTimeZone(text);
        if (r.ok) expect(DateTime.fromObject({ year: 2027, month: 1, day: 1 }, { zone: r.value }).isValid).toBe(true);
      }),
      { numRuns: 600 },
    );
  });

  test('parseDateTime: iso, zone and dateOnly agree', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parseDateTime(text, { now: NOW, defaultZone: 'America/Chicago' });
        if (!r.ok) return;
        const dt = DateTime.fromISO(r.value.iso, { zone: r.value.zone });
        expect(dt.isValid).toBe(true);
        expect(dt.toISODate()).toBe(r.value.dateOnly);
      }),
      { numRuns: 600 },
    );
  });

  test('parseDailyHours: HH:mm, start before end', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parseDailyHours(text);
        if (!r.ok) return;
        expect(r.value.start).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
        expect(r.value.end).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
        expect(r.value.start < r.value.end).toBe(true);
      }),
      { numRuns: 600 },
    );
  });

  test('numbers: counts are positive integers; memory, CPU positive; sizes non-negative', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const count = parseCount(text);
        if (count.ok) expect(Number.isSafeInteger(count.value) && count.value >= 1).toBe(true);
        for (const r of [parseMemory(text), parseCpu(text)]) if (r.ok && r.value !== null) expect(r.value).toBeGreaterThan(0);
        const size = parseSizeGB(text);
        if (size.ok && size.value !== null) expect(size.value).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 600 },
    );
  });
});

describe('round trips', () => {
  const ZONES = ['America/Chicago', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney', 'UTC', 'UTC+2', 'UTC-5:30'];

  test('"yyyy-MM-dd HH:mm <zone>" reads back as that wall-clock time in that zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...ZONES),
        (date, zone) => {
          const local = DateTime.fromJSDate(date, { zone }).startOf('minute');
          const text = `${local.toFormat('yyyy-MM-dd HH:mm')} ${zone}`;
          const r = parseDateTime(text, { now: NOW });
          // A time that happens twice (DST ends) may come back as the other instant; the wall clock is the same.
          expect(r.ok && DateTime.fromISO(r.value.iso, { zone }).toFormat('yyyy-MM-dd HH:mm')).toBe(local.toFormat('yyyy-MM-dd HH:mm'));
          expect(r.ok && r.value.zone).toBe(zone);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('"Month d, yyyy h:mm am" reads back too', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }), (date) => {
        const local = DateTime.fromJSDate(date, { zone: 'UTC' }).startOf('minute');
        const r = parseDateTime(`${local.toFormat('MMMM d, yyyy h:mm a')} UTC`, { now: NOW });
        expect(r.ok && r.value.iso).toBe(local.toISO({ suppressMilliseconds: true }));
      }),
      { numRuns: 200 },
    );
  });

  test('counts, with commas and ranges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), (a, b) => {
        expect(parseCount(a.toLocaleString('en-US'))).toEqual({ ok: true, value: a });
        expect(parseCount(`${a}-${b}`)).toEqual({ ok: true, value: Math.max(a, b) });
        expect(parseCount(`about ${a} people`)).toEqual({ ok: true, value: a });
      }),
    );
  });

  test('memory in GB and MiB agree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2048 }), (n) => {
        const gb = parseMemory(`${n} GB`);
        expect(gb).toEqual({ ok: true, value: n * 1024 ** 3 });
        expect(parseMemory(`${n * 1024}MiB`)).toEqual(gb);
      }),
    );
  });

  test('hours written as HH:mm-HH:mm read back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 * 60 + 58 }), fc.integer({ min: 1, max: 24 * 60 - 1 }), (start, length) => {
        const end = Math.min(start + length, 23 * 60 + 59);
        const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        expect(parseDailyHours(`${hhmm(start)}-${hhmm(end)} UTC`)).toEqual({ ok: true, value: { start: hhmm(start), end: hhmm(end), zone: 'UTC' } });
      }),
    );
  });
});
