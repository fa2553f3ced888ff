import type { FieldSource } from './form.js';
import { chronoDates } from './values/date.js';
import type { Problem } from './types.js';

/**
 * Reads requests written without the form's `### ` headings: older templates and support tickets
 * carry the answers as bold-label bullets (`- **Event begin:** 2027-08-06`, `- **Hub URL**: https://…`),
 * `Label: value` lines, question lines (`What hours of the day will participants be active? 9-5 ET`)
 * and prose ("we expect ~50-100 participants"). Labels are matched through the form's own labels
 * (`form.fields`) plus the synonyms below, case, punctuation and "(e.g. …)" notes ignored.
 */

/** Other labels people use for our fields (README, "What the form understands"). */
export const LABEL_SYNONYMS: Record<string, string[]> = {
  hub: ['hub', 'hub url', 'hub address', 'hub link', 'hub name', 'jupyterhub', 'jupyterhub url', 'url of the hub', 'the url of the hub that will be used for the event', 'which hub'],
  community: ['community', 'community name', 'organization', 'organisation', 'institution', 'group', 'event name', 'event'],
  contact: ['contact', 'community representative', 'community rep', 'representative', 'point of contact', 'organizer', 'organiser', 'contact person', 'requested by', 'the github handle or name of the community representative'],
  start_date: ['start date', 'event begin', 'event start', 'event start date', 'begin', 'start', 'starts', 'first day', 'the date when the event will start'],
  end_date: ['end date', 'event end', 'event end date', 'end', 'ends', 'last day', 'the date when the event will end'],
  daily_hours: ['daily active hours', 'active times', 'active hours', 'active time', 'hours', 'daily hours', 'times', 'time', 'schedule', 'what hours of the day will participants be active', 'the active times for the event', 'when will participants be active'],
  attendees: ['peak number of simultaneous attendees', 'number of attendees', 'attendees', 'number of participants', 'participants', 'number of users', 'users', 'expected attendees', 'expected participants', 'how many people will attend the event', 'how many people will attend', 'how many attendees', 'headcount', 'number of people', 'user number'],
};

/** Labels whose one value gives the event's dates (a day or a range): it feeds both start and end. */
export const DATES_LABELS = ['date', 'dates', 'date for the event', 'event date', 'event dates', 'date of the event', 'dates of the event', 'event start and end date', 'when'];

/** Sub-bullets under a date that add its time: `  - **In your timezone:** 9:00 am PST`. */
const TIME_NOTES = new Set(['in your timezone', 'in your time zone', 'time', 'local time', 'timezone', 'time zone', 'at']);

/** What a label looks like to the matcher: lower case, no Markdown, no "(e.g. …)" note, no final `?`/`:`. */
export function labelKey(label: string): string {
  return label
    .toLowerCase()
    .replace(/[*_`]/g, '')
    .replace(/\([^()]{0,120}\)/g, ' ')
    .replace(/[?:.\s]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const MAX_LINE = 500;
const BOLD_LABEL = /^\*\*\s*([^*]{1,150}?)\s*(?::\s*\*\*|\*\*\s*:?)\s*(.*)$/;
const COLON_LABEL = /^([A-Za-z][A-Za-z0-9 /'()&,.-]{0,150}?)\s*:\s*(.*)$/;
const QUESTION_LABEL = /^([A-Za-z][^?]{3,150}\?)\s*(.*)$/;

interface Labelled {
  values: Record<string, string | null>;
  confirmations: Problem[];
}

/** Our field id → the value found under one of its labels (null when none), and readings to confirm. */
export function extractLabelled(body: string, sources: FieldSource[], knownHubs: string[] = []): Labelled {
  const byLabel = new Map<string, string>();
  for (const [id, labels] of Object.entries(LABEL_SYNONYMS)) for (const label of labels) byLabel.set(labelKey(label), id);
  for (const source of sources) byLabel.set(labelKey(source.label), source.id);
  for (const label of DATES_LABELS) byLabel.set(labelKey(label), 'dates');

  const found = new Map<string, string[]>();
  const confirmations: Problem[] = [];
  let last: { id: string; indent: number } | null = null;
  let fenced = false;
  for (const rawLine of body.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(?:```|~~~)/.test(rawLine)) fenced = !fenced;
    if (fenced || rawLine.length > MAX_LINE) continue;
    const indent = rawLine.length - rawLine.trimStart().length;
    const line = rawLine
      .trim()
      .replace(/^(?:[-*+]|\d+[.)])\s+(?!\[[ xX]\])/, '')
      .replace(/^#{1,6}\s+/, '');
    if (/^\[[ xX]\]/.test(line)) continue;
    const pair = BOLD_LABEL.exec(line) ?? COLON_LABEL.exec(line) ?? QUESTION_LABEL.exec(line);
    if (!pair) continue;
    const key = labelKey(pair[1] ?? '');
    const value = (pair[2] ?? '').replace(/^\*\*\s*|\s*\*\*$/g, '').trim();
    if (last && indent > last.indent && TIME_NOTES.has(key)) {
      // A time given under a date belongs to that date.
      const values = found.get(last.id);
      if (value && values?.length) values[values.length - 1] = `${values[values.length - 1]} ${value}`;
      continue;
    }
    const id = byLabel.get(key);
    if (!id) continue;
    last = { id, indent };
    if (value === '') continue;
    const values = found.get(id);
    if (values) values.push(value);
    else found.set(id, [value]);
  }

  const values: Record<string, string | null> = {};
  for (const source of sources) {
    const list = found.get(source.id) ?? [];
    values[source.id] = list[0] ?? null;
    if (new Set(list).size > 1) {
      confirmations.push({ field: source.id, message: `the issue gives more than one value (${list.slice(0, 3).map((v) => JSON.stringify(v.slice(0, 40))).join(', ')}); the first was used` });
    }
  }
  // Requests state these near the top: the scans of free text stop after the first part of the body.
  const head = body.slice(0, 20_000);
  const dates = found.get('dates') ?? [];
  if (dates[0] && values.start_date === null && values.end_date === null) {
    values.start_date = dates[0];
    values.end_date = dates[0];
    if (new Set(dates).size > 1) {
      confirmations.push({ field: 'start_date', message: `the issue gives more than one date (${dates.slice(0, 3).map((v) => JSON.stringify(v.slice(0, 40))).join(', ')}); the first was used` });
    }
  }
  if (values.hub === null && knownHubs.length) {
    const hub = hubInText(head, knownHubs);
    if (hub) {
      values.hub = hub;
      confirmations.push({ field: 'hub', message: `the hub was taken from the address ${JSON.stringify(hub)} in the text` });
    }
  }
  if (values.start_date === null && values.end_date === null) {
    const line = dateLine(head);
    if (line) {
      values.start_date = line;
      values.end_date = line;
      confirmations.push({ field: 'start_date', message: `the dates were read from the line ${JSON.stringify(line)}, which has no label` });
    }
  }
  if (values.attendees === null) values.attendees = peopleSentence(head);
  return { values, confirmations };
}

/** The first address in the text that is one of our hubs (`knownHubs`: host names, lower case). A split, not a pattern. */
function hubInText(body: string, knownHubs: string[]): string | null {
  for (const word of body.split(/[\s()<>[\]"'`|]+/)) {
    if (!word.includes('.') || word.length > 300) continue;
    const host = word.replace(/^https?:\/\//i, '').replace(/[/?#].*$/, '').replace(/[.,;:!]+$/, '').toLowerCase();
    if (knownHubs.includes(host)) return word.replace(/[.,;:!]+$/, '');
  }
  return null;
}

/** A line that is only a date or a range of dates ("October 20-24, 2027"), outside any label. */
function dateLine(body: string): string | null {
  for (const raw of body.split('\n')) {
    const line = raw.trim().replace(/^(?:[-*+]|\d+[.)])\s+/, '');
    if (line.length < 5 || line.length > 80 || !/\d/.test(line) || /^#|https?:/.test(line)) continue;
    const results = chronoDates(line);
    const [r] = results;
    if (results.length === 1 && r && r.start.isCertain('month') && r.start.isCertain('day') && r.text.length >= line.replace(/[\s,.]+$/, '').length * 0.8) return line;
  }
  return null;
}

/** The first sentence giving a number of people ("We expect ~50-100 participants."). */
function peopleSentence(body: string): string | null {
  for (const raw of body.split(/\n|(?<=[.!?])\s+/)) {
    const sentence = raw.trim();
    if (sentence.length > 300 || /^#/.test(sentence)) continue;
    if (/(?<![\d.,/:])\d{1,3}(?:,\d{3})*\+?(?:\s*(?:-|\u2013|to)\s*\d[\d,]*)?(?:ish)?\s+(?:[a-z-]{1,20}\s+){0,2}?(?:participants?|attendees?|students?|learners?|people|researchers?|trainees?|users)\b/i.test(sentence)) {
      return sentence;
    }
  }
  return null;
}
