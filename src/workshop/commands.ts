/**
 * Slash commands, defined once as anchored, case-insensitive patterns (like Prow's plugins). A command
 * is a line that starts with `/` in the plain text of a comment (see parseCommands).
 */

export type Command =
  | { kind: 'recompute' }
  | { kind: 'approve' }
  | { kind: 'approve-cancel' }
  | { kind: 'hold'; reason: string | null }
  | { kind: 'unhold' }
  | { kind: 'loadtest'; fraction: number | null }
  | { kind: 'loadtest-result'; passed: boolean; evidence: string }
  | { kind: 'assume'; key: AssumptionKey; value: string }
  | { kind: 'help' }
  | { kind: 'invalid'; name: string; reason: string };

/** Plan assumptions an engineer may override with `/assume <key>=<value>`. */
export const ASSUMPTION_KEYS = ['attendees', 'memory', 'cpu', 'instance-type', 'image-size-gb', 'data-gb'] as const;
export type AssumptionKey = (typeof ASSUMPTION_KEYS)[number];

interface CommandSpec {
  name: string;
  pattern: RegExp;
  build: (match: RegExpExecArray) => Command;
}

const rest = (match: RegExpExecArray, group = 1) => (match[group] ?? '').trim();

const SPECS: CommandSpec[] = [
  { name: 'recompute', pattern: /^\/recompute\s*$/i, build: () => ({ kind: 'recompute' }) },
  { name: 'approve', pattern: /^\/approve\s+cancel\s*$/i, build: () => ({ kind: 'approve-cancel' }) },
  { name: 'approve', pattern: /^\/approve\s*$/i, build: () => ({ kind: 'approve' }) },
  { name: 'hold', pattern: /^\/hold(?:\s+(.*))?$/i, build: (m) => ({ kind: 'hold', reason: rest(m) || null }) },
  { name: 'unhold', pattern: /^\/(?:unhold|hold\s+cancel)\s*$/i, build: () => ({ kind: 'unhold' }) },
  {
    name: 'loadtest',
    pattern: /^\/loadtest\s+(pass|fail)(?:\s+(.*))?$/i,
    build: (m) => {
      const passed = (m[1] ?? '').toLowerCase() === 'pass';
      const evidence = rest(m, 2);
      if (!evidence) {
        return { kind: 'invalid', name: 'loadtest', reason: `/loadtest ${passed ? 'pass' : 'fail'} needs ${passed ? 'evidence' : 'a reason'} after it, for example a link to the dashboard of the run` };
      }
      return { kind: 'loadtest-result', passed, evidence };
    },
  },
  {
    name: 'loadtest',
    pattern: /^\/loadtest(?:\s+(\d{1,3})%)?\s*$/i,
    build: (m) => {
      const percent = m[1] ? Number(m[1]) : null;
      if (percent !== null && (percent < 1 || percent > 100)) {
        return { kind: 'invalid', name: 'loadtest', reason: '/loadtest <n>% takes a percentage between 1 and 100' };
      }
      return { kind: 'loadtest', fraction: percent === null ? null : percent / 100 };
    },
  },
  {
    name: 'assume',
    pattern: /^\/assume(?:\s+(.*))?$/i,
    build: (m) => {
      const assignment = /^([a-z-]+)\s*=\s*(\S.*)$/i.exec(rest(m));
      const key = assignment?.[1]?.toLowerCase();
      if (!assignment || !key || !(ASSUMPTION_KEYS as readonly string[]).includes(key)) {
        return { kind: 'invalid', name: 'assume', reason: `/assume takes <key>=<value> with a key among ${ASSUMPTION_KEYS.join(', ')}` };
      }
      return { kind: 'assume', key: key as AssumptionKey, value: (assignment[2] ?? '').trim() };
    },
  },
  { name: 'help', pattern: /^\/help\s*$/i, build: () => ({ kind: 'help' }) },
];

const KNOWN_NAMES = new Set(SPECS.map((s) => s.name).concat('unhold'));

/** Commands read from one comment at most; the rest are ignored (a comment cannot fill the marker or the replies). */
export const MAX_COMMANDS_PER_COMMENT = 10;

/**
 * The commands in a comment body, in order. Unknown `/words` are ignored so paths like /home/jovyan are
 * not commands. Only lines of plain text count: never a line in a fenced code block (``` or ~~~), an
 * indented code block, a quote or an HTML comment, whatever else the comment holds.
 */
export function parseCommands(body: string): Command[] {
  const commands: Command[] = [];
  for (const line of plainTextLines(body)) {
    if (!line.startsWith('/')) continue;
    const name = /^\/([a-z]+)(?=\s|$)/i.exec(line)?.[1]?.toLowerCase();
    if (!name || !KNOWN_NAMES.has(name)) continue;
    const spec = SPECS.find((s) => s.pattern.test(line));
    const match = spec?.pattern.exec(line);
    if (spec && match) commands.push(spec.build(match));
    else commands.push({ kind: 'invalid', name, reason: `"${line.slice(0, 60).replace(/`/g, "'")}" is not a form of /${name} I know; /help lists the commands` });
  }
  return commands;
}

/**
 * The lines of a markdown body that can hold a command: outside fences (closed only by the same
 * character, at least as long, as CommonMark says) and untouched by any HTML comment. Quotes and
 * indented lines stay in, since they never start with `/`. Linear in the length of the body.
 */
function plainTextLines(body: string): string[] {
  const lines: string[] = [];
  let fence: { char: string; length: number } | null = null;
  let inHtmlComment = false;
  for (const rawLine of body.replace(/\r\n?/g, '\n').split('\n')) {
    const line = rawLine.trimEnd();
    if (fence) {
      const closing = /^ {0,3}(`{3,}|~{3,})$/.exec(line)?.[1];
      if (closing && closing[0] === fence.char && closing.length >= fence.length) fence = null;
      continue;
    }
    if (inHtmlComment || line.includes('<!--')) {
      // A line that is, starts, ends or holds an HTML comment is hidden text, never a command.
      inHtmlComment = line.lastIndexOf('<!--') > line.lastIndexOf('-->') || (inHtmlComment && !line.includes('-->'));
      continue;
    }
    const opening = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    const marker = opening?.[1];
    if (marker && !(marker[0] === '`' && opening[2]?.includes('`'))) {
      fence = { char: marker[0] ?? '`', length: marker.length };
      continue;
    }
    lines.push(line);
  }
  return lines;
}

/** How a command is written, for replies and the comment. */
export function describeCommand(command: Command): string {
  switch (command.kind) {
    case 'approve-cancel':
      return '/approve cancel';
    case 'loadtest-result':
      return `/loadtest ${command.passed ? 'pass' : 'fail'}`;
    case 'assume':
      return `/assume ${command.key}=…`;
    case 'invalid':
      return `/${command.name}`;
    default:
      return `/${command.kind}`;
  }
}
