import { describe, expect, test } from '@jest/globals';
import {
  isHubDefaultChoice,
  isMissingText,
  parseCount,
  parseCpu,
  parseMemory,
  parseSizeGB,
  parseYesNo,
  type ParseResult,
} from '../../src/workshop/values/index.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function value<T>(result: ParseResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got failure: ${result.reason}`);
  return result.value;
}

function reason<T>(result: ParseResult<T>): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.value)}`);
  return result.reason;
}

const PLACEHOLDERS = ['TBD', 'tba', 'unknown', '?', 'n/a', 'N/A', '-', '', '   ', '_No response_', 'None', 'TBD (depends on sign-ups)', '???', '—', '**TBD**'];

describe('missing sentinel', () => {
  test.each(PLACEHOLDERS)('%j is missing for every parser that treats it so', (text) => {
    expect(isMissingText(text)).toBe(true);
    for (const parse of [parseCount, parseMemory, parseCpu, parseYesNo]) {
      expect(parse(text)).toEqual({ ok: false, missing: true, reason: 'not given' });
    }
  });

  test.each(['60', 'none of your business', 'TBD soon maybe 60', 'no'])('%j is not a placeholder', (text) => {
    expect(isMissingText(text)).toBe(false);
  });
});

describe('parseCount', () => {
  test.each([
    ['60', 60],
    ['about 60', 60],
    ['~60', 60],
    ['up to 200', 200],
    ['200+', 200],
    ['200+ people', 200],
    ['1,200', 1200],
    ['60 people', 60],
    ['approximately 45 students', 45],
    ['around 30 attendees at once', 30],
    ['max 25', 25],
    ['`40`', 40],
    ['1', 1],
  ])('%j → %d', (text, expected) => {
    expect(parseCount(text)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ['60-80', 80],
    ['60 to 80', 80],
    ['60 – 80', 80],
    ['80-60', 80],
  ])('%j is a range: the upper end %d is used, and named for confirmation', (text, expected) => {
    expect(parseCount(text)).toEqual({ ok: true, value: expected, confirm: `"${text}" is a range; the plan is for the upper end, ${expected} at once` });
  });

  test.each([
    ['0', /at least 1/],
    ['-3', /negative/],
    ['2.5', /whole number/],
    ['60.5 people', /whole number/],
    ['lots', /could not read "lots" as a number/],
    ['sixty', /could not read/],
    ['60 GB', /could not read/],
    ['60 or so, maybe 80 in the afternoon', /could not read/],
    ['1,20', /could not read/],
  ])('%j fails (%s)', (text, pattern) => {
    const r = parseCount(text);
    expect(reason(r)).toMatch(pattern);
    expect(r).not.toHaveProperty('missing');
  });
});

describe('isHubDefaultChoice', () => {
  test.each(["Use the hub's default", 'Use the hub’s default', 'default', 'Default', 'hub default', 'the default is fine', 'not sure', 'No preference', 'Default (2 GB)'])(
    '%j is the default choice',
    (text) => expect(isHubDefaultChoice(text)).toBe(true),
  );
  test.each(['4 GB', 'defaulted to 4 GB', 'use 4 GB', '', 'TBD'])('%j is not', (text) => expect(isHubDefaultChoice(text)).toBe(false));
});

describe('parseMemory (binary units: GB = GiB)', () => {
  test.each([
    ['4 GB', 4 * GiB],
    ['4GB', 4 * GiB],
    ['4GiB', 4 * GiB],
    ['4 Gi', 4 * GiB],
    ['4096 MiB', 4 * GiB],
    ['4G', 4 * GiB],
    ['4 gigabytes', 4 * GiB],
    ['512MB', 512 * MiB],
    ['512M', 512 * MiB],
    ['0.5 GB', 512 * MiB],
    ['1 TB', 1024 * GiB],
    ['16 GB', 16 * GiB],
    ['4 GB RAM per user', 4 * GiB],
    ['about 8 GB of memory each', 8 * GiB],
    ['2-4 GB', 4 * GiB],
    ['up to 32 GB', 32 * GiB],
  ])('%j → %d bytes', (text, expected) => {
    expect(parseMemory(text)).toEqual({ ok: true, value: expected });
  });

  test.each(["Use the hub's default", 'default', 'hub default', 'not sure'])('%j → null (use the default)', (text) => {
    expect(parseMemory(text)).toEqual({ ok: true, value: null });
  });

  test.each([
    ['4', /no unit/],
    ['lots', /could not read "lots" as an amount of memory/],
    ['0 GB', /more than 0/],
    ['-4 GB', /negative/],
    ['4 parsecs', /unit we do not know/],
    ['12 KB', /less than 1 MB/],
  ])('%j fails (%s)', (text, pattern) => {
    expect(reason(parseMemory(text))).toMatch(pattern);
  });
});

describe('parseCpu', () => {
  test.each([
    ['2', 2],
    ['0.5', 0.5],
    ['2 CPUs', 2],
    ['2 cores', 2],
    ['1 CPU', 1],
    ['1 vCPU', 1],
    ['500m', 0.5],
    ['250 millicores', 0.25],
    ['4 cores per user', 4],
    ['1-2 cores', 2],
  ])('%j → %d cores', (text, expected) => {
    expect(parseCpu(text)).toEqual({ ok: true, value: expected });
  });

  test("Use the hub's default → null", () => {
    expect(parseCpu("Use the hub's default")).toEqual({ ok: true, value: null });
  });

  test.each([
    ['0', /more than 0/],
    ['0m', /more than 0/],
    ['-1', /negative/],
    ['lots', /could not read "lots" as a number of CPUs/],
    ['2 GB', /could not read/],
    ['5000 cores', /more CPUs than any node/],
  ])('%j fails (%s)', (text, pattern) => {
    expect(reason(parseCpu(text))).toMatch(pattern);
  });
});

describe('parseSizeGB (decimal units)', () => {
  test.each([
    ['5 GB', 5],
    ['5GB', 5],
    ['500 MB', 0.5],
    ['1.5 TB', 1500],
    ['2 GiB', 2.147483648],
    ['~2 GB per user', 2],
    ['less than 1 GB', 1],
    ['10-20 GB', 20],
    ['none', 0],
    ['None', 0],
    ['no data', 0],
    ['nothing', 0],
    ['0', 0],
    ['0 GB', 0],
  ])('%j → %d GB', (text, expected) => {
    expect(parseSizeGB(text)).toEqual({ ok: true, value: expected });
  });

  test.each(['TBD', 'unknown', '', '_No response_'])('%j is missing', (text) => {
    expect(parseSizeGB(text)).toEqual({ ok: false, missing: true, reason: 'not given' });
  });

  test("Use the hub's default → null", () => expect(parseSizeGB("Use the hub's default")).toEqual({ ok: true, value: null }));

  test.each([
    ['small', /could not read "small" as a size; write a number with a unit, like 5 GB/],
    ['5', /no unit/],
    ['-5 GB', /negative/],
    ['5 bananas', /unit we do not know/],
  ])('%j fails (%s)', (text, pattern) => {
    expect(reason(parseSizeGB(text))).toMatch(pattern);
  });
});

describe('parseYesNo', () => {
  test.each([
    ['Yes', true],
    ['yes', true],
    ['No', false],
    ['no', false],
    ['yes, dask-gateway', true],
    ['Yes - we use dask-gateway for the last session', true],
    ['No, thanks', false],
    ['y', true],
    ['true', true],
    ['not needed', false],
    ['- [X] Uses Dask', true],
    ['- [x] Uses Dask', true],
    ['- [ ] Uses Dask', false],
    ['- [ ] Uses Dask\n- [X] Uses Dask Gateway', true],
    ['[x]', true],
    ['✅', true],
  ])('%j → %s', (text, expected) => {
    expect(parseYesNo(text)).toEqual({ ok: true, value: expected });
  });

  test.each(['maybe', 'Yes/No', 'yes or no', 'not sure', 'Uses Dask', 'nobody knows', 'yesterday'])('%j fails asking for Yes or No', (text) => {
    expect(reason(parseYesNo(text))).toMatch(/answer Yes or No$/);
  });
});
