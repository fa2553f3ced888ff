import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { renderStatusComment } from '../../src/render/status-comment.js';
import { readRequest } from '../../src/workshop/evaluate.js';
import { readFields } from '../../src/workshop/form.js';
import { formReader } from '../../src/workshop/form-sources.js';
import { EMPTY_STATE } from '../../src/workshop/marker.js';
import type { Readiness } from '../../src/workshop/readiness.js';
import { exampleConfig } from '../support/config.js';
import { fastestMs } from '../support/timing.js';

const NOW = '2027-01-10T12:00:00Z';
const config = exampleConfig();
const form = formReader(config);
const exampleBody = readFileSync(new URL('../../examples/issues/workshop.md', import.meta.url), 'utf8');
const withField = (body: string, label: string, value: string) => body.replace(new RegExp(`(### ${label}\\n\\n)[^\\n]*`), `$1${value}`);
const read = (body: string) => readRequest({ body, title: 't', config, form, now: NOW }).built;
const fieldsOf = (problems: Array<{ field: string }>) => problems.map((p) => p.field);

describe('each problem on its own field only', () => {
  test('unreadable hours are asked for; the dates, which have no zone, are not blamed for it', () => {
    let body = withField(exampleBody, 'Daily active hours', 'whenever suits');
    body = withField(body, 'Start date', '2027-03-10');
    const built = read(withField(body, 'End date', '2027-03-12'));
    expect(fieldsOf(built.problems)).toEqual(['daily_hours']);
  });

  test('no zone anywhere: asked once, on the hours', () => {
    let body = withField(exampleBody, 'Daily active hours', '9am - 5pm');
    body = withField(body, 'Start date', '2027-03-10');
    const built = read(withField(body, 'End date', '2027-03-12'));
    expect(built.problems).toEqual([{ field: 'daily_hours', message: 'Daily active hours: no time zone is given here or with the dates; add one, like 9am - 5pm America/Chicago.' }]);
  });

  test("hints use the request's own zone", () => {
    let body = withField(exampleBody, 'Daily active hours', 'whenever suits');
    body = withField(body, 'Start date', 'Feb 12, 2027, 10:00 CET (Italy)');
    const built = read(withField(body, 'End date', 'Feb 12, 2027, 12:00 CET (Italy)'));
    expect(built.problems).toHaveLength(1);
    expect(built.problems[0]?.message).toContain('9am - 5pm Europe/Berlin');
    expect(built.problems[0]?.message).not.toContain('America/Chicago');
  });
});

describe('the start field keeps its time and zone', () => {
  test('an earlier start time is made ready for, and named for confirmation', () => {
    let body = withField(exampleBody, 'Start date', 'August 24th 2027, 5 AM Eastern');
    body = withField(body, 'End date', 'August 26th 2027');
    const built = read(withField(body, 'Daily active hours', '8-5 Eastern'));
    expect(built.request).toMatchObject({ start: '2027-08-24T05:00:00.000-04:00', end: '2027-08-26T17:00:00.000-04:00', dailyHours: { start: '08:00', end: '17:00' } });
    expect(fieldsOf(built.confirmations).filter((f) => f !== 'attendees')).toEqual(['start_date']);
  });

  test('a start in another zone is converted and named for confirmation', () => {
    let body = withField(exampleBody, 'Start date', '2027-06-02 16:00 UTC');
    body = withField(body, 'End date', '2027-06-03');
    const built = read(withField(body, 'Daily active hours', '9am - 5pm America/Chicago'));
    expect(built.request?.start).toBe('2027-06-02T09:00:00.000-05:00');
    expect(built.confirmations.filter((c) => c.field !== 'attendees')).toEqual([
      { field: 'start_date', message: 'Start date: it is written in UTC and the daily hours in America/Chicago; it was read as Wed 2 Jun, 11:00 America/Chicago.' },
    ]);
  });

  test('the same instant written in another zone needs no confirmation', () => {
    let body = withField(exampleBody, 'Start date', '2027-06-02 14:00 UTC');
    body = withField(body, 'End date', '2027-06-03');
    // Only the example's attendee range ("about 60-80") is left to confirm.
    expect(fieldsOf(read(withField(body, 'Daily active hours', '9am - 5pm America/Chicago')).confirmations)).toEqual(['attendees']);
  });

  test('a range in the start field with no end is the whole event', () => {
    let body = withField(exampleBody, 'Start date', 'June 21-25, 2027');
    body = withField(body, 'End date', '_No response_');
    const built = read(withField(body, 'Daily active hours', '9-5 ET'));
    expect(built.request).toMatchObject({ start: '2027-06-21T09:00:00.000-04:00', end: '2027-06-25T17:00:00.000-04:00' });
  });

  test('a single start date with no end asks for the end only', () => {
    const built = read(withField(exampleBody, 'End date', '_No response_'));
    expect(fieldsOf(built.problems)).toEqual(['end_date']);
  });

  test('weekday names that match none of the dates are a problem on the hours', () => {
    let body = withField(exampleBody, 'Start date', '2027-03-08');
    body = withField(body, 'End date', '2027-03-08');
    expect(fieldsOf(read(withField(body, 'Daily active hours', 'Tuesdays 1-4pm America/Chicago')).problems)).toEqual(['daily_hours']);
  });
});

describe('small things', () => {
  test.each([
    ['See freshdesk ticket', null],
    ['see the ticket above', null],
    ['@river-otter', '@river-otter'],
    ['Jane Roe (jane\u200d@example.org)', 'Jane Roe (jane@example.org)'],
    ['Seema Ticketmaster', 'Seema Ticketmaster'],
  ])('contact %j → %j', (contact, expected) => {
    const built = read(withField(exampleBody, 'Contact', contact));
    expect(built.request?.contact).toBe(expected);
  });
});

describe('requests without the form headings', () => {
  const legacy = `### Event details

- **Community representative:** @river-otter
- **Event begin:** 2027-03-10
  - **In your time zone:** 8:00 am CST (Chicago)
- **Event end:** 2027-03-11
- **Active times:**9am - 5pm US/Central
- **Number of attendees:** 40

### Hub details

- **Hub URL**: https://workshops.demo.2i2c.cloud/hub/home
`;

  test('bold-label bullets, with the time in a sub-bullet', () => {
    const { values } = readFields(legacy, form);
    expect(values).toMatchObject({ hub: 'https://workshops.demo.2i2c.cloud/hub/home', contact: '@river-otter', start_date: '2027-03-10 8:00 am CST (Chicago)', end_date: '2027-03-11', daily_hours: '9am - 5pm US/Central', attendees: '40' });
    expect(read(legacy).request).toMatchObject({ hub: 'workshops', start: '2027-03-10T08:00:00.000-06:00', attendees: 40 });
  });

  test('a heading of the form wins over a label elsewhere, and "_No response_" under it is an answer', () => {
    const body = withField(exampleBody, 'Peak number of simultaneous attendees', '_No response_') + '\nAttendees: 500\n';
    expect(readFields(body, form).values.attendees).toBeNull();
  });

  test('labels inside a code fence are not read', () => {
    expect(readFields('```\nNumber of attendees: 40\n```\n', form).values.attendees).toBeNull();
  });

  test('a sentence giving a number of people', () => {
    const body = 'Hello! Our course uses https://workshops.demo.2i2c.cloud.\n\nDates: 2027-03-10 to 2027-03-12\nHours: 9-5 CT\n\nWe expect ~50-100 participants.';
    const built = read(body);
    expect(built.request).toMatchObject({ hub: 'workshops', attendees: 100, start: '2027-03-10T09:00:00.000-06:00', end: '2027-03-12T17:00:00.000-06:00' });
    expect(fieldsOf(built.confirmations)).toEqual(['hub', 'attendees']);
  });

  test('a body with none of this is asked for each required field, and nothing is invented', () => {
    const built = read('Please help us with our workshop!');
    expect(built.request).toBeNull();
    expect(fieldsOf(built.problems)).toEqual(['hub', 'start_date', 'end_date', 'daily_hours', 'attendees']);
  });

  test('100 KB bodies are read in under 50 ms', () => {
    readFields('Dates: March 3, 2027\nWe expect 40 people.', form, ['workshops.demo.2i2c.cloud']); // warms chrono up
    const bodies = ['**a:** '.repeat(15_000), `${'- '.repeat(50_000)}x`, 'Attendees: '.repeat(10_000), '9'.repeat(100_000), 'ab-'.repeat(34_000), 'October 1, 2027\n'.repeat(6_000), '- **Event begin:** 1\n  - **In your time zone:** 2\n'.repeat(2_000)];
    for (const body of bodies) expect(fastestMs(() => readFields(body, form, ['workshops.demo.2i2c.cloud']))).toBeLessThan(50);
  });
});

describe('"Please confirm" in the status comment', () => {
  test('listed when there is something to confirm, absent otherwise', () => {
    const built = read(withField(exampleBody, 'Daily active hours', '9am - 5pm CST'));
    expect(built.confirmations.length).toBeGreaterThan(0);
    const view = { stage: 'needs-info' as const, readiness: { stage: 'needs-info', onHold: null, lapsed: [], loadTest: null, approval: null } satisfies Readiness, problems: [], request: null, plan: null, assumptions: [], config, state: EMPTY_STATE, sections: {}, marker: '' };
    const withConfirm = renderStatusComment({ ...view, confirmations: built.confirmations });
    expect(withConfirm).toContain('#### Please confirm');
    expect(withConfirm).toContain('- **Daily active hours**: CST was read as US Central time (America/Chicago); it can also mean China (Asia/Shanghai).');
    expect(renderStatusComment({ ...view, confirmations: [] })).not.toContain('Please confirm');
  });
});
