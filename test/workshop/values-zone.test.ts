import { describe, expect, test } from '@jest/globals';
import { DateTime } from 'luxon';
import { findTimeZone, parseTimeZone } from '../../src/workshop/values/index.js';

describe('parseTimeZone', () => {
  test.each([
    ['America/Chicago', 'America/Chicago'],
    ['america/chicago', 'America/Chicago'],
    ['AMERICA/NEW_YORK', 'America/New_York'],
    ['America/New York', 'America/New_York'],
    ['US/Pacific', 'America/Los_Angeles'],
    ['US/Eastern', 'America/New_York'],
    ['us/central', 'America/Chicago'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['Etc/UTC', 'UTC'],
    ['CT', 'America/Chicago'],
    ['CDT', 'America/Chicago'],
    ['Central', 'America/Chicago'],
    ['Central Time', 'America/Chicago'],
    ['Central Standard Time', 'America/Chicago'],
    ['US Central', 'America/Chicago'],
    ['Central Time (US & Canada)', 'America/Chicago'],
    ['ET', 'America/New_York'],
    ['EST', 'America/New_York'],
    ['EDT', 'America/New_York'],
    ['Eastern', 'America/New_York'],
    ['MT', 'America/Denver'],
    ['MST', 'America/Denver'],
    ['MDT', 'America/Denver'],
    ['Mountain', 'America/Denver'],
    ['PT', 'America/Los_Angeles'],
    ['PST', 'America/Los_Angeles'],
    ['PDT', 'America/Los_Angeles'],
    ['Pacific', 'America/Los_Angeles'],
    ['Pacific Time', 'America/Los_Angeles'],
    ['AKT', 'America/Anchorage'],
    ['HST', 'Pacific/Honolulu'],
    ['UTC', 'UTC'],
    ['GMT', 'UTC'],
    ['CET', 'Europe/Berlin'],
    ['CEST', 'Europe/Berlin'],
    ['Central European Time', 'Europe/Berlin'],
    ['AEST', 'Australia/Sydney'],
    ['AEDT', 'Australia/Sydney'],
    ['NZST', 'Pacific/Auckland'],
    ['JST', 'Asia/Tokyo'],
    ['SAST', 'Africa/Johannesburg'],
    ['BRT', 'America/Sao_Paulo'],
    ['UTC+2', 'UTC+2'],
    ['UTC+0', 'UTC'],
    ['GMT-5', 'UTC-5'],
    ['UTC+05:30', 'UTC+5:30'],
    ['+05:30', 'UTC+5:30'],
    ['-0600', 'UTC-6'],
    ['Chicago', 'America/Chicago'],
    ['London time', 'Europe/London'],
    ['America/Chicago (CST)', 'America/Chicago'],
    ['(CET)', 'Europe/Berlin'],
  ])('%j → %s', (text, zone) => {
    expect(parseTimeZone(text)).toEqual({ ok: true, value: zone });
  });

  test.each([
    ['CST', 'America/Chicago', 'CST was read as US Central time (America/Chicago); it can also mean China (Asia/Shanghai)'],
    ['cst', 'America/Chicago', 'CST was read as US Central time (America/Chicago); it can also mean China (Asia/Shanghai)'],
    ['BST', 'Europe/London', 'BST was read as British Summer Time time (Europe/London); it can also mean Bangladesh (Asia/Dhaka)'],
    ['IST', 'Asia/Kolkata', 'IST was read as India time (Asia/Kolkata); it can also mean Ireland (Europe/Dublin) or Israel (Asia/Jerusalem)'],
  ])('%j has two meanings: %s is used and named for confirmation', (text, zone, confirm) => {
    expect(parseTimeZone(text)).toEqual({ ok: true, value: zone, confirm });
  });

  test.each([
    ['CST (New Orleans, USA)', 'America/Chicago'],
    ['CST (Shanghai)', 'Asia/Shanghai'],
    ['IST (Dublin)', 'Europe/Dublin'],
    ['IST (Bengaluru)', 'Asia/Kolkata'],
    ['CET (Italy)', 'Europe/Berlin'],
  ])('a place next to the abbreviation decides: %j → %s, nothing to confirm', (text, zone) => {
    expect(parseTimeZone(text)).toEqual({ ok: true, value: zone });
  });

  test.each(['UTC+2', 'UTC-5', 'UTC+5:30'])('luxon accepts the fixed zone %s', (zone) => {
    expect(DateTime.fromObject({ year: 2027, month: 3, day: 10 }, { zone }).isValid).toBe(true);
  });

  test.each(['next spring', 'Mars/Olympus', 'UTC+15', '+2', 'Narnia time', 'CT and PT'])('%j is not a zone', (text) => {
    expect(parseTimeZone(text)).toEqual({ ok: false, reason: `could not read ${JSON.stringify(text)} as a time zone; write it like America/Chicago` });
  });

  test.each(['TBD', '', '_No response_'])('%j is missing', (text) => {
    expect(parseTimeZone(text)).toEqual({ ok: false, missing: true, reason: 'not given' });
  });
});

describe('findTimeZone', () => {
  test.each([
    ['May 29 2024, 9AM Central Time', 'America/Chicago', 'May 29 2024, 9AM', 'Central Time'],
    ['March 10, 2027 at 9:30 am PT', 'America/Los_Angeles', 'March 10, 2027 at 9:30 am', 'PT'],
    ['10 March 2027 14:00 CET', 'Europe/Berlin', '10 March 2027 14:00', 'CET'],
    ['2027-03-10 09:00 America/Chicago', 'America/Chicago', '2027-03-10 09:00', 'America/Chicago'],
    ['9am - 5pm (US/Pacific)', 'America/Los_Angeles', '9am - 5pm', 'US/Pacific'],
    ['9-5 ET', 'America/New_York', '9-5', 'ET'],
    ['9am Chicago time', 'America/Chicago', '9am', 'Chicago time'],
    ['2027-03-10 09:00 +05:30', 'UTC+5:30', '2027-03-10 09:00', '+05:30'],
    ['2027-03-10 09:00 UTC+2', 'UTC+2', '2027-03-10 09:00', 'UTC+2'],
    ['n/a America/Denver', 'America/Denver', 'n/a', 'America/Denver'],
    ['EST: 2027-03-10', 'America/New_York', '2027-03-10', 'EST'],
  ])('%j → %s, rest %j', (text, zone, rest, matched) => {
    expect(findTimeZone(text)).toEqual({ zone, rest, matched });
  });

  test.each([
    '2027-03-10 09:00',
    '09:00-17:00',
    '3/10/2027',
    'Mar 10th 2027',
    'May 29 2024, 9AM',
    // Abbreviations that are English words are only zones in capitals.
    'art and cats, we eat at the cot',
    'yes/no',
  ])('%j has no zone', (text) => {
    expect(findTimeZone(text)).toBeNull();
  });

  test('capitalised word-like abbreviations are zones', () => {
    expect(findTimeZone('9am CAT')?.zone).toBe('Africa/Maputo');
  });
});
