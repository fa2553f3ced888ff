import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { hubNotFoundMessage } from '../../src/workshop/hubs.js';
import { exampleConfig } from '../support/config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixtures = path.join(root, 'test/cli/fixtures');
const CONFIG = path.join(root, 'examples/workshop-readiness.yml');
const ISSUE = path.join(root, 'examples/issues/workshop.md');
const INFRA = path.join(root, 'examples/infra-repo');
const NOW = ['--now', '2027-02-01T15:00:00Z'];
const exampleBody = readFileSync(ISSUE, 'utf8');

/** Runs the CLI in-process; what it printed on each stream and the exit code it returned. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'wr-cli-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

/** An issue body file in the scratch folder. */
function issueFile(content: string | Buffer, name = 'issue.md'): string {
  const file = path.join(scratch, name);
  writeFileSync(file, content);
  return file;
}
const withAttendees = (n: string) => exampleBody.replace(/^about 60-80$/m, n);

describe('help and version', () => {
  test.each([['--help'], ['-h'], ['help']])('%s prints the usage on stdout and exits 0', async (flag) => {
    const { code, stdout, stderr } = await cli(flag);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^usage:/);
    expect(stdout).toMatch(/exit codes:\n {2}0 +processed.*\n {2}1 +.*needs information.*blocking risks\n {2}2 +bad input/);
  });

  test.each([['plan'], ['infra'], ['demo']])('%s --help prints that command usage on stdout and exits 0', async (command) => {
    const { code, stdout } = await cli(command, '--help');
    expect(code).toBe(0);
    expect(stdout).toContain(`usage: workshop-readiness ${command} `);
    expect(stdout).not.toContain(`workshop-readiness ${command === 'plan' ? 'infra' : 'plan'} --config`);
  });

  test('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(await cli('--version')).toEqual({ code: 0, stdout: `workshop-readiness ${version}\n`, stderr: '' });
  });

  test.each([[[]], [['frobnicate']]])('no command or an unknown one (%j): usage on stderr, exit 2', async (argv) => {
    const { code, stdout, stderr } = await cli(...argv);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toContain('usage:');
  });
});

describe('plan: exit codes', () => {
  test('0: processed and fine', async () => {
    const { code, stdout, stderr } = await cli('plan', '--config', CONFIG, '--issue', ISSUE, ...NOW);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('### 📐 Workshop readiness: modeled');
  });

  test('1: processed but needs information; stderr says what', async () => {
    const { code, stdout, stderr } = await cli('plan', '--config', CONFIG, '--issue', issueFile(withAttendees('TBD')), ...NOW);
    expect(code).toBe(1);
    expect(stdout).toContain('readiness: needs-info');
    expect(stderr).toMatch(/the request needs information:\n {2}- Peak number of simultaneous attendees/);
  });

  test('1: processed but the plan has blocking risks', async () => {
    const { code, stderr } = await cli('plan', '--config', CONFIG, '--issue', issueFile(withAttendees('2000')), ...NOW);
    expect(code).toBe(1);
    expect(stderr).toMatch(/the plan has blocking risks:\n {2}- The peak needs \d+ nodes but pool user-n2-highmem-4 allows at most 20/);
  });

  test.each([
    ['a missing option', ['plan', '--config', CONFIG], /plan needs --config and --issue/],
    ['an unknown option', ['plan', '--config', CONFIG, '--issue', ISSUE, '--jsn'], /Unknown option '--jsn'/],
    ['a file that does not exist', ['plan', '--config', CONFIG, '--issue', '/nonexistent/issue.md'], /cannot read the issue file \/nonexistent\/issue.md: ENOENT/],
    ['a config that is not YAML', ['plan', '--config', 'CONFIG_NOT_YAML', '--issue', ISSUE], /config file is not valid YAML/],
    ['a config that is not valid', ['plan', '--config', 'CONFIG_INVALID', '--issue', ISSUE], /invalid config .*hubs/],
    ['a bad --now', ['plan', '--config', CONFIG, '--issue', ISSUE, '--now', 'tomorrow'], /--now "tomorrow" is not an ISO date-time/],
  ])('2: bad input — %s, one line on stderr, no stack trace', async (_name, argv, message) => {
    const files: Record<string, string> = { CONFIG_NOT_YAML: issueFile('hubs: [unclosed', 'bad.yml'), CONFIG_INVALID: issueFile('clusters: {}\nhubs: {}\n', 'invalid.yml') };
    const { code, stdout, stderr } = await cli(...argv.map((a) => files[a] ?? a));
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('plan: output', () => {
  test('the same labels in plain text and in --json', async () => {
    for (const body of [exampleBody, withAttendees('TBD'), withAttendees('2000')]) {
      const file = issueFile(body);
      const plain = await cli('plan', '--config', CONFIG, '--issue', file, ...NOW);
      const json = await cli('plan', '--config', CONFIG, '--issue', file, ...NOW, '--json');
      const plainLabels = /\nlabels: (.*)\n$/.exec(plain.stdout)?.[1]?.split(', ');
      const report = JSON.parse(json.stdout) as { labels: string[]; outcome: string };
      expect(plainLabels).toEqual(report.labels);
      expect(report.labels).toContain('workshop-request');
      expect(json.code).toBe(plain.code);
    }
  });

  test('--json says the outcome a script acts on', async () => {
    const outcomes = [];
    for (const body of [exampleBody, withAttendees('TBD'), withAttendees('2000')]) {
      outcomes.push((JSON.parse((await cli('plan', '--config', CONFIG, '--issue', issueFile(body), ...NOW, '--json')).stdout) as { outcome: string }).outcome);
    }
    expect(outcomes).toEqual(['fine', 'needs-info', 'blocking-risks']);
  });

  test('a UTF-8 byte-order mark does not break the first heading', async () => {
    const { code, stdout } = await cli('plan', '--config', CONFIG, '--issue', issueFile(`\uFEFF${exampleBody}`), ...NOW);
    expect(code).toBe(0);
    expect(stdout).toContain('| Hub | workshops (https://workshops.demo.2i2c.cloud)');
  });

  test.each([
    ['empty', '', /the issue file .* is empty: it should hold the issue's Markdown, with the form's "### Label" headings/],
    ['only blank lines', '\n\n  \n', /is empty/],
    ['binary (NUL bytes)', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a, 0x1a]), /looks binary, not like an issue body/],
    ['binary (not UTF-8)', Buffer.from(Array.from({ length: 64 }, (_, i) => 0x80 + (i % 64))), /looks binary/],
  ])('an issue file that is %s: a clear message, exit 2', async (_name, content, message) => {
    const { code, stderr } = await cli('plan', '--config', CONFIG, '--issue', issueFile(content), ...NOW);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toContain('Hub is missing');
  });

  test('text without form headings is processed, with a note that it has none', async () => {
    const { code, stderr } = await cli('plan', '--config', CONFIG, '--issue', issueFile('We would like a hub for 30 students next month.'), ...NOW);
    expect(code).toBe(1);
    expect(stderr).toMatch(/note: .* has no form headings \("### Label" lines\)/);
  });

  test('hub not found: the nearest is suggested and the configured hubs listed', async () => {
    const body = exampleBody.replace('https://workshops.demo.2i2c.cloud', 'https://workshop.demo.2i2c.cloud');
    const { code, stdout } = await cli('plan', '--config', CONFIG, '--issue', issueFile(body), ...NOW);
    expect(code).toBe(1);
    expect(stdout).toContain('Did you mean https://workshops.demo.2i2c.cloud?');
    expect(stdout).toContain('The hubs we know: https://workshops.demo.2i2c.cloud, https://research.demo-aws.2i2c.cloud.');
  });
});

describe('hub not found message', () => {
  const config = exampleConfig();
  test.each([
    ['research.demo-aws.2i2c.clod', 'Did you mean https://research.demo-aws.2i2c.cloud?', 'https://research.demo-aws.2i2c.cloud, https://workshops.demo.2i2c.cloud'],
    ['workshop-hub', 'Did you mean https://workshops.demo.2i2c.cloud?', 'https://workshops.demo.2i2c.cloud, https://research.demo-aws.2i2c.cloud'],
    ['https://completely-elsewhere.example.org', null, 'https://'],
  ])('%s', (text, suggestion, listedFirst) => {
    const message = hubNotFoundMessage(config, text);
    expect(message).toContain(`could not find a hub called "${text}"`);
    if (suggestion) expect(message).toContain(suggestion);
    else expect(message).not.toContain('Did you mean');
    expect(message).toContain(`The hubs we know: ${listedFirst}`);
  });

  test('a long list is cut, saying how many more; a huge input stays fast', () => {
    const many = { ...config, hubs: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`hub-${i}`, { ...config.hubs.workshops!, url: `https://hub-${i}.example.org`, aliases: [] }])) };
    const started = performance.now();
    const message = hubNotFoundMessage(many, `hub-7${'x'.repeat(100_000)}`);
    // Compared and echoed by its first characters only: uncapped, this input takes seconds.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(message.length).toBeLessThan(600);
    expect(message).toMatch(/The hubs we know: (https:\/\/hub-\d+\.example\.org, ){7}https:\/\/hub-\d+\.example\.org and 22 more\./);
  });
});

describe('--form: the organisation form template, offline', () => {
  const orgConfig = () => {
    const file = path.join(scratch, 'workshop-readiness.yml');
    writeFileSync(
      file,
      `${readFileSync(CONFIG, 'utf8')}\nform:\n  template: ISSUE_TEMPLATE/event.yml\n  fields: { hub: hub_url, start_date: event_begin, end_date: event_end, daily_hours: active_times, attendees: user_number, contact: community_rep }\n`,
    );
    return file;
  };
  const orgIssue = path.join(fixtures, 'org-form/issue.md');

  test('without it, fields mapped by id are not found, and a note says to pass --form', async () => {
    const { code, stderr } = await cli('plan', '--config', orgConfig(), '--issue', orgIssue, ...NOW);
    expect(code).toBe(1);
    expect(stderr).toContain('note: the config names form.template ISSUE_TEMPLATE/event.yml; pass --form <template.yml>');
  });

  test('with it, the ids resolve to the form labels and the request is read', async () => {
    const { code, stdout, stderr } = await cli('plan', '--config', orgConfig(), '--issue', orgIssue, '--form', path.join(fixtures, 'org-form/event-form.yml'), ...NOW);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('| Peak simultaneous attendees | 40 |');
  });

  test('the template beside the config (a .github checkout) is found without --form', async () => {
    const config = orgConfig();
    mkdirSync(path.join(scratch, 'ISSUE_TEMPLATE'));
    cpSync(path.join(fixtures, 'org-form/event-form.yml'), path.join(scratch, 'ISSUE_TEMPLATE/event.yml'));
    expect((await cli('plan', '--config', config, '--issue', orgIssue, ...NOW)).code).toBe(0);
  });

  test.each([
    ['not YAML', 'body: [unclosed', /the form template .* is not valid YAML/],
    ['not an issue form', 'name: x\n', /the form template .* is not an issue form: the issue form has no `body` list/],
  ])('a template that is %s: exit 2', async (_name, content, message) => {
    const { code, stderr } = await cli('plan', '--config', orgConfig(), '--issue', orgIssue, '--form', issueFile(content, 'form.yml'), ...NOW);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('infra', () => {
  const infraArgs = (issue: string) => ['infra', '--config', CONFIG, '--issue', issue, '--infra-dir', INFRA, ...NOW];

  test('0: the diff for a plan that fits', async () => {
    const { code, stdout, stderr } = await cli(...infraArgs(ISSUE));
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toMatch(/^--- a\/terraform\/gcp\/projects\/demo-cluster\.tfvars/);
  });

  test('1: refuses a plan with blocking risks, writes nothing, says how to go on', async () => {
    const { code, stdout, stderr } = await cli(...infraArgs(issueFile(withAttendees('2000'))), '--write');
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toMatch(/refusing to build an infrastructure change for a plan with blocking risks:\n {2}- The peak needs/);
    expect(stderr).toContain('pass --force');
  });

  test('1 with --force: the change, under a loud warning', async () => {
    const { code, stdout, stderr } = await cli(...infraArgs(issueFile(withAttendees('2000'))), '--force');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^--- a\//);
    expect(stderr).toMatch(/^!{78}\nWARNING: --force: this change is for a plan with blocking risks/);
  });

  test('1: a request that needs information gets no change, and stderr says why', async () => {
    const { code, stdout, stderr } = await cli(...infraArgs(issueFile(withAttendees('TBD'))));
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toMatch(/the request needs information:\n {2}- Peak number of simultaneous attendees[^]*no infrastructure change without a plan/);
  });

  test('2: bad input', async () => {
    const { code, stderr } = await cli('infra', '--config', CONFIG, '--issue', ISSUE);
    expect(code).toBe(2);
    expect(stderr).toContain('infra needs --config and --infra-dir');
  });
});

describe('as a process', () => {
  test('the exit code and the streams reach the shell', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'plan', '--config', CONFIG], { cwd: root, encoding: 'utf8' });
    expect([run.status, run.stdout]).toEqual([2, '']);
    expect(run.stderr).toBe('workshop-readiness: plan needs --config and --issue (see workshop-readiness plan --help)\n');
  }, 30_000);
});
