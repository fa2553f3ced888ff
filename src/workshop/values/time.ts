import { MAX_LENGTH, MISSING, failure, isMissingText, normalise, quote, success, tooLong, withoutLinks, type ParseResult } from './common.js';
import { readWeekdays } from './weekdays.js';
import { parseTimeZone } from './zone.js';

/** One clock time as written: `9`, `9am`, `9:30 p.m.`, `09:00`, `17.30`, `9h30`. */
const CLOCK = String.raw`(\d{1,2})(?:[:.](\d{2})(?::\d{2})?|h(\d{2})?)?\s?(a\.?m\.?|p\.?m\.?|a|p)?(?![A-Za-z0-9])`;
const SEPARATOR = String.raw`\s*(?:-|\u2010|\u2011|\u2012|\u2013|\u2014|~|to|until|till|til|through|thru|and)\s*`;
const RANGE = new RegExp(String.raw`(?<![\d:./\-])${CLOCK}${SEPARATOR}${CLOCK}`, 'i');

interface Clock {
  hour: number;
  minute: number;
  meridiem: 'am' | 'pm' | null;
  /** Written the 24-hour way: an hour of 0 or 13+, or a leading zero (`09:00`). */
  literal24: boolean;
}

function clock(groups: Array<string | undefined>): Clock {
  const [hour = '', minute, hMinute, meridiem] = groups;
  const m = meridiem?.toLowerCase().startsWith('p') ? 'pm' : meridiem ? 'am' : null;
  const h = Number(hour);
  return { hour: h, minute: Number(minute ?? hMinute ?? 0), meridiem: m, literal24: h === 0 || h >= 13 || hour.startsWith('0') };
}

/** 24-hour hour of a 12-hour clock time; null when the hour is not 1–12. */
function with12(hour: number, meridiem: 'am' | 'pm'): number | null {
  if (hour < 1 || hour > 12) return null;
  if (meridiem === 'am') return hour === 12 ? 0 : hour;
  return hour === 12 ? 12 : hour + 12;
}

function valid(c: Clock): boolean {
  if (c.minute > 59) return false;
  return c.meridiem ? with12(c.hour, c.meridiem) !== null : c.hour <= 23;
}

/** `HH:mm` for minutes since midnight. */
export function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "noon" and "midnight" as clock times the patterns read, and "830am" (no colon) as "8:30am". */
export function spellClockWords(text: string): string {
  return text
    .replace(/\bnoon\b/gi, '12pm')
    .replace(/\bmidnight\b/gi, '12am')
    .replace(/(?<![\d:.])(\d{1,2})([0-5]\d)\s?(a\.?m\.?|p\.?m\.?)(?![A-Za-z])/gi, '$1:$2$3');
}

/**
 * One time of day filling the whole text (a trailing "- 5pm" end time is allowed and ignored), for
 * the time after a date. Needs a colon or am/pm: a bare `9` is not read as a time. Returns minutes
 * since midnight, `'invalid'` for a time that cannot exist (`25:00`, `13pm`), null when not a time.
 */
export function readTimeOfDay(text: string): number | 'invalid' | null {
  const t = spellClockWords(text.trim());
  const match = new RegExp(String.raw`^t?${CLOCK}(?:${SEPARATOR}${CLOCK})?$`, 'i').exec(t);
  if (!match) return null;
  const c = clock(match.slice(1, 5));
  if (!c.meridiem && match[2] === undefined && match[3] === undefined) return null;
  if (!valid(c)) return 'invalid';
  return (c.meridiem ? (with12(c.hour, c.meridiem) ?? 0) : c.hour) * 60 + c.minute;
}

/** Start and end in 24-hour minutes, filling in am/pm the way people leave it out. */
function resolve(start: Clock, end: Clock): { start: number; end: number } {
  const at = (hour: number, minute: number) => hour * 60 + minute;
  if (start.meridiem && end.meridiem) {
    return { start: at(with12(start.hour, start.meridiem) ?? 0, start.minute), end: at(with12(end.hour, end.meridiem) ?? 0, end.minute) };
  }
  if (!start.meridiem && end.meridiem) {
    // "1-4pm" is 13:00–16:00, "11-2pm" is 11:00–14:00.
    const e = at(with12(end.hour, end.meridiem) ?? 0, end.minute);
    if (start.literal24) return { start: at(start.hour, start.minute), end: e };
    const same = with12(start.hour, end.meridiem);
    const other = with12(start.hour, end.meridiem === 'am' ? 'pm' : 'am');
    const s = same !== null && at(same, start.minute) < e ? same : (other ?? start.hour);
    return { start: at(s, start.minute), end: e };
  }
  if (start.meridiem && !end.meridiem) {
    // "9am-5" is 09:00–17:00.
    const s = at(with12(start.hour, start.meridiem) ?? 0, start.minute);
    let e = at(end.hour, end.minute);
    if (!end.literal24 && e <= s && end.hour < 12) e += 12 * 60;
    return { start: s, end: e };
  }
  if (start.literal24 || end.literal24) return { start: at(start.hour, start.minute), end: at(end.hour, end.minute) };
  // Neither has am/pm and nothing says 24-hour: "9-5" is 09:00–17:00, "1-4" is 13:00–16:00.
  const s = at(start.hour >= 1 && start.hour < 7 ? start.hour + 12 : start.hour, start.minute);
  let e = at(end.hour, end.minute);
  if (e <= s && end.hour < 12) e += 12 * 60;
  return { start: s, end: e };
}

/** Daily active hours: local wall-clock start and end, and the zone written with them if any. */
export interface DailyHoursValue {
  /** `HH:mm`, 24-hour. An end at or before the start runs past midnight ("10pm - 2am"). */
  start: string;
  end: string;
  /** IANA (or `UTC+2`) zone from the text, else the default zone, else null. */
  zone: string | null;
  /** ISO weekdays (1 = Monday … 7 = Sunday) when the text names them ("Tuesdays and Thursdays"), else absent. */
  weekdays?: number[];
}

const FILLER = /\b(?:daily|each day|every day|per day|a day|from|between|hours|approx(?:imately)?|about|roughly|around|local time|local|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?s?|weekdays?)\b|[(),;:\-\u2013\u2014]|\bto\b/gi;

/**
 * Reads the hours attendees use the hub each day: `9am - 5pm US/Pacific`, `9:00-17:00
 * America/Chicago`, `09:00 to 16:30 CET`, `9-5 ET`, `1pm–4pm`, `13:00 - 16:00 UTC`. When am/pm is
 * left out it is filled in the way people mean it: `9-5` is 09:00–17:00, `1-4` is 13:00–16:00,
 * `1-4pm` is 13:00–16:00; times with a leading zero or an hour of 13+ are read as 24-hour. The
 * hours must end after they start on the same day. The zone may be written before or after the
 * hours; without one, `defaultZone` (or null) is returned.
 */
export function parseDailyHours(text: string, options: { defaultZone?: string; exampleZone?: string } = {}): ParseResult<DailyHoursValue> {
  const like = `write them like 9am - 5pm ${options.exampleZone ?? 'America/Chicago'}`;
  if (tooLong(text)) return failure(`is too long to be daily hours; ${like}`);
  if (isMissingText(text)) return MISSING;
  const t = spellClockWords(normalise(withoutLinks(text)));
  if (t.length > MAX_LENGTH) return failure(`is too long to be daily hours; ${like}`);
  const match = RANGE.exec(t);
  if (!match) return failure(`could not read ${quote(text)} as daily hours; ${like}`);

  const start = clock(match.slice(1, 5));
  const end = clock(match.slice(5, 9));
  if (!valid(start) || !valid(end)) {
    return failure(`${quote(match[0])} has a time of day that does not exist; write the hours like 9am - 5pm`);
  }

  const days = readWeekdays((t.slice(0, match.index) + ' ' + t.slice(match.index + match[0].length)).trim());
  const zoneText = days.rest;
  let zone: string | null = options.defaultZone ?? null;
  let confirm: string | undefined;
  if (zoneText.replace(FILLER, ' ').trim() !== '') {
    const trimmed = zoneText.replace(/^[\s,;]*(?:from\s+)?/i, '').replace(/[\s,;]*$/, '');
    const parsed = parseTimeZone(/^\([^()]*\)$/.test(trimmed) || !trimmed.includes('(') ? trimmed.replace(/^\(|\)$/g, '') : trimmed);
    const stripped = parsed.ok ? parsed : parseTimeZone(zoneText.replace(FILLER, ' ').replace(/\s+/g, ' ').trim());
    if (!stripped.ok) return failure(`could not read the time zone in ${quote(text)}; ${like}`);
    zone = stripped.value;
    confirm = stripped.confirm;
  }

  const minutes = resolve(start, end);
  if (minutes.end === minutes.start) return failure(`the hours start and end at the same time (${hhmm(minutes.start)})`);
  // An end before the start runs past midnight ("10pm - 2am"); a window of more than 12 hours that
  // way is far more likely a slip ("5pm - 9am") than a real day.
  const length = (minutes.end - minutes.start + 24 * 60) % (24 * 60);
  if (minutes.end < minutes.start && length > 12 * 60) {
    return failure(`the hours end (${hhmm(minutes.end)}) before they start (${hhmm(minutes.start)}); ${like}`);
  }
  const value: DailyHoursValue = { start: hhmm(minutes.start), end: hhmm(minutes.end), zone, ...(days.weekdays ? { weekdays: days.weekdays } : {}) };
  return success(value, confirm);
}
