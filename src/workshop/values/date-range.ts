import type * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { MAX_LENGTH, failure, isMissingText, MISSING, normalise, quote, success, tooLong, withoutLinks, type ParseResult } from './common.js';
import { chronoDates, parseDateTime, type DateTimeValue, type ParseDateTimeOptions } from './date.js';
import { findTimeZone } from './zone.js';

/** First and last day of an event written as one value. */
export interface DateRangeValue {
  start: DateTimeValue;
  end: DateTimeValue;
}

const SPLIT = /\s+(?:-|\u2013|\u2014|to|through|thru|until|till)\s+/i;

/**
 * Reads the dates of an event written as one value: a range ("October 20-24, 2027", "20-24 October
 * 2027", "March 3 - March 5, 2027", "2027-03-10 to 2027-03-12") or a single date (a one-day event:
 * first and last day are the same). A zone written anywhere applies to both ends; a missing year is
 * taken from the other end, else the next such date after `now`.
 */
export function parseDateRange(text: string, options: ParseDateTimeOptions): ParseResult<DateRangeValue> {
  if (tooLong(text)) return failure('is too long to be dates');
  if (isMissingText(text)) return MISSING;
  const t = normalise(withoutLinks(text));
  if (t.length > MAX_LENGTH) return failure('is too long to be dates');
  const single = parseDateTime(t, options);
  if (single.ok) return success({ start: single.value, end: single.value }, single.confirm);

  const found = findTimeZone(t);
  const zoneText = found ? ` ${found.matched.replace(/\s*\(.*$/, '')}` : '';
  const body = found ? found.rest : t;
  const halves = splitRange(body);
  if (!halves) return failure(`could not read ${quote(text)} as dates; write them like 2027-03-10 to 2027-03-12`);
  const ends = halves.map((half) => parseDateTime(`${half}${zoneText}`, options));
  const [first, last] = ends;
  if (!first?.ok || !last?.ok) return failure(`could not read ${quote(text)} as dates; write them like 2027-03-10 to 2027-03-12`);
  const confirm = [first.confirm, last.confirm].filter(Boolean).join('; ');
  return success({ start: first.value, end: last.value }, confirm || undefined);
}

/** The two ends of a range as separate date texts, each with its month and year ("October 20, 2027", "October 24, 2027"). */
function splitRange(text: string): [string, string] | null {
  const results = chronoDates(text);
  const [r] = results;
  if (results.length === 1 && r && r.end && r.start.isCertain('day') && r.start.isCertain('month') && r.end.isCertain('day')) {
    const yearOf = (c: chrono.ParsedComponents) => (c.isCertain('year') ? c.get('year') : null);
    const startYear = yearOf(r.start) ?? yearOf(r.end);
    const endYear = yearOf(r.end) ?? yearOf(r.start);
    const write = (c: chrono.ParsedComponents, year: number | null | undefined, month: number | null | undefined) => {
      const date = DateTime.fromObject({ year: year ?? 2028, month: month ?? 1, day: c.get('day') ?? 1 });
      const clock = c.isCertain('hour') ? ` ${String(c.get('hour')).padStart(2, '0')}:${String(c.get('minute') ?? 0).padStart(2, '0')}` : '';
      return `${date.toFormat(year ? 'MMMM d, yyyy' : 'MMMM d')}${clock}`;
    };
    const endMonth = r.end.isCertain('month') ? r.end.get('month') : r.start.get('month');
    const left = text.slice(0, r.index) + text.slice(r.index + r.text.length);
    if (/[A-Za-z0-9]/.test(left.replace(/\b(?:from|on|dates?)\b/gi, ''))) return null;
    return [write(r.start, startYear, r.start.get('month')), write(r.end, endYear, endMonth)];
  }
  const parts = text.split(SPLIT);
  return parts.length === 2 && parts[0] && parts[1] ? [parts[0], parts[1]] : null;
}
