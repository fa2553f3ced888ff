import { readFileSync } from 'node:fs';
import { buildRequest } from '../../src/workshop/request.js';
import { extractFields } from '../../src/workshop/form.js';
import { formReader } from '../../src/workshop/form-sources.js';
import { eventRecord, isDone, phaseOf } from '../../src/workshop/lifecycle.js';
import { EMPTY_STATE, type MarkerState, type PullRequestRecord } from '../../src/workshop/marker.js';
import { exampleConfig } from '../support/config.js';
import { samplePlan } from '../support/plan.js';

const config = exampleConfig();
const body = readFileSync(new URL('../../examples/issues/workshop.md', import.meta.url), 'utf8');
const fields = (text: string) => extractFields(text, formReader(config));
const START = '2027-03-10T09:00:00.000-06:00'; // 15:00Z

describe('a start in the past is a problem only for a start set or changed after it passed', () => {
  test.each([
    ['before the start, nothing accepted yet', '2027-03-01T00:00:00Z', body, null, null],
    ['during the event, the start accepted before it passed', '2027-03-10T16:00:00Z', body, START, null],
    ['during the event, same instant written in another offset', '2027-03-10T16:00:00Z', body, '2027-03-10T15:00:00Z', null],
    ['during the event, nothing accepted (request first seen now)', '2027-03-10T16:00:00Z', body, null, 'Start date: 2027-03-10 is in the past.'],
    ['during the event, the start moved to another past day', '2027-03-10T16:00:00Z', body.replace('March 10, 2027', 'March 9, 2027'), START, 'Start date: 2027-03-09 is in the past.'],
    ['a start that was accepted, a minute different', '2027-03-10T16:00:00Z', body, '2027-03-10T15:01:00Z', 'Start date: 2027-03-10 is in the past.'],
  ])('%s', (_name, now, text, acceptedStart, problem) => {
    const result = buildRequest({ title: 't', fields: fields(text), config, now, acceptedStart });
    expect(result.problems.map((p) => p.message)).toEqual(problem ? [problem] : []);
  });
});

describe('phases', () => {
  const plan = samplePlan();
  const approved = { planHash: 'h1', plan };
  const ready = (state: PullRequestRecord['state']): PullRequestRecord => ({ phase: 'ready', number: 101, url: 'u', state, planHash: 'h1', before: {} });
  const down = (state: PullRequestRecord['state']): PullRequestRecord => ({ ...ready(state), phase: 'scale-down', number: 102 });
  const at = (now: string, extra: Partial<MarkerState> = {}) => {
    const state = { ...EMPTY_STATE, event: eventRecord(EMPTY_STATE, now, approved), ...extra };
    return { phase: phaseOf(state, plan, now), done: isDone(state, plan, now) };
  };

  test.each([
    ['a week before', '2027-03-03T15:00:00Z', {}, 'before', false],
    ['a minute before the pre-warm lead', '2027-03-10T13:59:00Z', {}, 'before', false],
    ['at the pre-warm lead', '2027-03-10T14:00:00Z', {}, 'during', false],
    ['a minute before the end', '2027-03-12T22:59:00Z', { pullRequests: [ready('merged')] }, 'during', false],
    ['after, ready mode applied, no scale-down yet', '2027-03-12T23:00:00Z', { pullRequests: [ready('merged')] }, 'after', false],
    ['after, scale-down open', '2027-03-13T10:00:00Z', { pullRequests: [ready('merged'), down('open')] }, 'after', false],
    ['after, scale-down merged', '2027-03-13T10:00:00Z', { pullRequests: [ready('merged'), down('merged')] }, 'after', true],
    ['after, ready mode never applied', '2027-03-13T10:00:00Z', { pullRequests: [ready('closed')] }, 'after', true],
  ])('%s', (_name, now, extra, phase, done) => {
    expect(at(now, extra)).toEqual({ phase, done });
  });

  test('the event is frozen at its pre-warm lead: a later plan does not move it', () => {
    const frozen = eventRecord(EMPTY_STATE, '2027-03-10T14:00:00Z', approved);
    const later = eventRecord({ event: frozen }, '2027-03-11T10:00:00Z', { planHash: 'h2', plan: samplePlan({ attendees: 120 }) });
    expect(later).toBe(frozen);
    // Before the lead, the event follows the approved plan, and is dropped when nothing is approved.
    expect(eventRecord({ event: frozen }, '2027-03-09T10:00:00Z', { planHash: 'h2', plan })?.planHash).toBe('h2');
    expect(eventRecord({ event: frozen }, '2027-03-09T10:00:00Z', null)).toBeNull();
  });
});
