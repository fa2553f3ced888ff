import { describe, expect, test } from '@jest/globals';
import { computePlan } from '../../src/capacity/plan.js';
import { eventDays, hoursIn } from '../../src/capacity/ready-mode.js';
import { planInput } from './support.js';

/** The days the request names are the days planned and costed (issue 15: weekday patterns, overnight, early starts). */
describe('event days follow the request', () => {
  const base = { timeZone: 'America/Los_Angeles', dailyHours: { start: '13:00', end: '16:00' } };

  test('"Tuesdays and Thursdays" over four weeks: 8 days, no weekends, and the cost follows', () => {
    const every = eventDays({ ...base, start: '2027-02-02T13:00:00-08:00', end: '2027-02-25T16:00:00-08:00' });
    const weekly = eventDays({ ...base, start: '2027-02-02T13:00:00-08:00', end: '2027-02-25T16:00:00-08:00', weekdays: [2, 4] });
    expect(every).toHaveLength(24);
    expect(weekly.map((d) => d.start.slice(0, 10))).toEqual(['2027-02-02', '2027-02-04', '2027-02-09', '2027-02-11', '2027-02-16', '2027-02-18', '2027-02-23', '2027-02-25']);
    expect(hoursIn(weekly)).toBe(24);
    const input = { timeZone: 'America/Los_Angeles', start: '2027-02-02T13:00:00.000-08:00', end: '2027-02-25T16:00:00.000-08:00', dailyHours: base.dailyHours };
    const all = computePlan(planInput(input));
    const some = computePlan(planInput({ ...input, weekdays: [2, 4] }));
    expect(some.readyMode.days).toHaveLength(8);
    expect(some.readyMode.windows).toHaveLength(8);
    expect(some.cost.workshopUSD).toBeCloseTo(((all.cost.workshopUSD ?? Number.NaN) * 8) / 24, 1);
  });

  test('overnight hours "10pm - 2am": each window ends the next morning, the last on the day after the end date', () => {
    const days = eventDays({ timeZone: 'America/Los_Angeles', dailyHours: { start: '22:00', end: '02:00' }, start: '2027-06-14T22:00:00-07:00', end: '2027-06-17T02:00:00-07:00' });
    expect(days).toEqual([
      { start: '2027-06-14T22:00:00.000-07:00', end: '2027-06-15T02:00:00.000-07:00' },
      { start: '2027-06-15T22:00:00.000-07:00', end: '2027-06-16T02:00:00.000-07:00' },
      { start: '2027-06-16T22:00:00.000-07:00', end: '2027-06-17T02:00:00.000-07:00' },
    ]);
  });

  test('a start earlier than the daily hours opens the first day then (and only the first day)', () => {
    const days = eventDays({ timeZone: 'America/New_York', dailyHours: { start: '08:00', end: '17:00' }, start: '2027-08-24T05:00:00-04:00', end: '2027-08-25T17:00:00-04:00' });
    expect(days.map((d) => d.start)).toEqual(['2027-08-24T05:00:00.000-04:00', '2027-08-25T08:00:00.000-04:00']);
  });

  test('a fixed offset zone ("UTC+2") has days too', () => {
    expect(eventDays({ timeZone: 'UTC+2', dailyHours: { start: '14:00', end: '17:00' }, start: '2027-05-11T14:00:00+02:00', end: '2027-05-11T17:00:00+02:00' })).toEqual([
      { start: '2027-05-11T14:00:00.000+02:00', end: '2027-05-11T17:00:00.000+02:00' },
    ]);
  });
});
