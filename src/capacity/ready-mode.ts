import { DateTime, FixedOffsetZone, IANAZone, type Zone } from 'luxon';
import type { Window } from './types.js';

/**
 * Event days and ready-mode windows, DST-correct: each local day between the first and the last
 * date, from the daily start (minus the pre-warm lead) to the daily end, in the workshop's zone.
 * Only the `weekdays` named, when given ("Tuesdays and Thursdays"); a daily end at or before the
 * start ends on the next day ("22:00"–"02:00"). A `start` earlier than the first day's daily start
 * (and an `end` later than the last day's end) widens that day: people arrive then.
 *
 * Time-zone offsets cost ~10 µs each through Intl, so the days are built with plain date arithmetic
 * and one offset for the whole span when the zone keeps the same offset from its first to its last
 * day (checked at both ends, spans under 60 days); otherwise every instant gets its own offset.
 */
export function eventDays(input: {
  start: string;
  end: string;
  timeZone: string;
  dailyHours: { start: string; end: string };
  weekdays?: number[] | null;
}): Window[] {
  // A fixed offset ("UTC+2", read from a form) is a zone too; IANAZone alone calls it invalid.
  const zone: Zone = FixedOffsetZone.parseSpecifier(input.timeZone) ?? IANAZone.create(input.timeZone);
  const first = DateTime.fromISO(input.start, { zone });
  const last = DateTime.fromISO(input.end, { zone });
  const startClock = clock(input.dailyHours.start);
  let endClock = clock(input.dailyHours.end);
  if (!zone.isValid || !first.isValid || !last.isValid || startClock === null || endClock === null || endClock === startClock) return [];
  const overnight = endClock < startClock;
  if (overnight) endClock += 24 * 60;
  const firstDay = Date.UTC(first.year, first.month - 1, first.day);
  // An overnight window that ends after midnight belongs to the day it started.
  const lastDate = overnight && last.hour * 60 + last.minute <= endClock - 24 * 60 ? last.minus({ days: 1 }) : last;
  const lastDay = Date.UTC(lastDate.year, lastDate.month - 1, lastDate.day);
  const dayCount = Math.round((lastDay - firstDay) / 86_400_000) + 1;
  if (dayCount < 1) return [];

  const offsetAtStart = zone.offset(firstDay - 12 * 3_600_000);
  const uniform = dayCount < 60 && zone.offset(lastDay + 36 * 3_600_000) === offsetAtStart;
  const days: Window[] = [];
  const weekdays = input.weekdays?.length ? new Set(input.weekdays) : null;
  for (let i = 0; i < Math.min(dayCount, 366); i++) {
    const midnight = firstDay + i * 86_400_000;
    const weekday = new Date(midnight).getUTCDay() || 7;
    if (weekdays && !weekdays.has(weekday)) continue;
    let start = toInstant(zone, midnight + startClock * 60_000, uniform ? offsetAtStart : null);
    let end = toInstant(zone, midnight + endClock * 60_000, uniform ? offsetAtStart : null);
    if (i === 0 && first.toMillis() < start.ms) start = { ms: first.toMillis(), offset: first.offset };
    if (i === dayCount - 1 && last.toMillis() > end.ms && !overnight) end = { ms: last.toMillis(), offset: last.offset };
    if (end.ms > start.ms) days.push({ start: iso(start), end: iso(end) });
  }
  return days;
}

/** The cluster autoscaler removes a node once it has been unneeded this long (its default, 10 min). */
export const AUTOSCALER_IDLE_MINUTES = 10;

/**
 * The placeholder replicas ready mode wants at `now` when the app follows the daily windows: all of them inside
 * a window, none outside (the autoscaler then removes the idle nodes).
 */
export function placeholderReplicasAt(windows: Window[], replicas: number, now: string): number {
  const t = Date.parse(now);
  return windows.some((w) => Date.parse(w.start) <= t && t < Date.parse(w.end)) ? replicas : 0;
}

/** Ready mode from (day start − lead) to the day's end, per day (same offset as the day's start). */
export function readyWindows(days: Window[], leadMinutes: number): Window[] {
  return days.map((day) => {
    const offset = offsetOf(day.start);
    return { start: iso({ ms: Date.parse(day.start) - leadMinutes * 60_000, offset }), end: day.end };
  });
}

/** Hours covered by windows. */
export function hoursIn(windows: Window[]): number {
  return windows.reduce((sum, w) => sum + (Date.parse(w.end) - Date.parse(w.start)) / 3_600_000, 0);
}

/** True when two windows share an instant. */
export function overlaps(a: Window, b: Window): boolean {
  return Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
}

/** A local wall-clock time (as if it were UTC) to an instant; a skipped DST hour moves forward, like luxon. */
function toInstant(zone: Zone, wallClock: number, knownOffset: number | null): { ms: number; offset: number } {
  if (knownOffset !== null) return { ms: wallClock - knownOffset * 60_000, offset: knownOffset };
  const guess = zone.offset(wallClock);
  const ms = wallClock - guess * 60_000;
  const actual = zone.offset(ms);
  return actual === guess ? { ms, offset: guess } : { ms: wallClock - actual * 60_000, offset: zone.offset(wallClock - actual * 60_000) };
}

function clock(hhmm: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** The UTC offset written at the end of an ISO instant, in minutes. */
export function offsetOf(isoText: string): number {
  const match = /([+-])(\d{2}):(\d{2})$/.exec(isoText);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/** `2027-03-10T09:00:00.000-06:00`, the same form luxon's toISO() writes. */
function iso(instant: { ms: number; offset: number }): string {
  const local = new Date(instant.ms + instant.offset * 60_000).toISOString().slice(0, 23);
  const sign = instant.offset < 0 ? '-' : '+';
  const abs = Math.abs(instant.offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
