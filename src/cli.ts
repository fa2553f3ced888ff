import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from './config/schema.js';
import { MemoryIssue } from './github/memory.js';
import type { Clock } from './ports.js';
import { silentLogger } from './ports.js';
import { reconcile, type ConfigLoad } from './reconcile.js';
import { runDemo } from './demo.js';

/** A failure the user can fix: printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {}

const USAGE = `usage:
  workshop-readiness plan --config <file.yml> --issue <body.md> [--title T] [--now <ISO>] [--json]
  workshop-readiness demo [--now <ISO>]`;

/** Reads and validates a config file; UsageError with a one-line reason otherwise. */
export function readConfigFile(file: string): ConfigLoad & { kind: 'ok' } {
  const raw = parseYaml(readInput(file, 'config'));
  const result = validateConfig(raw);
  if (!result.ok) {
    throw new UsageError(`invalid config ${file}: ${result.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  return { kind: 'ok', config: result.config };
}

export function readInput(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the ${what} file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function fixedClock(now: string | undefined): Clock {
  if (now === undefined) return { now: () => new Date() };
  const instant = new Date(now);
  if (Number.isNaN(instant.getTime())) throw new UsageError(`--now "${now}" is not an ISO date-time (write it like 2027-02-01T12:00:00Z)`);
  return { now: () => instant };
}

/** `plan`: the whole pipeline offline on one issue body; prints the comment, or JSON with --json. */
async function planCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, issue: { type: 'string' }, title: { type: 'string' }, now: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (!values.config || !values.issue) throw new UsageError(`plan needs --config and --issue\n${USAGE}`);
  const configLoad = readConfigFile(values.config);
  const body = readInput(values.issue, 'issue');
  const clock = fixedClock(values.now);
  const issue = { number: 1, title: values.title ?? `[Workshop] ${path.basename(values.issue)}`, body, author: 'requester', state: 'open' as const };
  const memory = new MemoryIssue(issue, { now: () => clock.now().toISOString() }, [configLoad.config.labels.workshop]);
  const result = await reconcile(configLoad, { issues: memory, clock, log: silentLogger });
  const evaluation = result.evaluation;
  if (!evaluation) throw new UsageError(`the issue was not processed: ${result.skipped ?? 'unknown reason'}`);
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify(
        {
          request: evaluation.request,
          problems: evaluation.problems,
          plan: evaluation.plan,
          stage: evaluation.readiness.stage,
          labels: memory.labels,
          comment: evaluation.commentBody,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    process.stdout.write(`${evaluation.commentBody}\n\nlabels: ${evaluation.labels.join(', ')}\n`);
  }
  return 0;
}

/** Runs the CLI; returns the exit code. Never lets a stack trace reach the user for input errors. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'plan':
        return await planCommand(rest);
      case 'demo':
        return await runDemo(rest, (text) => process.stdout.write(text));
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`workshop-readiness: ${(error as Error).message.split('\n')[0]}\n`);
      return 2;
    }
    if ((error as { name?: string }).name === 'YAMLParseError') {
      process.stderr.write(`workshop-readiness: the config file is not valid YAML: ${(error as Error).message.split('\n')[0]}\n`);
      return 2;
    }
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
