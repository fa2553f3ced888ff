/**
 * Slash commands, defined once as anchored, case-insensitive patterns (like Prow's plugins). A command
 * is a line that starts with `/`; lines in fenced code blocks and quotes are not commands.
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
        return { kind: 'invalid', name: 'loadtest', reason: `\`/loadtest ${passed ? 'pass' : 'fail'}\` needs ${passed ? 'evidence' : 'a reason'} after it, for example a link to the dashboard of the run` };
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
        return { kind: 'invalid', name: 'loadtest', reason: '`/loadtest <n>%` takes a percentage between 1 and 100' };
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
        return { kind: 'invalid', name: 'assume', reason: `\`/assume\` takes \`<key>=<value>\` with a key among ${ASSUMPTION_KEYS.join(', ')}` };
      }
      return { kind: 'assume', key: key as AssumptionKey, value: (assignment[2] ?? '').trim() };
    },
  },
  { name: 'help', pattern: /^\/help\s*$/i, build: () => ({ kind: 'help' }) },
];

const KNOWN_NAMES = new Set(SPECS.map((s) => s.name).concat('unhold'));

/** The commands in a comment body, in order. Unknown `/words` are ignored so paths like /home/jovyan are not commands. */
export function parseCommands(body: string): Command[] {
  const commands: Command[] = [];
  let fence: string | null = null;
  for (const rawLine of body.replace(/\r\n?/g, '\n').split('\n')) {
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(rawLine);
    if (fenceMatch) {
      const marker = fenceMatch[1] ?? '';
      if (fence === null) fence = marker[0] ?? null;
      else if (marker[0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    // Anchored at the line start: indented lines are code in markdown, `>` lines are quotes.
    if (!rawLine.startsWith('/')) continue;
    const line = rawLine.trimEnd();
    const name = /^\/([a-z]+)\b/i.exec(line)?.[1]?.toLowerCase();
    if (!name || !KNOWN_NAMES.has(name)) continue;
    const spec = SPECS.find((s) => s.pattern.test(line));
    const match = spec?.pattern.exec(line);
    if (spec && match) commands.push(spec.build(match));
    else commands.push({ kind: 'invalid', name, reason: `\`${line.slice(0, 60).replace(/`/g, "'")}\` is not a form of /${name} I know; /help lists the commands` });
  }
  return commands;
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
