import { parseCommands } from '../../src/workshop/commands.js';

describe('parseCommands', () => {
  test.each([
    ['/approve', [{ kind: 'approve' }]],
    ['/APPROVE', [{ kind: 'approve' }]],
    ['/approve cancel', [{ kind: 'approve-cancel' }]],
    ['/hold', [{ kind: 'hold', reason: null }]],
    ['/hold waiting for the quota increase', [{ kind: 'hold', reason: 'waiting for the quota increase' }]],
    ['/unhold', [{ kind: 'unhold' }]],
    ['/recompute  ', [{ kind: 'recompute' }]],
    ['/loadtest', [{ kind: 'loadtest', fraction: null }]],
    ['/loadtest 25%', [{ kind: 'loadtest', fraction: 0.25 }]],
    ['/loadtest pass https://grafana/x', [{ kind: 'loadtest-result', passed: true, evidence: 'https://grafana/x' }]],
    ['/loadtest fail nodes took 14 min', [{ kind: 'loadtest-result', passed: false, evidence: 'nodes took 14 min' }]],
    ['/assume attendees=120', [{ kind: 'assume', key: 'attendees', value: '120' }]],
    ['/assume instance-type = n2-highmem-8', [{ kind: 'assume', key: 'instance-type', value: 'n2-highmem-8' }]],
    ['/help', [{ kind: 'help' }]],
  ])('%s', (body, expected) => {
    expect(parseCommands(body)).toEqual(expected);
  });

  test.each([
    ['> /hold', 'a quote'],
    ['  /hold', 'an indented line'],
    ['/holdx', 'a longer word'],
    ['please /approve', 'not at the line start'],
    ['/home/jovyan/data is full', 'a path'],
    ['```\n/approve\n```', 'a fenced code block'],
    ['~~~sh\n/approve\n~~~', 'a tilde fence'],
    ['/recompute\n```\n/approve\n```'.split('\n').slice(1).join('\n'), 'a fence after text'],
    ['````\n```\n/approve\n````', 'a longer fence is closed only by one as long'],
    ['~~~\n```\n/approve\n~~~', 'a backtick line does not close a tilde fence'],
    ['```\n/approve', 'an unclosed fence runs to the end'],
    ['<!-- /approve -->', 'an HTML comment on one line'],
    ['<!--\n/approve\n-->', 'an HTML comment over lines'],
    ['<!-- note -->/approve', 'a line that holds a comment'],
    ['/approve <!-- x -->', 'a command line with a comment in it'],
    ['    /approve', 'an indented code block'],
    ['\t/approve', 'a tab-indented line'],
    ['>/approve', 'a quote without a space'],
    ['> > /approve', 'a nested quote'],
    ['/approve-me', 'a longer word with a dash'],
    ['/frobnicate', 'an unknown command'],
  ])('%s is not a command (%s)', (body) => {
    expect(parseCommands(body)).toEqual([]);
  });

  test('finding 4: fences and HTML comments never hold commands, whatever else the comment holds', () => {
    const body = ['/recompute', '```', '/approve', '```', '<!--', '/loadtest pass hidden', '-->', '~~~', '/hold', '~~~', '/help'].join('\n');
    expect(parseCommands(body).map((c) => c.kind)).toEqual(['recompute', 'help']);
  });

  test('a fence with backticks in its info string is not a fence (CommonMark), so the line after counts', () => {
    expect(parseCommands('``` a`b\n/help').map((c) => c.kind)).toEqual(['help']);
  });

  test('after a closed fence or comment, commands count again', () => {
    expect(parseCommands('```\nx\n```\n/help\n<!--\nx\n-->\n/recompute').map((c) => c.kind)).toEqual(['help', 'recompute']);
  });

  test('several commands per comment, in order; text around them ignored', () => {
    expect(parseCommands('Thanks!\n/loadtest pass ok-run\r\n/approve\nbye').map((c) => c.kind)).toEqual(['loadtest-result', 'approve']);
  });

  test('malformed forms of known commands are invalid with a reason', () => {
    const [pass] = parseCommands('/loadtest pass');
    expect(pass).toMatchObject({ kind: 'invalid', name: 'loadtest' });
    const [assume] = parseCommands('/assume colour=blue');
    expect(assume).toMatchObject({ kind: 'invalid', name: 'assume' });
    const [approve] = parseCommands('/approve everything');
    expect(approve).toMatchObject({ kind: 'invalid', name: 'approve' });
    const [pct] = parseCommands('/loadtest 0%');
    expect(pct).toMatchObject({ kind: 'invalid' });
  });

  test('a backtick in a malformed command cannot break out of the reply code span', () => {
    const [cmd] = parseCommands('/approve `x` y');
    expect(cmd?.kind === 'invalid' && cmd.reason).not.toMatch(/`x`/);
  });
});
