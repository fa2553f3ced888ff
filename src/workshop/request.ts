import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Config } from '../config/schema.js';
import { findHub, hubNotFoundMessage } from './hubs.js';
import type { Problem, WorkshopRequest } from './types.js';
import {
  parseCount,
  parseCpu,
  parseDailyHours,
  parseDateTime,
  parseMemory,
  parseSizeGB,
  parseYesNo,
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
  /**
   * The start the app already accepted while it was still ahead (from its own, trusted marker). A start
   * in the past is a problem only when it differs from this one: a request valid when made stays valid
   * through its event.
   */
  acceptedStart?: string | null;
}

export type BuildRequestResult =
  | { ok: true; request: WorkshopRequest; problems: [] }
  | { ok: false; request: null; problems: Problem[] };

const text = z.string().nullable();

/** A field parsed by one of the free-text parsers; failures become zod issues naming the field. */
function parsed<T>(field: string, parser: (value: string) => ParseResult<T>, options: { required: boolean }) {
  return text.transform((value, ctx): T | null => {
    if (value === null) {
      if (options.required) ctx.addIssue({ code: 'custom', message: `${FIELD_NAMES[field] ?? field} is missing.` });
      return null;
    }
    const result = parser(value);
    if (result.ok) return result.value;
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
export function fieldsSchema(config: Config) {
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
    community: text.default(null),
    contact: text.default(null),
    attendees: parsed('attendees', parseCount, { required: true }),
    memory: parsed('memory', parseMemory, { required: false }).default(null),
    cpu: parsed('cpu', parseCpu, { required: false }).default(null),
    gpu: parsed('gpu', parseYesNo, { required: false }).default(null),
    image: text.default(null),
    data_size: parsed('data_size', parseSizeGB, { required: false }).default(null),
    data_source: text.default(null),
    dask: parsed('dask', parseYesNo, { required: false }).default(null),
    workload: text.default(null),
  });
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

type Timing = Pick<WorkshopRequest, 'timeZone' | 'start' | 'end' | 'dailyHours'>;

/** Start, end and daily hours in one zone: the zone may be written in any of the three fields. */
function assembleTiming(
  fields: { start_date: string | null; end_date: string | null; daily_hours: string | null },
  now: string,
  acceptedStart: string | null,
): { value: Timing | null; problems: Problem[] } {
  const problems: Problem[] = [];
  const missing = (field: string, hint: string) => problems.push({ field, message: `${FIELD_NAMES[field]} is missing: ${hint}` });

  let hours: { start: string; end: string; zone: string | null } | null = null;
  if (fields.daily_hours === null) missing('daily_hours', 'write the hours attendees use the hub each day, like "9am - 5pm America/Chicago".');
  else {
    const result = parseDailyHours(fields.daily_hours, {});
    if (result.ok) hours = result.value;
    else problems.push({ field: 'daily_hours', message: `${FIELD_NAMES.daily_hours}: ${result.reason}.` });
  }

  const readDate = (field: 'start_date' | 'end_date', value: string | null, defaultZone: string | undefined, defaultTime: string | undefined) => {
    if (value === null) {
      missing(field, 'write the date like 2027-03-10.');
      return null;
    }
    const result = parseDateTime(value, { now, ...(defaultZone ? { defaultZone } : {}), ...(defaultTime ? { defaultTime } : {}) });
    if (result.ok) return result.value;
    problems.push({ field, message: `${FIELD_NAMES[field]}: ${result.reason}.` });
    return null;
  };
  const start = readDate('start_date', fields.start_date, hours?.zone ?? undefined, hours?.start);
  const end = readDate('end_date', fields.end_date, start?.zone ?? hours?.zone ?? undefined, hours?.end);
  if (!start || !end || !hours) return { value: null, problems };

  const timeZone = hours.zone ?? start.zone;
  // Each day runs in the daily hours; the dates give the first and last day.
  const first = DateTime.fromISO(`${start.dateOnly}T${hours.start}`, { zone: timeZone });
  const last = DateTime.fromISO(`${end.dateOnly}T${hours.end}`, { zone: timeZone });
  if (!first.isValid || !last.isValid) {
    problems.push({ field: 'start_date', message: `${FIELD_NAMES.start_date}: the dates and hours do not make a valid time in ${timeZone}.` });
    return { value: null, problems };
  }
  if (last <= first) {
    problems.push({ field: 'end_date', message: `${FIELD_NAMES.end_date}: the workshop ends (${end.dateOnly}) before it starts (${start.dateOnly}).` });
  }
  if (first < DateTime.fromISO(now) && !sameInstant(first, acceptedStart)) {
    problems.push({ field: 'start_date', message: `${FIELD_NAMES.start_date}: ${start.dateOnly} is in the past.` });
  }
  if (problems.length) return { value: null, problems };
  return {
    value: {
      timeZone,
      start: first.toISO() ?? start.iso,
      end: last.toISO() ?? end.iso,
      dailyHours: { start: hours.start, end: hours.end },
    },
    problems,
  };
}

/** Builds and validates a request; every problem is a sentence naming the field, never an exception. */
export function buildRequest(input: BuildRequestInput): BuildRequestResult {
  const parsedFields = fieldsSchema(input.config).safeParse(input.fields);
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
  if (problems.length || !request) return { ok: false, request: null, problems: inFormOrder(dedupe(problems)) };
  return { ok: true, request, problems: [] };
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
