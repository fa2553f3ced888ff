import { readFileSync } from 'node:fs';
import { cleanValue, extractFields, readFormTemplate, resolveFieldSources, splitFormBody } from '../../src/workshop/form.js';
import { bundledForm } from '../../src/workshop/form-sources.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

describe('readFormTemplate', () => {
  test('reads the bundled form: stable ids, labels, required flags, dropdown options', () => {
    const fields = bundledForm();
    const ids = fields.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['hub', 'community', 'contact', 'start_date', 'end_date', 'daily_hours', 'attendees', 'memory', 'cpu', 'gpu', 'image', 'data_size', 'data_source', 'dask', 'workload']));
    const memory = fields.find((f) => f.id === 'memory');
    expect(memory).toMatchObject({ type: 'dropdown', required: true });
    expect(memory?.options[0]).toBe("Use the hub's default");
    expect(fields.find((f) => f.id === 'image')?.required).toBe(false);
  });

  test('skips markdown blocks and reports non-forms as an error sentence', () => {
    expect(readFormTemplate('body:\n  - type: markdown\n    attributes: {value: hi}\n')).toEqual({ ok: true, fields: [] });
    expect(readFormTemplate('name: x')).toEqual({ ok: false, error: 'the issue form has no `body` list of fields' });
    const broken = readFormTemplate('body: [');
    expect(broken.ok).toBe(false);
  });
});

describe('splitFormBody and cleanValue (GitHub rendering)', () => {
  const body = '### Hub\r\n\r\nhttps://x.example\r\n\r\n### Image\r\n\r\n_No response_\r\n\r\n### About the workload\r\n\r\nWe use\r\n### not a field\r\nmarkdown\r\n\r\n### GPU\r\n\r\nNone';
  const sections = splitFormBody(body, ['Hub', 'Image', 'About the workload', 'GPU']);

  test('splits on known headings only; CRLF normalised; a ### inside a textarea stays text', () => {
    expect(sections.get('hub')).toBe('https://x.example');
    expect(sections.get('about the workload')).toBe('We use\n### not a field\nmarkdown');
  });

  test('_No response_ and an unselected dropdown are empty', () => {
    expect(cleanValue(sections.get('image'), { type: 'input' })).toBeNull();
    expect(cleanValue(sections.get('gpu'), { type: 'dropdown' })).toBeNull();
    expect(cleanValue('None', { type: 'input' })).toBe('None');
  });

  test('checkboxes keep only ticked labels', () => {
    expect(cleanValue('- [X] Yes\n- [ ] No', { type: 'checkboxes' })).toBe('Yes');
    expect(cleanValue('- [ ] Yes\n- [ ] No', { type: 'checkboxes' })).toBeNull();
  });
});

describe('extractFields', () => {
  test('the example issue: every field of our form', () => {
    const values = extractFields(fixture('../../examples/issues/workshop.md'), resolveFieldSources(bundledForm(), {}));
    expect(values).toMatchObject({
      hub: 'https://workshops.demo.2i2c.cloud',
      start_date: 'March 10, 2027 at 9:00 am Central Time',
      attendees: 'about 60-80',
      cpu: "Use the hub's default",
      image: null,
    });
  });

  test("another organisation's form through a field map (ids resolved through their form, labels directly)", () => {
    const theirs = readFormTemplate(fixture('forms/2i2c-event-hub.yml'));
    if (!theirs.ok) throw new Error(theirs.error);
    const sources = resolveFieldSources(
      bundledForm(),
      { hub: 'hub_url', start_date: 'event_begin', end_date: 'event_end', daily_hours: 'active_times', attendees: 'user_number', contact: 'The GitHub handle or name of the community representative' },
      theirs.fields,
    );
    const values = extractFields(fixture('forms/2i2c-event-issue.md'), sources);
    // Without their form, a label-only map splits on every heading, so unmapped sections never leak in.
    const labelsOnly = resolveFieldSources(bundledForm(), { daily_hours: theirs.fields.find((f) => f.id === 'active_times')?.label ?? '' });
    expect(labelsOnly.headings).toBeNull();
    expect(extractFields(fixture('forms/2i2c-event-issue.md'), labelsOnly).daily_hours).toBe('9am - 5pm US/Central');
    expect(values).toMatchObject({
      hub: 'https://workshops.demo.2i2c.cloud/',
      start_date: 'May 29 2024, 9AM Central Time',
      end_date: 'May 30 2024, 5PM Central Time',
      daily_hours: '9am - 5pm US/Central',
      attendees: '60-80',
      contact: '@community-rep',
      memory: null,
    });
  });
});
