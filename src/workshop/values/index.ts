/**
 * Pure parsers for the free-text values people type into the workshop issue form.
 *
 * Every parser takes any string and returns a ParseResult, never throwing: `{ ok: true, value }`
 * or `{ ok: false, reason }`, where `reason` is a short phrase that reads after the field label
 * ("Start date: could not read "next spring" as a date; write it like …"). Blank values and
 * placeholders (TBD, TBA, unknown, ?, n/a, -, `_No response_`, None) give
 * `{ ok: false, missing: true, reason: 'not given' }`. No parser reads the clock: parseDateTime
 * takes `now` as an option.
 *
 * Split by topic: zone.ts (time zones), date.ts (dates), date-range.ts (first and last day in one
 * value), time.ts (daily hours), weekdays.ts (days of the week), amount.ts (counts, memory, CPU, data
 * sizes), people.ts (a count of people in a sentence), choice.ts (yes/no, "use the hub's default"),
 * common.ts (the result type and clean-up).
 */
export { MISSING, isMissingText, stripInvisible, type ParseResult } from './common.js';
export { findTimeZone, parseTimeZone, type FoundZone } from './zone.js';
export { parseDateTime, type DateTimeValue, type ParseDateTimeOptions } from './date.js';
export { parseDateRange, type DateRangeValue } from './date-range.js';
export { readWeekdays } from './weekdays.js';
export { parseDailyHours, type DailyHoursValue } from './time.js';
export { parseCount, parseCpu, parseMemory, parseSizeGB } from './amount.js';
export { readPeopleInText } from './people.js';
export { isHubDefaultChoice, parseYesNo } from './choice.js';
