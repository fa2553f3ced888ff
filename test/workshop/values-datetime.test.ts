import { describe, expect, test } from '@jest/globals';
import { parseDailyHours, parseDateTime, type ParseResult } from '../../src/workshop/values/index.js';

const NOW = '2026-06-01T12:00:00Z';

function reason<T>(result: ParseResult<T>): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.reason;
}

describe('parseDateTime', () => {
  test("examples in reasons use the request's own zone; a quoted value stays as written", () => {
    expect(reason(parseDateTime('next spring America/Chicago', { now: NOW, exampleZone: 'Europe/Rome' }))).toBe(
      'could not read "next spring America/Chicago" as a date; write it like 2027-03-10 09:00 Europe/Rome',
    );
    expect(reason(parseDateTime('2027-03-10 9:00', { now: NOW, exampleZone: 'Europe/Rome' }))).toBe('"2027-03-10 9:00" has no time zone; add one, like 2027-03-10 09:00 Europe/Rome');
  });

  test.each([
    // text, defaultZone, iso, zone, hasTime
    ['2027-03-10', 'America/Chicago', '2027-03-10T00:00:00-06:00', 'America/Chicago', false],
    ['2027-03-10 09:00', 'America/Chicago', '2027-03-10T09:00:00-06:00', 'America/Chicago', true],
    ['2027-03-10T09:00', 'Europe/Berlin', '2027-03-10T09:00:00+01:00', 'Europe/Berlin', true],
    ['2027-03-10T09:00:00-06:00', undefined, '2027-03-10T09:00:00-06:00', 'UTC-6', true],
    ['2027-03-10T09:00:00-06:00', 'America/Chicago', '2027-03-10T09:00:00-06:00', 'America/Chicago', true],
    ['2027-03-10T09:00:00-06:00', 'Europe/Berlin', '2027-03-10T09:00:00-06:00', 'UTC-6', true],
    ['2027-03-10T15:00:00Z', undefined, '2027-03-10T15:00:00Z', 'UTC', true],
    ['2027-03-10 09:00 America/Chicago', undefined, '2027-03-10T09:00:00-06:00', 'America/Chicago', true],
    ['2027-03-10 09:00 America/Chicago', 'Asia/Tokyo', '2027-03-10T09:00:00-06:00', 'America/Chicago', true],
    ['May 29 2024, 9AM Central Time', undefined, '2024-05-29T09:00:00-05:00', 'America/Chicago', true],
    ['March 10, 2027 at 9:30 am PT', undefined, '2027-03-10T09:30:00-08:00', 'America/Los_Angeles', true],
    ['10 March 2027 14:00 CET', undefined, '2027-03-10T14:00:00+01:00', 'Europe/Berlin', true],
    ['Mar 10th 2027', 'America/Chicago', '2027-03-10T00:00:00-06:00', 'America/Chicago', false],
    ['Wednesday, March 10, 2027 9am ET', undefined, '2027-03-10T09:00:00-05:00', 'America/New_York', true],
    ['10 March 2027 at noon UTC', undefined, '2027-03-10T12:00:00Z', 'UTC', true],
    ['2027-03-10 09:00 UTC+2', undefined, '2027-03-10T09:00:00+02:00', 'UTC+2', true],
    ['2027-03-10 09:00 +05:30', undefined, '2027-03-10T09:00:00+05:30', 'UTC+5:30', true],
    ['2027-03-10, 9am to 5pm CT', undefined, '2027-03-10T09:00:00-06:00', 'America/Chicago', true],
    ['March 10 2027 9am local time', 'America/Chicago', '2027-03-10T09:00:00-06:00', 'America/Chicago', true],
    ['2027-03-10 (Wednesday)', 'UTC', '2027-03-10T00:00:00Z', 'UTC', false],
    ['**2027-03-10**', 'UTC', '2027-03-10T00:00:00Z', 'UTC', false],
  ])('%j (default %s) → %s in %s', (text, defaultZone, iso, zone, hasTime) => {
    const result = parseDateTime(text, { now: NOW, ...(defaultZone ? { defaultZone } : {}) });
    expect(result).toEqual({ ok: true, value: { iso, zone, hasTime, dateOnly: iso.slice(0, 10) } });
  });

  describe('numeric dates', () => {
    test.each([
      // Month first in a US zone (named for confirmation, see below).
      ['3/10/2027', '2027-03-10'],
      ['03/10/2027', '2027-03-10'],
      ['3/10/27', '2027-03-10'],
      ['12/1/2027', '2027-12-01'],
      // A first number over 12 can only be a day.
      ['13/03/2027', '2027-03-13'],
      // Dots are day first.
      ['10.03.2027', '2027-03-10'],
      ['2027/03/10', '2027-03-10'],
    ])('%j → %s', (text, date) => {
      const result = parseDateTime(text, { now: NOW, defaultZone: 'America/Chicago' });
      expect(result.ok && result.value.dateOnly).toBe(date);
    });

    test.each([
      ['04/03/2027', 'Europe/Berlin', '2027-03-04', '04/03 was read as 4 March (day first, as usual in Europe/Berlin), not 3 April'],
      ['04/03/2027', 'America/Chicago', '2027-04-03', '04/03 was read as 3 April (month first, as usual in America/Chicago), not 4 March'],
      ['04/03/2027 10:00 CET', 'America/Chicago', '2027-03-04', '04/03 was read as 4 March (day first, as usual in Europe/Berlin), not 3 April'],
    ])('%j in %s is read the usual way there, and named for confirmation', (text, zone, date, confirm) => {
      const result = parseDateTime(text, { now: NOW, defaultZone: zone });
      expect(result.ok && result.value.dateOnly).toBe(date);
      expect(result.ok && result.confirm).toBe(confirm);
    });

    test('a reading already in the past is ruled out, and nothing is left to confirm', () => {
      // On 1 June 2026, 05/07/26 in Chicago cannot be 7 May (past): it is 5 July, whatever the usual order there.
      const result = parseDateTime('05/07/26', { now: NOW, defaultZone: 'America/Chicago' });
      expect(result).toMatchObject({ ok: true, value: { dateOnly: '2026-07-05' } });
      expect(result.ok && result.confirm).toBeUndefined();
      expect(parseDateTime('13/03/2027', { now: NOW, defaultZone: 'America/Chicago' })).not.toHaveProperty('confirm');
    });
  });

  test('DST: the same wall-clock time gets the offset in force that day', () => {
    const before = parseDateTime('2027-03-10 09:00 America/Chicago', { now: NOW });
    const after = parseDateTime('2027-03-14 09:00 America/Chicago', { now: NOW });
    expect(before.ok && before.value.iso).toBe('2027-03-10T09:00:00-06:00');
    expect(after.ok && after.value.iso).toBe('2027-03-14T09:00:00-05:00');
  });

  test('a time skipped by the DST change is a failure', () => {
    expect(reason(parseDateTime('2027-03-14 02:30 America/Chicago', { now: NOW }))).toBe(
      '02:30 does not exist on 2027-03-14 in America/Chicago (the clocks go forward then)',
    );
  });

  describe('missing year: the next occurrence on or after now', () => {
    test.each([
      ['March 10', '2026-06-01T12:00:00Z', '2027-03-10'],
      ['June 1', '2026-06-01T12:00:00Z', '2026-06-01'],
      ['May 31', '2026-06-01T12:00:00Z', '2027-05-31'],
      ['Dec 1', '2026-06-01T12:00:00Z', '2026-12-01'],
      ['3/10', '2026-06-01T12:00:00Z', '2027-03-10'],
      ['3/10', '2026-01-01T12:00:00Z', '2026-03-10'],
      ['Feb 29', '2026-06-01T12:00:00Z', '2028-02-29'],
      // "now" is read in the zone: 03:00 UTC on June 1 is still May 31 in Chicago.
      ['May 31', '2026-06-01T03:00:00Z', '2026-05-31'],
    ])('%j with now %s → %s', (text, now, date) => {
      const result = parseDateTime(text, { now, defaultZone: 'America/Chicago' });
      expect(result.ok && result.value.dateOnly).toBe(date);
    });

    test('needs a valid now', () => {
      expect(reason(parseDateTime('March 10', { now: 'yesterday', defaultZone: 'UTC' }))).toMatch(/has no year/);
    });
  });

  test('defaultTime fills in a missing time but hasTime stays false', () => {
    const result = parseDateTime('2027-03-10', { now: NOW, defaultZone: 'America/Chicago', defaultTime: '09:30' });
    expect(result).toEqual({
      ok: true,
      value: { iso: '2027-03-10T09:30:00-06:00', zone: 'America/Chicago', hasTime: false, dateOnly: '2027-03-10' },
    });
    const written = parseDateTime('2027-03-10 14:00', { now: NOW, defaultZone: 'America/Chicago', defaultTime: '09:30' });
    expect(written.ok && written.value.iso).toBe('2027-03-10T14:00:00-06:00');
  });

  test('a default zone may be written any way parseTimeZone reads', () => {
    const result = parseDateTime('2027-03-10 09:00', { now: NOW, defaultZone: 'CT' });
    expect(result.ok && result.value.zone).toBe('America/Chicago');
    expect(reason(parseDateTime('2027-03-10', { now: NOW, defaultZone: 'Narnia' }))).toBe('the default time zone "Narnia" is not known');
  });

  test.each([
    ['next spring', 'could not read "next spring" as a date; write it like 2027-03-10 09:00 America/Chicago'],
    ['Feb 30 2027', 'there is no February 30 in 2027'],
    ['February 30, 2027 9am CT', 'there is no February 30 in 2027'],
    ['Feb 29 2027', 'there is no February 29 in 2027'],
    ['2027-02-30', 'there is no February 30 in 2027'],
    ['31/31/2027', 'there is no month 31; write it like 2027-03-10 09:00 America/Chicago (year-month-day)'],
    ['2027-13-01', 'there is no month 13; write it like 2027-03-10 09:00 America/Chicago (year-month-day)'],
    ['2027-03-10', '"2027-03-10" has no time zone; add one, like 2027-03-10 09:00 America/Chicago'],
    ['tomorrow', 'could not read "tomorrow" as a date; write it like 2027-03-10 09:00 America/Chicago'],
    ['next Friday', 'could not read "next Friday" as a date; write it like 2027-03-10 09:00 America/Chicago'],
    ['9am CT', '"9am CT" has a time but no date; write it like 2027-03-10 09:00 America/Chicago'],
    ['2027-03-10 9', 'could not read "2027-03-10 9" as a date; write it like 2027-03-10 09:00 America/Chicago'],
    ['2027-03-10 25:00 CT', '"2027-03-10 25:00 CT" has a time of day that does not exist; write it like 2027-03-10 09:00 America/Chicago'],
    ['Mar 10 - Mar 12 2027 CT', '"Mar 10 - Mar 12 2027 CT" is a range of dates; write a single date, like 2027-03-10 09:00 America/Chicago'],
    ['March 10 2027 or March 11 2027 CT', '"March 10 2027 or March 11 2027 CT" has more than one date; write a single date, like 2027-03-10 09:00 America/Chicago'],
    ['Wednesday, March 11, 2027 CT', '2027-03-11 is a Thursday, not a Wednesday'],
    ['2027-03-10T09:00:00-05:00 America/Chicago', 'the offset -05:00 does not match America/Chicago on 2027-03-10 (-06:00)'],
    ['March 10 2027 in the morning CT', 'could not read "March 10 2027 in the morning CT" as a date; write it like 2027-03-10 09:00 America/Chicago'],
    ['spring 2027', 'could not read "spring 2027" as a date; write it like 2027-03-10 09:00 America/Chicago'],
  ])('%j fails: %s', (text, expected) => {
    expect(parseDateTime(text, { now: NOW })).toEqual({ ok: false, reason: expected });
  });

  test.each(['TBD', 'TBA', '', '_No response_', '?', 'n/a'])('%j is missing', (text) => {
    expect(parseDateTime(text, { now: NOW, defaultZone: 'UTC' })).toEqual({ ok: false, missing: true, reason: 'not given' });
  });
});

describe('parseDailyHours', () => {
  test.each([
    ['9am - 5pm US/Pacific', '09:00', '17:00', 'America/Los_Angeles'],
    ['9:00-17:00 America/Chicago', '09:00', '17:00', 'America/Chicago'],
    ['09:00 to 16:30 CET', '09:00', '16:30', 'Europe/Berlin'],
    ['9-5 ET', '09:00', '17:00', 'America/New_York'],
    ['1pm–4pm', '13:00', '16:00', null],
    ['13:00 - 16:00 UTC', '13:00', '16:00', 'UTC'],
    ['1-4pm', '13:00', '16:00', null],
    ['11-2pm', '11:00', '14:00', null],
    ['9am-5', '09:00', '17:00', null],
    ['1-4', '13:00', '16:00', null],
    ['9 to 5', '09:00', '17:00', null],
    ['noon - 4pm', '12:00', '16:00', null],
    ['9.30-17.00 CET', '09:30', '17:00', 'Europe/Berlin'],
    ['01:00-04:00 UTC', '01:00', '04:00', 'UTC'],
    ['daily 9-5 ET', '09:00', '17:00', 'America/New_York'],
    ['ET 9am-5pm', '09:00', '17:00', 'America/New_York'],
    ['9am-5pm Central Time (US & Canada)', '09:00', '17:00', 'America/Chicago'],
    ['9am - 5pm (UTC+2)', '09:00', '17:00', 'UTC+2'],
    ['9:00 a.m. – 4:30 p.m. Pacific', '09:00', '16:30', 'America/Los_Angeles'],
  ])('%j → %s–%s %s', (text, start, end, zone) => {
    expect(parseDailyHours(text)).toEqual({ ok: true, value: { start, end, zone } });
  });

  test.each([
    ['9am-5pm, Mon-Fri', { start: '09:00', end: '17:00', zone: null, weekdays: [1, 2, 3, 4, 5] }],
    ['Tuesdays and Thursdays 1-4pm America/Los_Angeles', { start: '13:00', end: '16:00', zone: 'America/Los_Angeles', weekdays: [2, 4] }],
    ['Mon, Wed, Fri 10am-12pm ET', { start: '10:00', end: '12:00', zone: 'America/New_York', weekdays: [1, 3, 5] }],
    ['weekdays 9:00-17:00 Europe/Berlin', { start: '09:00', end: '17:00', zone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5] }],
    ['10pm - 2am Pacific', { start: '22:00', end: '02:00', zone: 'America/Los_Angeles' }],
    ['6pm - midnight', { start: '18:00', end: '00:00', zone: null }],
    ['830am – 5pm US/Eastern', { start: '08:30', end: '17:00', zone: 'America/New_York' }],
    ['12 pm - 530 pm PT', { start: '12:00', end: '17:30', zone: 'America/Los_Angeles' }],
    ['1:00pm - 5pm CST (New Orleans, USA)', { start: '13:00', end: '17:00', zone: 'America/Chicago' }],
  ])('%j: weekdays, overnight hours, times without a colon, a place after the zone', (text, value) => {
    expect(parseDailyHours(text)).toEqual({ ok: true, value });
  });

  test('the default zone applies when none is written, and not when one is', () => {
    expect(parseDailyHours('9-5', { defaultZone: 'America/Chicago' })).toEqual({
      ok: true,
      value: { start: '09:00', end: '17:00', zone: 'America/Chicago' },
    });
    expect(parseDailyHours('9-5 PT', { defaultZone: 'America/Chicago' })).toEqual({
      ok: true,
      value: { start: '09:00', end: '17:00', zone: 'America/Los_Angeles' },
    });
  });

  test.each([
    ['5pm-9am', 'the hours end (09:00) before they start (17:00); write them like 9am - 5pm America/Chicago'],
    ['17:00-09:00 UTC', 'the hours end (09:00) before they start (17:00); write them like 9am - 5pm America/Chicago'],
    ['9am-9am', 'the hours start and end at the same time (09:00)'],
    ['25:00-26:00', '"25:00-26:00" has a time of day that does not exist; write the hours like 9am - 5pm'],
    ['13pm-4pm', '"13pm-4pm" has a time of day that does not exist; write the hours like 9am - 5pm'],
    ['9am-5pm Narnia', 'could not read the time zone in "9am-5pm Narnia"; write them like 9am - 5pm America/Chicago'],
    ['lots', 'could not read "lots" as daily hours; write them like 9am - 5pm America/Chicago'],
    ['all day', 'could not read "all day" as daily hours; write them like 9am - 5pm America/Chicago'],
  ])('%j fails: %s', (text, expected) => {
    expect(parseDailyHours(text)).toEqual({ ok: false, reason: expected });
  });

  test.each(['TBD', '', '_No response_'])('%j is missing', (text) => {
    expect(parseDailyHours(text)).toEqual({ ok: false, missing: true, reason: 'not given' });
  });
});
