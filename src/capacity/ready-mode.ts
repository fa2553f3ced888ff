import { DateTime } from 'luxon';
import type { Window } from './types.js';

/**
 * Event days and ready-mode windows, DST-correct: each local day between the first and the last
 * date, from the daily start (minus the pre-warm lead) to the daily end, in the workshop's zone.
 */
export function eventDays(input: { start: string; end: string; timeZone: string; dailyHours: { start: string; end: string } }): Window[] {
  const zone = input.timeZone;
  const first = DateTime.fromISO(input.start, { zone }).startOf('day');
  const last = DateTime.fromISO(input.end, { zone }).startOf('day');
  if (!first.isValid || !last.isValid || last < first) return [];
  const days: Window[] = [];
  // Bounded: a request spanning more than a year is not a workshop (validation says so elsewhere).
  for (let day = first, i = 0; day <= last && i < 366; day = day.plus({ days: 1 }), i++) {
    const date = day.toISODate();
    const start = DateTime.fromISO(`${date}T${input.dailyHours.start}`, { zone });
    const end = DateTime.fromISO(`${date}T${input.dailyHours.end}`, { zone });
    if (start.isValid && end.isValid && end > start) days.push({ start: start.toISO() ?? '', end: end.toISO() ?? '' });
  }
  return days;
}

/** Ready mode from (day start − lead) to the day's end, per day. */
export function readyWindows(days: Window[], leadMinutes: number): Window[] {
  return days.map((day) => ({
    start: DateTime.fromISO(day.start, { setZone: true }).minus({ minutes: leadMinutes }).toISO() ?? day.start,
    end: day.end,
  }));
}

/** Hours covered by windows. */
export function hoursIn(windows: Window[]): number {
  return windows.reduce((sum, w) => sum + (Date.parse(w.end) - Date.parse(w.start)) / 3_600_000, 0);
}

/** True when two windows share an instant. */
export function overlaps(a: Window, b: Window): boolean {
  return Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
}
