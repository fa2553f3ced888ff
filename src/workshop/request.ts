import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { findHub, hubNotFoundMessage } from './hubs.js';
import type { Problem, WorkshopRequest } from './types.js';
import {
  findTimeZone,
  parseCount,
  parseCpu,
  parseDailyHours,
  parseDateRange,
  parseDateTime,
  parseMemory,
  parseSizeGB,
  parseYesNo,
  readPeopleInText,
  stripInvisible,
  type DailyHoursValue,
  type DateTimeValue,
  type ParseResult,
} from './values/index.js';

/** Friendly field names used in problem sentences (match the labels of templates/issue-form/workshop.yml). */
export const FIELD_NAMES: Record<string, string> = {
  hub: 'Hub',
  community: 'Community',
  contact: 'Contact',
  start_date: 'Start date',
  end_date: 'End date',
  daily_hours: 'Daily active hours',
  attendees: 'Peak number of simultaneous attendees',
  memory: 'Memory per user',
  cpu: 'CPU per user',
  gpu: 'GPU',
  image: 'Container image',
  data_size: 'Data each attendee reads',
  data_source: 'Where the data comes from',
  dask: 'Dask',
  workload: 'About the workload',
};

export interface BuildRequestInput {
  title: string;
  fields: Record<string, string | null>;
  config: Config;
  /** ISO instant the request is judged at (the clock is an adapter). */
  now: string;
  /** Readings to confirm found while extracting the fields (see form.ts readFields); messages are phrases. */
  notes?: Problem[];
  /**
   * The start the app already accepted while it was still ahead (from its own, trusted marker). A start
   * in the past is a problem only when it differs from this one: a request valid when made stays valid
   * through its event.
   */
  acceptedStart?: string | null;
}

/**
 * `confirmations` are values read from ambiguous text and used anyway (a day/month order, a zone
 * abbreviation with two meanings, a range): the status comment asks the requester to confirm them.
 */
export type BuildRequestResult =
  | { ok: true; request: WorkshopRequest; problems: []; confirmations: Problem[] }
  | { ok: false; request: null; problems: Problem[]; confirmations: Problem[] };

const text = z.string().nullable();

/**
 * A field parsed by one of the free-text parsers; failures become zod issues naming the field, and
 * readings to confirm are added to `confirmations`.
 */
function parsed<T>(field: string, parser: (value: string) => ParseResult<T>, options: { required: boolean; confirmations?: Problem[] }) {
  return text.transform((value, ctx): T | null => {
    if (value === null) {
      if (options.required) ctx.addIssue({ code: 'custom', message: `${FIELD_NAMES[field] ?? field} is missing.` });
      return null;
    }
    const result = parser(value);
    if (result.ok) {
      if (result.confirm) options.confirmations?.push({ field, message: `${FIELD_NAMES[field] ?? field}: ${result.confirm}.` });
      return result.value;
    }
    if (result.missing && !options.required) return null;
    ctx.addIssue({
      code: 'custom',
      message: result.missing ? `${FIELD_NAMES[field] ?? field} is missing (it says "${value.trim()}").` : `${FIELD_NAMES[field] ?? field}: ${result.reason}.`,
    });
    return null;
  });
}

/**
 * The zod schema of the form fields: each free-text field through its parser, failures as issues
 * naming the field. The timing (start, end, daily hours and the zone they share) is assembled apart,
 * because a zone written in one field applies to the others, and so its problems are reported
 * together with the fields' problems rather than only after them.
 */
export function fieldsSchema(config: Config, confirmations: Problem[] = []) {
  return z.object({
    hub: text.transform((value, ctx) => {
      if (value === null) {
        ctx.addIssue({ code: 'custom', message: 'Hub is missing: give the address of the hub (for example https://…).' });
        return null;
      }
      const found = findHub(config, value);
      if (!found) {
        ctx.addIssue({ code: 'custom', message: hubNotFoundMessage(config, value) });
        return null;
      }
      return found;
    }),
    community: freeText.default(null),
    contact: freeText.transform((value) => (value !== null && POINTER.test(value) ? null : value)).default(null),
    attendees: parsed('attendees', readAttendees, { required: true, confirmations }),
    memory: parsed('memory', parseMemory, { required: false }).default(null),
    cpu: parsed('cpu', parseCpu, { required: false }).default(null),
    gpu: parsed('gpu', parseYesNo, { required: false }).default(null),
    image: freeText.default(null),
    data_size: parsed('data_size', parseSizeGB, { required: false }).default(null),
    data_source: freeText.default(null),
    dask: parsed('dask', parseYesNo, { required: false }).default(null),
    workload: text.default(null),
  });
}

/** Free text kept as written, without the zero-width characters a copy from a web page brings along. */
const freeText = text.transform((value) => (value === null ? null : stripInvisible(value) || null));

/** A pointer to somewhere else rather than a name ("See freshdesk ticket", "in the ticket"). */
const POINTER = /^(?:please\s+)?(?:see|refer to|check|in|per|as per|listed in|from)\b[^@]{0,60}\b(?:ticket|freshdesk|email|e-mail|thread|above|below|description|form|link)s?\b[\s.!)]*$/i;

/** A count of attendees; a sentence or a number with words around it is read, and named for confirmation. */
function readAttendees(value: string): ParseResult<number> {
  const count = parseCount(value);
  if (count.ok || count.missing) return count;
  return readPeopleInText(value) ?? count;
}

type Fields = z.infer<ReturnType<typeof fieldsSchema>>;

function assembleRequest(title: string, fields: Fields, timing: Timing): WorkshopRequest | null {
  if (!fields.hub || fields.attendees === null) return null;
  const defaults = fields.hub.hub.defaults;
  const assumptions: string[] = [];
  const memory = fields.memory ?? null;
  const cpu = fields.cpu ?? null;
  if (memory === null) assumptions.push(`Memory per user: the hub's default guarantee of ${formatGiB(defaults.memoryGuarantee)} was used.`);
  if (cpu === null) assumptions.push(`CPU per user: the hub's default guarantee of ${defaults.cpuGuarantee} CPU was used.`);
  if (fields.image === null && defaults.image) assumptions.push(`Container image: the hub's default image ${defaults.image} was used.`);
  return {
    title,
    hub: fields.hub.name,
    community: fields.community,
    contact: fields.contact,
    ...timing,
    attendees: fields.attendees,
    // What the community asked for is given as guarantee = limit: no oversubscription during events.
    cpuGuarantee: cpu ?? defaults.cpuGuarantee,
    cpuLimit: cpu ?? defaults.cpuLimit ?? defaults.cpuGuarantee,
    memoryGuaranteeBytes: memory ?? defaults.memoryGuarantee,
    memoryLimitBytes: memory ?? defaults.memoryLimit ?? defaults.memoryGuarantee,
    gpu: fields.gpu ?? false,
    image: fields.image ?? defaults.image ?? null,
    imageSizeGB: defaults.imageSizeGB,
    dataPerUserGB: fields.data_size ?? null,
    dataSource: fields.data_source,
    dask: fields.dask ?? false,
    workload: fields.workload,
    assumptions,
  };
}

type Timing = Pick<WorkshopRequest, 'timeZone' | 'start' | 'end' | 'dailyHours' | 'weekdays'>;
type TimingFields = { start_date: string | null; end_date: string | null; daily_hours: string | null };

/**
 * Start, end and daily hours in one zone: the zone may be written in any of the three fields. Each
 * field's problem is reported on that field only: unreadable hours do not make the dates "lack a
 * time zone". The start field's own time is kept (an earlier start is made ready), and a zone there
 * that differs from the hours' is converted and named for confirmation.
 */
function assembleTiming(fields: TimingFields, now: string, acceptedStart: string | null): { value: Timing | null; problems: Problem[]; confirmations: Problem[] } {
  const problems: Problem[] = [];
  const confirmations: Problem[] = [];
  const confirm = (field: string, result: { confirm?: string }) => {
    if (result.confirm) confirmations.push({ field, message: `${FIELD_NAMES[field]}: ${result.confirm}.` });
  };
  const written = [fields.daily_hours, fields.start_date, fields.end_date].map((text) => (text ? findTimeZone(text)?.zone ?? null : null));
  const exampleZone = written.find((zone) => zone !== null) ?? undefined;
  const like = `like 9am - 5pm ${exampleZone ?? 'America/Chicago'}`;
  const missing = (field: string, hint: string) => problems.push({ field, message: `${FIELD_NAMES[field]} is missing: ${hint}` });

  let hours: DailyHoursValue | null = null;
  if (fields.daily_hours === null) missing('daily_hours', `write the hours attendees use the hub each day, with the time zone, ${like}.`);
  else {
    const result = parseDailyHours(fields.daily_hours, exampleZone ? { exampleZone } : {});
    if (result.ok) {
      hours = result.value;
      confirm('daily_hours', result);
    } else problems.push({ field: 'daily_hours', message: `${FIELD_NAMES.daily_hours}: ${result.reason}.` });
  }

  // The zone of the workshop: the hours' own, else one written with the dates. Without any, the
  // dates are still read (in UTC) so that their own problems show, and the zone is asked for once.
  const timeZone = hours?.zone ?? written[1] ?? written[2] ?? null;
  if (hours && timeZone === null) {
    problems.push({ field: 'daily_hours', message: `${FIELD_NAMES.daily_hours}: no time zone is given here or with the dates; add one, ${like}.` });
  }
  const options = { now, defaultZone: timeZone ?? 'UTC', ...(exampleZone ? { exampleZone } : {}) };
  const dates = readDates(fields, options, problems, confirm);
  if (!dates || !hours || timeZone === null || problems.length) return { value: null, problems, confirmations };

  // Dates written in another zone than the hours are placed on the workshop's calendar.
  const inZone = (value: DateTimeValue) => DateTime.fromISO(value.iso, { setZone: true }).setZone(timeZone);
  for (const [field, value] of [['start_date', dates.start], ['end_date', dates.end]] as const) {
    const daily = field === 'start_date' ? hours.start : hours.end;
    if (value.hasTime && value.zone !== timeZone && inZone(value).offset !== DateTime.fromISO(value.iso, { setZone: true }).offset && inZone(value).toFormat('HH:mm') !== daily) {
      confirmations.push({ field, message: `${FIELD_NAMES[field]}: it is written in ${value.zone} and the daily hours in ${timeZone}; it was read as ${inZone(value).toFormat('ccc d LLL, HH:mm')} ${timeZone}.` });
    }
  }
  const startDay = dates.start.hasTime ? inZone(dates.start).toISODate() ?? dates.start.dateOnly : dates.start.dateOnly;
  const endDay = dates.end.hasTime ? inZone(dates.end).toISODate() ?? dates.end.dateOnly : dates.end.dateOnly;
  const start = { dateOnly: startDay };
  const end = { dateOnly: endDay };
  const overnight = hours.end <= hours.start;

  let first = DateTime.fromISO(`${start.dateOnly}T${hours.start}`, { zone: timeZone });
  let last = DateTime.fromISO(`${end.dateOnly}T${hours.end}`, { zone: timeZone }).plus({ days: overnight ? 1 : 0 });
  if (!first.isValid || !last.isValid) {
    problems.push({ field: 'start_date', message: `${FIELD_NAMES.start_date}: the dates and hours do not make a valid time in ${timeZone}.` });
    return { value: null, problems, confirmations };
  }
  // A start written earlier than the daily hours is when people arrive on the first day: ready by then.
  const writtenStart = dates.start.hasTime ? inZone(dates.start) : null;
  if (writtenStart && writtenStart.toISODate() === start.dateOnly && writtenStart < first) {
    confirmations.push({ field: 'start_date', message: `${FIELD_NAMES.start_date}: it says ${writtenStart.toFormat('HH:mm')}, before the daily hours start (${hours.start}); the first day is made ready for ${writtenStart.toFormat('HH:mm')}.` });
    first = writtenStart;
  }
  const writtenEnd = dates.end.hasTime ? inZone(dates.end) : null;
  if (writtenEnd && !overnight && writtenEnd.toISODate() === end.dateOnly && writtenEnd > last) {
    confirmations.push({ field: 'end_date', message: `${FIELD_NAMES.end_date}: it says ${writtenEnd.toFormat('HH:mm')}, after the daily hours end (${hours.end}); the last day is kept ready until ${writtenEnd.toFormat('HH:mm')}.` });
    last = writtenEnd;
  }
  if (last <= first) {
    problems.push({ field: 'end_date', message: `${FIELD_NAMES.end_date}: the workshop ends (${end.dateOnly}) before it starts (${start.dateOnly}).` });
  }
  if (first < DateTime.fromISO(now) && !sameInstant(first, acceptedStart)) {
    problems.push({ field: 'start_date', message: `${FIELD_NAMES.start_date}: ${start.dateOnly} is in the past.` });
  }
  const weekdays = hours.weekdays ?? null;
  if (weekdays && !problems.length && !hasWeekdayBetween(first, last, weekdays)) {
    problems.push({ field: 'daily_hours', message: `${FIELD_NAMES.daily_hours}: none of the days from ${start.dateOnly} to ${end.dateOnly} is a ${weekdays.map(weekdayName).join(' or ')}.` });
  }
  if (problems.length) return { value: null, problems, confirmations };
  return {
    value: {
      timeZone,
      start: first.toISO() ?? dates.start.iso,
      end: last.toISO() ?? dates.end.iso,
      dailyHours: { start: hours.start, end: hours.end },
      weekdays,
    },
    problems,
    confirmations,
  };
}

/**
 * First and last day. The start field may hold the whole range ("October 20-24, 2027"); when the
 * end field is empty or repeats it, its last day is the end. A single date with no end asks for
 * the end only.
 */
function readDates(
  fields: TimingFields,
  options: { now: string; defaultZone: string; exampleZone?: string },
  problems: Problem[],
  confirm: (field: string, result: { confirm?: string }) => void,
): { start: DateTimeValue; end: DateTimeValue } | null {
  const hint = `write the date like 2027-03-10.`;
  const startText = fields.start_date;
  const endText = fields.end_date;
  if (startText === null) {
    problems.push({ field: 'start_date', message: `${FIELD_NAMES.start_date} is missing: ${hint}` });
    if (endText === null) problems.push({ field: 'end_date', message: `${FIELD_NAMES.end_date} is missing: ${hint}` });
    return null;
  }
  const startRange = parseDateRange(startText, options);
  if (!startRange.ok) {
    problems.push({ field: 'start_date', message: startRange.missing ? `${FIELD_NAMES.start_date} is missing: ${hint}` : `${FIELD_NAMES.start_date}: ${startRange.reason}.` });
  } else confirm('start_date', startRange);
  const isRange = startRange.ok && startRange.value.start.dateOnly !== startRange.value.end.dateOnly;
  if (endText === null || endText.trim() === startText.trim()) {
    if (startRange.ok && (isRange || endText !== null)) return startRange.value;
    if (endText === null) problems.push({ field: 'end_date', message: `${FIELD_NAMES.end_date} is missing: ${hint}` });
    return null;
  }
  const end = parseDateTime(endText, options);
  if (!end.ok) {
    problems.push({ field: 'end_date', message: end.missing ? `${FIELD_NAMES.end_date} is missing: ${hint}` : `${FIELD_NAMES.end_date}: ${end.reason}.` });
    return null;
  }
  confirm('end_date', end);
  return startRange.ok ? { start: startRange.value.start, end: end.value } : null;
}

function hasWeekdayBetween(first: DateTime, last: DateTime, weekdays: number[]): boolean {
  for (let day = first.startOf('day'), i = 0; day <= last && i < 8; day = day.plus({ days: 1 }), i++) if (weekdays.includes(day.weekday)) return true;
  return false;
}

function weekdayName(day: number): string {
  return ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][day - 1] ?? String(day);
}

/** Builds and validates a request; every problem is a sentence naming the field, never an exception. */
export function buildRequest(input: BuildRequestInput): BuildRequestResult {
  const fieldConfirmations: Problem[] = [];
  const parsedFields = fieldsSchema(input.config, fieldConfirmations).safeParse(input.fields);
  const timing = assembleTiming(
    { start_date: input.fields.start_date ?? null, end_date: input.fields.end_date ?? null, daily_hours: input.fields.daily_hours ?? null },
    input.now,
    input.acceptedStart ?? null,
  );
  const problems: Problem[] = [
    ...(parsedFields.success ? [] : parsedFields.error.issues.map((issue) => ({ field: String(issue.path[0] ?? 'request'), message: issue.message }))),
    ...timing.problems,
  ];
  const request = parsedFields.success && timing.value ? assembleRequest(input.title, parsedFields.data, timing.value) : null;
  const notes = (input.notes ?? []).map((note) => ({ field: note.field, message: `${FIELD_NAMES[note.field] ?? note.field}: ${note.message}.` }));
  const confirmations = inFormOrder(dedupe([...notes, ...fieldConfirmations, ...timing.confirmations]));
  if (problems.length || !request) return { ok: false, request: null, problems: inFormOrder(dedupe(problems)), confirmations };
  return { ok: true, request, problems: [], confirmations };
}

function sameInstant(time: DateTime, iso: string | null): boolean {
  return iso !== null && DateTime.fromISO(iso).toMillis() === time.toMillis();
}

const FORM_ORDER = Object.keys(FIELD_NAMES);

function inFormOrder(problems: Problem[]): Problem[] {
  const rank = (p: Problem) => (FORM_ORDER.includes(p.field) ? FORM_ORDER.indexOf(p.field) : FORM_ORDER.length);
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}

function formatGiB(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return `${Number.isInteger(gib) ? gib : gib.toFixed(1)} GiB`;
}
