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
  parseDateRange,
  readPeopleInText,
  readWeekdays,
  type ParseResult,
} from '../../src/workshop/values/index.js';
import { fastestMs } from '../support/timing.js';

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
  ['parseDateRange', (t) => parseDateRange(t, { now: NOW, defaultZone: 'Europe/Berlin' })],
  ['readPeopleInText', (t) => readPeopleInText(t) ?? { ok: false, reason: 'no number of people' }],
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

/**
 * Values in the shapes people write, so the success branches below run hundreds of times (counted
 * and asserted): random text alone reaches them a handful of times in 600 runs.
 */
const ZONE_WORDS = ['America/Chicago', 'US/Pacific', 'Europe/Berlin', 'CT', 'CST', 'PT', 'ET', 'CET', 'UTC', 'UTC+2', 'GMT-5', 'Central Time', 'Asia/Kolkata', ''];
const dateText = fc
  .tuple(
    fc.date({ min: new Date('2026-07-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
    fc.constantFrom('yyyy-MM-dd', 'yyyy-MM-dd HH:mm', 'MMMM d, yyyy', 'MMM d yyyy, h a', 'd MMMM yyyy HH:mm', 'M/d/yyyy', 'dd.MM.yyyy', 'MMMM d'),
    fc.constantFrom(...ZONE_WORDS),
    fc.constantFrom('', ' ', '**', '`'),
  )
  .map(([date, format, zone, wrap]) => `${wrap}${DateTime.fromJSDate(date, { zone: 'UTC' }).toFormat(format)} ${zone}${wrap}`.trim());
const hoursText = fc
  .tuple(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 12 }), fc.constantFrom('h24', 'ampm', 'bare'), fc.constantFrom(' - ', '-', ' to ', '–'), fc.constantFrom(...ZONE_WORDS))
  .map(([start, length, style, separator, zone]) => {
    const end = Math.min(start + length, 23);
    const write = (h: number) => (style === 'h24' ? `${String(h).padStart(2, '0')}:00` : style === 'ampm' ? `${h % 12 || 12}${h < 12 ? 'am' : 'pm'}` : String(h % 12 || 12));
    return `${write(start)}${separator}${write(end)} ${zone}`.trim();
  });
const countText = fc
  .tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 5000 }), fc.constantFrom('{a}', '~{a}', 'about {a} people', '{a}-{b}', 'up to {b}', '{b}+', '{a} students'))
  .map(([a, b, shape]) => shape.replace('{a}', a.toLocaleString('en-US')).replace('{b}', String(b)));
const amountText = fc
  .tuple(fc.constantFrom('0', '0.5', '1', '2', '4', '16', '500', '1,024', '-2'), fc.constantFrom('', ' GB', 'GiB', ' MB', 'm', ' cores', ' CPUs', ' TB', ' GB RAM per user', ' xyz'))
  .map(([n, unit]) => `${n}${unit}`);
const zoneText = fc.constantFrom(...ZONE_WORDS, 'Mars/Olympus', 'Central', 'London time', 'UTC+14', 'UTC+15', 'us/eastern', 'PST (US & Canada)');
const realistic = fc.oneof(dateText, hoursText, countText, amountText, zoneText, anyText);

/** Runs `property` over `runs` values and returns how many reached the success branch. */
function countSuccesses(arbitrary: fc.Arbitrary<string>, runs: number, property: (text: string) => boolean): number {
  let successes = 0;
  fc.assert(
    fc.property(arbitrary, (text) => {
      if (property(text)) successes++;
    }),
    { numRuns: runs },
  );
  return successes;
}

describe('properties of successful results', () => {
  test('parseTimeZone only returns zones luxon accepts', () => {
    const successes = countSuccesses(fc.oneof(zoneText, realistic), 600, (text) => {
      const r = parseTimeZone(text);
      if (r.ok) expect(DateTime.fromObject({ year: 2027, month: 1, day: 1 }, { zone: r.value }).isValid).toBe(true);
      return r.ok;
    });
    expect(successes).toBeGreaterThanOrEqual(200);
  });

  test('parseDateTime: iso, zone and dateOnly agree', () => {
    const successes = countSuccesses(fc.oneof(dateText, dateText, realistic), 600, (text) => {
      const r = parseDateTime(text, { now: NOW, defaultZone: 'America/Chicago' });
      if (!r.ok) return false;
      const dt = DateTime.fromISO(r.value.iso, { zone: r.value.zone });
      expect(dt.isValid).toBe(true);
      expect(dt.toISODate()).toBe(r.value.dateOnly);
      return true;
    });
    expect(successes).toBeGreaterThanOrEqual(250);
  });

  test('parseDailyHours: HH:mm, start before end', () => {
    const successes = countSuccesses(fc.oneof(hoursText, hoursText, realistic), 600, (text) => {
      const r = parseDailyHours(text);
      if (!r.ok) return false;
      expect(r.value.start).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      expect(r.value.end).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
      expect(r.value.start < r.value.end).toBe(true);
      return true;
    });
    expect(successes).toBeGreaterThanOrEqual(250);
  });

  test('numbers: counts are positive integers; memory, CPU positive; sizes non-negative', () => {
    const hits = { count: 0, memory: 0, cpu: 0, size: 0 };
    countSuccesses(fc.oneof(countText, amountText, amountText, realistic), 800, (text) => {
      const count = parseCount(text);
      if (count.ok) {
        hits.count++;
        expect(Number.isSafeInteger(count.value) && count.value >= 1).toBe(true);
      }
      const memory = parseMemory(text);
      if (memory.ok && memory.value !== null) {
        hits.memory++;
        expect(memory.value).toBeGreaterThan(0);
      }
      const cpu = parseCpu(text);
      if (cpu.ok && cpu.value !== null) {
        hits.cpu++;
        expect(cpu.value).toBeGreaterThan(0);
      }
      const size = parseSizeGB(text);
      if (size.ok && size.value !== null) {
        hits.size++;
        expect(size.value).toBeGreaterThanOrEqual(0);
      }
      return false;
    });
    expect(hits.count).toBeGreaterThanOrEqual(150);
    expect(hits.memory).toBeGreaterThanOrEqual(100);
    expect(hits.cpu).toBeGreaterThanOrEqual(100);
    expect(hits.size).toBeGreaterThanOrEqual(100);
  });
});

describe('every parser stays under 50 ms on 100 KB adversarial text', () => {
  const ALL: Array<[string, (text: string) => unknown]> = [
    ...PARSERS,
    ['findTimeZone', findTimeZone],
    ['isHubDefaultChoice', isHubDefaultChoice],
    ['readWeekdays', readWeekdays],
  ];
  const DELIMITERS = ['`', '**', '__', '*', '"', '\u201c', '(', ')', '[', '- [X] ', '9-', '9:', 'a/', '/', ' ', '\u00a0', '\u200d', '😀', 'é', '### ', ': ', '1,', '.', 'am ', 'to ', 'America/', 'UTC+', '\n'];
  const adversarial = fc
    .tuple(
      fc.array(fc.constantFrom(...DELIMITERS), { minLength: 1, maxLength: 3 }),
      fc.constantFrom('', 'a', '60', '9am - 5pm CT', '2027-03-10', '`'),
      fc.boolean(),
    )
    .map(([unit, tail, nested]) => {
      const piece = unit.join('');
      const times = Math.ceil(100_000 / piece.length);
      if (!nested) return piece.repeat(times) + tail;
      const half = Math.ceil(times / 2);
      return piece.repeat(half) + tail + [...piece].reverse().join('').repeat(half);
    });

  test.each(ALL)('%s', (_name, parse) => {
    parse('warm up 2027-03-10 9am - 5pm CT');
    fc.assert(
      fc.property(adversarial, (text) => {
        expect(text.length).toBeGreaterThanOrEqual(100_000);
        expect(fastestMs(() => parse(text))).toBeLessThan(50);
      }),
      { numRuns: 60 },
    );
  });

  test('an attendees field of 6,000 backticks and a letter is refused at once (it once took 92 s)', () => {
    expect(fastestMs(() => parseCount('`'.repeat(6000) + 'a'))).toBeLessThan(50);
    expect(parseCount('`'.repeat(6000) + 'a')).toMatchObject({ ok: false, reason: expect.stringContaining('too long') });
  });

  test('the backtick wrapper is still removed from short values', () => {
    expect(parseCount('``60``')).toEqual({ ok: true, value: 60 });
    expect(parseCount('**60**')).toEqual({ ok: true, value: 60 });
    expect(parseCount('`'.repeat(500) + '60' + '`'.repeat(500))).toEqual({ ok: true, value: 60 });
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
        expect(parseCount(`${a}-${b}`)).toMatchObject({ ok: true, value: Math.max(a, b) });
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
