import * as chrono from 'chrono-node';
import { DateTime, FixedOffsetZone, IANAZone } from 'luxon';
import { MAX_LENGTH, MISSING, failure, isMissingText, normalise, quote, success, tooLong, withoutLinks, type ParseResult } from './common.js';
import { hhmm, readTimeOfDay, spellClockWords } from './time.js';
import { findTimeZone, parseTimeZone } from './zone.js';

/** A date (and maybe time) read from a form, placed in a time zone. */
export interface DateTimeValue {
  /** ISO 8601 with the zone's offset at that moment, e.g. `2027-03-10T09:00:00-06:00`. */
  iso: string;
  /** IANA zone (or fixed offset like `UTC+2`) the wall-clock time was read in. */
  zone: string;
  /** The text gave a time of day; when false, `iso` uses `defaultTime` or midnight. */
  hasTime: boolean;
  /** `yyyy-MM-dd`, the local date in `zone`. */
  dateOnly: string;
}

/** Options of parseDateTime. */
export interface ParseDateTimeOptions {
  /** Zone for wall-clock times written without one (any form parseTimeZone reads). */
  defaultZone?: string;
  /** ISO instant the request is judged at; a date without a year is the next one on or after it. */
  now: string;
  /** `HH:mm` used for `iso` when the text has no time (hasTime stays false). */
  defaultTime?: string;
  /** Zone used in the examples of failure reasons (the request's own zone); America/Chicago otherwise. */
  exampleZone?: string;
}

const LIKE = 'like 2027-03-10 09:00 America/Chicago';
const EXAMPLE = `write it ${LIKE}`;
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTH = String.raw`(january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep|october|oct|november|nov|december|dec)\.?(?![a-z])`;
const WEEKDAY_PREFIX = /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thur?s?|fri|sat|sun)\.?,?\s+/i;
const FILLER_LEFT = /^(?:[\s,.;:@()\-\u2013\u2014]|\b(?:on|at|from|starting|start|starts|beginning|begins|around|about|approx(?:imately)?|local|time)\b)*$/i;

interface Parts {
  year: number | null;
  month: number;
  day: number;
  /** Minutes since midnight, when written. */
  time: number | null;
  /** 1 = Monday … 7 = Sunday, when written. */
  weekday: number | null;
  /** Fixed offset in minutes found by chrono when we found no zone. */
  offset: number | null;
  /** A slashed date whose two numbers could each be the month (04/03/2027): month first is in month/day. */
  eitherOrder?: true;
}

/** Numeric dates: 2027-03-10, 2027/03/10, 3/10/2027 (US: month first), 10.03.2027 (day first). */
function numericDate(text: string): Parts | 'invalid-time' | null {
  let t = text.trim();
  let weekday: number | null = null;
  const prefix = WEEKDAY_PREFIX.exec(t);
  if (prefix && prefix[1]) {
    weekday = WEEKDAYS.findIndex((d) => d.startsWith(prefix[1]?.toLowerCase().slice(0, 3) ?? '')) + 1;
    t = t.slice(prefix[0].length);
  }
  let year: number | null;
  let month: number;
  let day: number;
  let m: RegExpExecArray | null;
  let eitherOrder = false;
  if ((m = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})/.exec(t))) {
    [year, month, day] = [Number(m[1]), Number(m[3]), Number(m[4])];
  } else if ((m = /^(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?(?![\d/])/.exec(t))) {
    // US order: month/day/year; a first number over 12 can only be a day (13/03/2027).
    const [a, b] = [Number(m[1]), Number(m[2])];
    [month, day] = a > 12 && b <= 12 ? [b, a] : [a, b];
    year = m[3] === undefined ? null : m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
    if (a !== b && a >= 1 && a <= 12 && b >= 1 && b <= 12) eitherOrder = true;
  } else if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d.])/.exec(t))) {
    [day, month] = [Number(m[1]), Number(m[2])];
    year = m[3] && m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  } else return null;
  const after = t
    .slice(m[0].length)
    .replace(/\s*\((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\)\s*/i, ' ')
    .replace(/^\s*(?:,|t|at|@|from|starting at|starting)?\s*/i, '')
    .trim();
  let time: number | null = null;
  if (after !== '') {
    const read = readTimeOfDay(after);
    if (read === 'invalid') return 'invalid-time';
    if (read === null) return null;
    time = read;
  }
  return { year, month, day, time, weekday, offset: null, ...(eitherOrder ? { eitherOrder } : {}) };
}

/**
 * chrono's reference date. Only the components chrono marks certain are used (the year is inferred
 * from `now` by parseDateTime), so a fixed date in a leap year lets chrono accept "Feb 29".
 */
const CHRONO_REFERENCE = new Date(Date.UTC(2028, 5, 15, 12));

/** The dates chrono finds in `text` (strict mode: no "tomorrow" or "next Friday"); none when it throws. */
export function chronoDates(text: string): chrono.ParsedResult[] {
  try {
    return chrono.strict.parse(text, CHRONO_REFERENCE);
  } catch {
    return [];
  }
}

/** Words-and-numbers dates, read by chrono. */
function wordDate(text: string, original: string): Parts | { reason: string } | null {
  const results = chronoDates(text);
  const [r] = results;
  if (!r) return null;
  if (results.length > 1) return { reason: `${quote(original)} has more than one date; write a single date, ${LIKE}` };
  const left = text.slice(0, r.index) + ' ' + text.slice(r.index + r.text.length);
  if (!FILLER_LEFT.test(left)) return null;
  if (!r.start.isCertain('day') || !r.start.isCertain('month')) {
    return r.start.isCertain('hour') ? { reason: `${quote(original)} has a time but no date; ${EXAMPLE}` } : null;
  }
  const month = r.start.get('month') ?? 0;
  const day = r.start.get('day') ?? 0;
  if (r.end && r.end.isCertain('day') && (r.end.get('day') !== day || r.end.get('month') !== month)) {
    return { reason: `${quote(original)} is a range of dates; write a single date, ${LIKE}` };
  }
  const chronoWeekday = r.start.isCertain('weekday') ? r.start.get('weekday') : null;
  return {
    year: r.start.isCertain('year') ? (r.start.get('year') ?? null) : null,
    month,
    day,
    time: r.start.isCertain('hour') ? (r.start.get('hour') ?? 0) * 60 + (r.start.get('minute') ?? 0) : null,
    weekday: chronoWeekday === null || chronoWeekday === undefined ? null : chronoWeekday === 0 ? 7 : chronoWeekday,
    offset: r.start.isCertain('timezoneOffset') ? (r.start.get('timezoneOffset') ?? null) : null,
  };
}

function daysIn(month: number, year: number | null): number {
  if (month < 1 || month > 12) return 0;
  return DateTime.local(year ?? 2028, month, 1).daysInMonth ?? 0;
}

/** A reason when the text names a day its month does not have ("Feb 30 2027"), else null. */
function impossibleDay(text: string): string | null {
  const patterns = [
    new RegExp(String.raw`\b${MONTH}\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?`, 'i'),
    new RegExp(String.raw`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?${MONTH}(?:,?\s+(\d{4}))?`, 'i'),
  ];
  for (const [i, pattern] of patterns.entries()) {
    const m = pattern.exec(text);
    if (!m) continue;
    const [monthText, dayText] = i === 0 ? [m[1], m[2]] : [m[2], m[1]];
    const month = MONTHS.findIndex((name) => name.startsWith(monthText?.toLowerCase() ?? '-')) + 1;
    const day = Number(dayText);
    const year = m[3] ? Number(m[3]) : null;
    if (month > 0 && (day < 1 || day > daysIn(month, year))) return dayReason(month, day, year);
  }
  return null;
}

function dayReason(month: number, day: number, year: number | null): string {
  if (month < 1 || month > 12) return `there is no month ${month}; ${EXAMPLE} (year-month-day)`;
  return `there is no ${MONTHS[month - 1]?.replace(/^./, (c) => c.toUpperCase())} ${day}${year === null ? '' : ` in ${year}`}`;
}

// Zone validity goes through a new Intl.DateTimeFormat each time (~50 µs): remembered per name.
const zoneValidity = new Map<string, boolean>();

function zoneOk(zone: string): boolean {
  let ok = zoneValidity.get(zone);
  if (ok === undefined) {
    ok = IANAZone.isValidZone(zone) || FixedOffsetZone.parseSpecifier(zone) !== null || zone === 'UTC';
    if (zoneValidity.size < 1000) zoneValidity.set(zone, ok);
  }
  return ok;
}

function offsetText(minutes: number): string {
  return FixedOffsetZone.instance(minutes).formatOffset(0, 'short');
}

/** An ISO timestamp with an explicit offset: `2027-03-10T09:00:00-06:00`, `…Z`, optionally followed by a zone name. */
function isoWithOffset(t: string, defaultZone: string | null): ParseResult<DateTimeValue> | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s?(Z|[+-]\d{2}(?::?\d{2})?)(?:\s+(.+))?$/i.exec(t);
  if (!m || Number(m[3]?.slice(1, 3) ?? 0) > 14) return null;
  const dt = DateTime.fromISO(`${m[1]}T${m[2]}${m[3]?.toUpperCase()}`, { setZone: true });
  if (!dt.isValid) return failure(`${quote(t)} is not a real date and time; ${EXAMPLE}`);
  let zone: string = FixedOffsetZone.instance(dt.offset).name;
  if (m[4]) {
    const named = parseTimeZone(m[4]);
    if (!named.ok) return failure(`could not read the time zone in ${quote(t)}; ${EXAMPLE}`);
    if (dt.setZone(named.value).offset !== dt.offset) {
      return failure(`the offset ${offsetText(dt.offset)} does not match ${named.value} on ${m[1]} (${offsetText(dt.setZone(named.value).offset)})`);
    }
    zone = named.value;
  } else if (defaultZone && dt.setZone(defaultZone).offset === dt.offset) {
    zone = defaultZone;
  }
  const local = dt.setZone(zone);
  return success({ iso: local.toISO({ suppressMilliseconds: true }) ?? t, zone, hasTime: true, dateOnly: local.toISODate() ?? m[1] ?? '' });
}

/**
 * Reads a date, with an optional time and zone, as people write it in a form:
 * `2027-03-10`, `2027-03-10 09:00`, `2027-03-10T09:00:00-06:00`, `2027-03-10 09:00 America/Chicago`,
 * `May 29 2024, 9AM Central Time`, `March 10, 2027 at 9:30 am PT`, `10 March 2027 14:00 CET`,
 * `Mar 10th 2027`, `3/10/2027`.
 *
 * - Slashed numeric dates are US order, month first (`3/10/2027` is March 10), unless the first
 *   number is over 12 (`13/03/2027` is March 13). Dotted dates are day first (`10.03.2027`).
 *   Two-digit years are 20xx.
 * - Wall-clock times are read in the zone written in the text, else `defaultZone`; with neither the
 *   result is a failure asking for a time zone. An explicit offset (`-06:00`, `Z`) is kept as a fixed
 *   zone (`UTC-6`) unless `defaultZone` has the same offset at that moment.
 * - Without a year the date is the next one on or after `now`'s date in that zone (June 2026 +
 *   "March 10" → 2027-03-10; "June 1" on June 1 → that day).
 * - Impossible dates (Feb 30), times skipped by a DST change, relative words ("next Friday",
 *   "tomorrow") and anything left over that is not a date are failures.
 */
export function parseDateTime(text: string, options: ParseDateTimeOptions): ParseResult<DateTimeValue> {
  const result = readDateTime(text, options);
  const zone = options.exampleZone;
  if (result.ok || !zone || zone === 'America/Chicago') return result;
  // Only the example changes: a quoted value that names America/Chicago stays as written.
  return { ...result, reason: result.reason.split(LIKE).join(LIKE.replace('America/Chicago', zone)) };
}

function readDateTime(text: string, options: ParseDateTimeOptions): ParseResult<DateTimeValue> {
  if (tooLong(text)) return failure(`is too long to be a date; ${EXAMPLE}`);
  if (isMissingText(text)) return MISSING;
  const t = normalise(withoutLinks(text));
  if (t.length > MAX_LENGTH) return failure(`is too long to be a date; ${EXAMPLE}`);

  let defaultZone: string | null = null;
  if (options.defaultZone) {
    const d = parseTimeZone(options.defaultZone);
    if (!d.ok) return failure(`the default time zone ${quote(options.defaultZone)} is not known`);
    defaultZone = d.value;
  }

  const withOffset = isoWithOffset(t, defaultZone);
  if (withOffset) return withOffset;

  const found = findTimeZone(t);
  const body = spellClockWords(found ? found.rest : t);
  const cannotRead = failure<DateTimeValue>(`could not read ${quote(text)} as a date; ${EXAMPLE}`);
  const nowDate = DateTime.fromISO(options.now, { setZone: true });

  let parts: Parts;
  const numeric = numericDate(body);
  if (numeric === 'invalid-time') return failure(`${quote(text)} has a time of day that does not exist; ${EXAMPLE}`);
  if (numeric) parts = numeric;
  else {
    const impossible = impossibleDay(body);
    if (impossible) return failure(impossible);
    const words = wordDate(body, text);
    if (words === null) return cannotRead;
    if ('reason' in words) return failure(words.reason);
    parts = words;
  }
  if (parts.month < 1 || parts.month > 12 || parts.day < 1 || parts.day > daysIn(parts.month, parts.year)) {
    return failure(dayReason(parts.month, parts.day, parts.year));
  }

  const zone = found?.zone ?? (parts.offset !== null ? FixedOffsetZone.instance(parts.offset).name : defaultZone);
  if (!zone) return failure(`${quote(text)} has no time zone; add one, ${LIKE}`);
  if (!zoneOk(zone)) return failure(`the time zone ${quote(zone)} is not known`);

  let confirm = found?.confirm;
  if (parts.eitherOrder) {
    const order = chooseOrder(parts, zone, nowDate);
    parts = { ...parts, month: order.month, day: order.day };
    if (order.confirm) confirm = confirm ? `${order.confirm}; ${confirm}` : order.confirm;
  }
  let year = parts.year;
  if (year === null) {
    if (!nowDate.isValid) return failure(`${quote(text)} has no year; ${EXAMPLE}`);
    year = nextYearOf(parts.month, parts.day, zone, nowDate);
    if (year === null) return failure(dayReason(parts.month, parts.day, null));
  }
  if (year < 1900 || year > 2999) return failure(`the year ${year} looks wrong; ${EXAMPLE}`);

  let minutes = parts.time;
  if (minutes === null && options.defaultTime) {
    const d = /^(\d{2}):(\d{2})$/.exec(options.defaultTime);
    if (d && Number(d[1]) < 24 && Number(d[2]) < 60) minutes = Number(d[1]) * 60 + Number(d[2]);
  }
  const hour = Math.floor((minutes ?? 0) / 60);
  const minute = (minutes ?? 0) % 60;
  const dt = DateTime.fromObject({ year, month: parts.month, day: parts.day, hour, minute }, { zone });
  if (!dt.isValid) return failure(dayReason(parts.month, parts.day, year));
  if (parts.time !== null && (dt.hour !== hour || dt.minute !== minute)) {
    return failure(`${hhmm(parts.time)} does not exist on ${dt.toISODate()} in ${zone} (the clocks go forward then)`);
  }
  if (parts.weekday !== null && parts.weekday !== dt.weekday) {
    const named = (n: number) => (WEEKDAYS[n - 1] ?? '').replace(/^./, (c) => c.toUpperCase());
    return failure(`${dt.toISODate()} is a ${named(dt.weekday)}, not a ${named(parts.weekday)}`);
  }
  return success({ iso: dt.toISO({ suppressMilliseconds: true }) ?? '', zone, hasTime: parts.time !== null, dateOnly: dt.toISODate() ?? '' }, confirm);
}

/** The first year from `now`'s on which month/day falls on or after today in `zone`; null if none (Feb 29 far off). */
function nextYearOf(month: number, day: number, zone: string, nowDate: DateTime): number | null {
  const today = nowDate.setZone(zone).startOf('day');
  for (let y = today.year; y <= today.year + 8; y++) {
    const candidate = DateTime.fromObject({ year: y, month, day }, { zone });
    if (candidate.isValid && candidate >= today) return y;
  }
  return null;
}

/** Zones whose people write the month first (04/03 is April 3); everywhere else the day comes first. */
function monthFirstZone(zone: string): boolean {
  return /^(?:America\/|US\/|Pacific\/Honolulu|Pacific\/Guam|Asia\/Manila)/.test(zone) && !/^America\/(?:Sao_Paulo|Argentina|Bogota|Lima|Santiago|Caracas|Montevideo|Asuncion|La_Paz|Mexico_City|Guatemala|Havana)/.test(zone);
}

/**
 * Day and month of a slashed date whose numbers could be either (04/03/2027), read as an engineer
 * would: a reading already in the past is ruled out; otherwise the order usual in the request's zone
 * is taken and named for the requester to confirm.
 */
function chooseOrder(parts: Parts, zone: string, nowDate: DateTime): { month: number; day: number; confirm?: string } {
  const monthFirst = { month: parts.month, day: parts.day };
  const dayFirst = { month: parts.day, day: parts.month };
  if (nowDate.isValid && parts.year !== null) {
    const today = nowDate.setZone(zone).startOf('day');
    const ahead = (r: { month: number; day: number }) => DateTime.fromObject({ year: parts.year ?? 0, ...r }, { zone }) >= today;
    if (ahead(monthFirst) !== ahead(dayFirst)) return ahead(monthFirst) ? monthFirst : dayFirst;
  }
  const usual = monthFirstZone(zone);
  const chosen = usual ? monthFirst : dayFirst;
  const name = `${chosen.day} ${MONTHS[chosen.month - 1]?.replace(/^./, (c) => c.toUpperCase())}`;
  const other = `${(usual ? dayFirst : monthFirst).day} ${MONTHS[(usual ? dayFirst : monthFirst).month - 1]?.replace(/^./, (c) => c.toUpperCase())}`;
  return { ...chosen, confirm: `${String(parts.month).padStart(2, '0')}/${String(parts.day).padStart(2, '0')} was read as ${name} (${usual ? 'month' : 'day'} first, as usual in ${zone}), not ${other}` };
}
