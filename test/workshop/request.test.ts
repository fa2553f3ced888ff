import { readFileSync } from 'node:fs';
import { buildRequest } from '../../src/workshop/request.js';
import { extractFields } from '../../src/workshop/form.js';
import { formReader } from '../../src/workshop/form-sources.js';
import { readFormTemplate } from '../../src/workshop/form.js';
import { exampleConfig } from '../support/config.js';

const NOW = '2027-02-01T15:00:00Z';
const config = exampleConfig();
const exampleBody = readFileSync(new URL('../../examples/issues/workshop.md', import.meta.url), 'utf8');
const fields = (body: string) => extractFields(body, formReader(config));
const withField = (label: string, value: string) => exampleBody.replace(new RegExp(`(### ${label}\\n\\n)[^\\n]*`), `$1${value}`);

describe('buildRequest', () => {
  test('the example issue: free text read into a validated request, hub defaults named as assumptions', () => {
    const result = buildRequest({ title: 't', fields: fields(exampleBody), config, now: NOW });
    expect(result.problems).toEqual([]);
    expect(result.request).toMatchObject({
      hub: 'workshops',
      timeZone: 'America/Chicago',
      start: '2027-03-10T09:00:00.000-06:00',
      end: '2027-03-12T17:00:00.000-06:00',
      dailyHours: { start: '09:00', end: '17:00' },
      attendees: 80, // "about 60-80": the upper bound
      memoryGuaranteeBytes: 4 * 1024 ** 3,
      memoryLimitBytes: 4 * 1024 ** 3, // asked for → guarantee = limit
      cpuGuarantee: 0.5, // hub default
      cpuLimit: 2,
      gpu: false,
      image: 'quay.io/2i2c/workshop-image:2027.01',
      dataPerUserGB: 2,
    });
    expect(result.request?.assumptions.join(' ')).toContain("CPU per user: the hub's default guarantee of 0.5 CPU");
  });

  test('every problem is a sentence naming the field, never an exception', () => {
    let body = withField('Hub', 'https://unknown.example.org');
    body = withField('Start date', 'next spring').replace('https://workshops.demo.2i2c.cloud', 'https://unknown.example.org');
    body = body.replace(/(### Peak number of simultaneous attendees\n\n)[^\n]*/, '$1TBD');
    body = body.replace(/(### Daily active hours\n\n)[^\n]*/, '$1_No response_');
    const result = buildRequest({ title: 't', fields: fields(body), config, now: NOW });
    expect(result.ok).toBe(false);
    const byField = Object.fromEntries(result.problems.map((p) => [p.field, p.message]));
    expect(byField.hub).toMatch(/^Hub: we could not find a hub called "https:\/\/unknown.example.org"/);
    expect(byField.attendees).toMatch(/^Peak number of simultaneous attendees is missing/);
    expect(byField.daily_hours).toMatch(/^Daily active hours is missing/);
    expect(byField.start_date).toMatch(/^Start date: .*next spring/);
  });

  test('end before start and start in the past', () => {
    const reversed = buildRequest({ title: 't', fields: fields(withField('End date', '2027-03-01')), config, now: NOW });
    expect(reversed.problems).toEqual([{ field: 'end_date', message: 'End date: the workshop ends (2027-03-01) before it starts (2027-03-10).' }]);
    const late = buildRequest({ title: 't', fields: fields(exampleBody), config, now: '2027-03-11T00:00:00Z' });
    expect(late.problems).toEqual([{ field: 'start_date', message: 'Start date: 2027-03-10 is in the past.' }]);
  });

  test('a time zone written only in the daily hours applies to the dates', () => {
    const body = withField('Start date', '2027-03-10').replace(/(### Daily active hours\n\n)[^\n]*/, '$11pm - 4pm Europe/Berlin');
    const result = buildRequest({ title: 't', fields: fields(body), config, now: NOW });
    expect(result.problems).toEqual([]);
    expect(result.request).toMatchObject({ timeZone: 'Europe/Berlin', start: '2027-03-10T13:00:00.000+01:00', end: '2027-03-12T16:00:00.000+01:00' });
  });

  test("another organisation's event form (2i2c's) through the field map: no memory field → hub default", () => {
    const theirs = readFormTemplate(readFileSync(new URL('../fixtures/forms/2i2c-event-hub.yml', import.meta.url), 'utf8'));
    if (!theirs.ok) throw new Error(theirs.error);
    const mapped = { ...config, form: { ...config.form, fields: { hub: 'hub_url', start_date: 'event_begin', end_date: 'event_end', daily_hours: 'active_times', attendees: 'user_number', contact: 'community_rep' } } };
    const body = readFileSync(new URL('../fixtures/forms/2i2c-event-issue.md', import.meta.url), 'utf8');
    const result = buildRequest({ title: '[EVENT]', fields: extractFields(body, formReader(mapped, theirs.fields)), config: mapped, now: '2024-05-01T00:00:00Z' });
    expect(result.problems).toEqual([]);
    expect(result.request).toMatchObject({
      hub: 'workshops',
      contact: '@community-rep',
      timeZone: 'America/Chicago',
      start: '2024-05-29T09:00:00.000-05:00',
      end: '2024-05-30T17:00:00.000-05:00',
      attendees: 80,
      memoryGuaranteeBytes: 4 * 1024 ** 3, // the hub's 4G default (4 GiB, as KubeSpawner reads it)
    });
    expect(result.request?.assumptions.join(' ')).toMatch(/Memory per user: the hub's default guarantee of 4 GiB was used/);
  });
});
