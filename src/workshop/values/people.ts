import { MAX_INPUT_LENGTH, normalise, quote, readNumber, success, type ParseResult } from './common.js';

/**
 * A number of people in a sentence, as an engineer reads it: "we expect ~50-100 participants"
 * (100, the upper end), "around 100 participants and 30 instructors" (130: staff use the hub too),
 * "40 on large instances" (40, the leading number). Always a reading to confirm: the sentence was
 * not written as a count. Null when no number of people is there.
 */
export function readPeopleInText(text: string): ParseResult<number> | null {
  if (text.length > MAX_INPUT_LENGTH) return null;
  const t = normalise(text).toLowerCase();
  let participants = 0;
  let staff = 0;
  for (const m of t.matchAll(PEOPLE_NUMBER)) {
    const value = Math.max(readNumber(m[1] ?? ''), m[2] ? readNumber(m[2]) : 0);
    if (!Number.isSafeInteger(value) || value < 1) continue;
    if (STAFF.test(m[3] ?? '')) staff += value;
    else participants = Math.max(participants, value);
  }
  let total = participants + staff;
  if (total === 0) {
    const leading = /^(?:~|about |around |approx\.? |approximately |roughly |up to )?(\d{1,3}(?:,\d{3})+|\d{1,6})(?:\s*(?:-|\u2013|to)\s*(\d{1,3}(?:,\d{3})+|\d{1,6}))?\b(?!\s*(?:%|gb|mb|gib|cpu|am|pm|:))/.exec(t);
    if (!leading) return null;
    total = Math.max(readNumber(leading[1] ?? ''), leading[2] ? readNumber(leading[2]) : 0);
    if (!Number.isSafeInteger(total) || total < 1) return null;
  }
  return success(total, `${quote(text)} was read as ${total} people at once${staff ? ` (${participants} participants and ${staff} staff)` : ''}`);
}

const NOUNS = 'participants?|attendees?|students?|learners?|users?|people|persons|researchers?|trainees?|scientists?|members?|folks|delegates?|organi[sz]ers?|instructors?|helpers?|staff|tas|teaching assistants?|mentors?|facilitators?|volunteers?|tutors?';
const STAFF = /^(?:organi[sz]ers?|instructors?|helpers?|staff|tas|teaching assistants?|mentors?|facilitators?|volunteers?|tutors?)$/;
/** "50-100 participants", "~60 students", "30ish organizers": a number (or range), up to two words, a noun. */
const PEOPLE_NUMBER = new RegExp(
  String.raw`(?<![\d.,/:])(\d{1,3}(?:,\d{3})+|\d{1,6})(?:\s*(?:-|\u2013|to)\s*(\d{1,3}(?:,\d{3})+|\d{1,6}))?\+?(?:ish)?\s+(?:[a-z-]{1,20}\s+){0,2}?(${NOUNS})\b`,
  'g',
);
