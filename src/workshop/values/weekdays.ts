import { MAX_LENGTH } from './common.js';

/**
 * Weekday patterns written with daily hours: "Tuesdays and Thursdays", "Mon-Fri", "Monday through
 * Friday", "weekdays", "Mon, Wed, Fri", "Tue/Thu". Text longer than a value is left alone.
 */

const NAMES: Array<[RegExp, number]> = [
  [/^mon(?:days?)?$/, 1],
  [/^tue(?:s(?:days?)?)?$|^tuesdays?$/, 2],
  [/^wed(?:s|nesdays?)?$/, 3],
  [/^thu(?:r(?:s(?:days?)?)?)?$|^thursdays?$/, 4],
  [/^fri(?:days?)?$/, 5],
  [/^sat(?:urdays?)?$/, 6],
  [/^sun(?:days?)?$/, 7],
];

function day(word: string): number | null {
  const w = word.toLowerCase().replace(/\.$/, '');
  return NAMES.find(([pattern]) => pattern.test(w))?.[1] ?? null;
}

const RANGE_WORDS = new Set(['-', '\u2013', '\u2014', 'to', 'through', 'thru', 'till', 'until']);
const JOINERS = new Set(['and', '&', ',', '/', 'or', 'on', 'every', 'each', 'only', 'from']);

/**
 * The weekdays named in `text` (sorted, ISO 1–7), and the text without them and their joiners.
 * `weekdays` is absent when no day is named; "daily" and "every day" name none.
 */
export function readWeekdays(text: string): { weekdays?: number[]; rest: string } {
  if (text.length > MAX_LENGTH) return { rest: text };
  const workWeek = /\b(?:on\s+)?week ?days(?:\s+only)?\b/i.exec(text);
  if (workWeek) return { weekdays: [1, 2, 3, 4, 5], rest: tidy(text.slice(0, workWeek.index) + ' ' + text.slice(workWeek.index + workWeek[0].length)) };
  const tokens = [...text.matchAll(/[A-Za-z]+\.?|[,/&\u2013\u2014-]/g)].map((m) => ({ text: m[0], at: m.index }));
  const isDay = (i: number) => tokens[i] !== undefined && day(tokens[i].text) !== null;
  const days = new Set<number>();
  const cut = new Set<number>();
  let rangeFrom: number | null = null;
  let lastDay: number | null = null;
  tokens.forEach((token, i) => {
    const d = day(token.text);
    if (d !== null) {
      // "Mon-Fri", "Monday through Friday": every day from the last one named to this one.
      for (let k = rangeFrom ?? d; ; k = (k % 7) + 1) {
        days.add(k);
        if (k === d) break;
      }
      rangeFrom = null;
      lastDay = d;
      cut.add(i);
      return;
    }
    const lower = token.text.toLowerCase();
    if (lastDay !== null && RANGE_WORDS.has(lower) && isDay(i + 1)) {
      rangeFrom = lastDay;
      cut.add(i);
    } else if (JOINERS.has(lower) && (isDay(i + 1) || isDay(i - 1))) cut.add(i);
  });
  if (days.size === 0) return { rest: text };
  let rest = '';
  let from = 0;
  tokens.forEach((token, i) => {
    if (!cut.has(i)) return;
    rest += text.slice(from, token.at) + ' ';
    from = token.at + token.text.length;
  });
  rest += text.slice(from);
  return { weekdays: [...days].sort((a, b) => a - b), rest: tidy(rest) };
}

function tidy(text: string): string {
  return text.replace(/\(\s*\)/g, ' ').replace(/\s+/g, ' ').replace(/^[\s,;:]+|[\s,;:]+$/g, '').trim();
}
