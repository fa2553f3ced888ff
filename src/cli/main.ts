import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Plan } from '../capacity/types.js';
import { MemoryIssue } from '../github/memory.js';
import { packageRoot } from '../paths.js';
import { silentLogger } from '../pipeline/ports.js';
import { reconcile } from '../pipeline/reconcile.js';
import type { Evaluation } from '../workshop/evaluate.js';
import { runDemo } from './demo.js';
import { fixedClock, readConfigFile, readInput, readIssueBody } from './io.js';

import { infraChangeFromDir, parseInfraArgs, readRecorded, scaleDownFromDir, UsageError, writeChange } from './infra.js';
import type { InfraChange } from '../infra/change.js';

export { UsageError };

/**
 * Exit codes, as documented in the README and in --help:
 * 0 the request was processed and is fine; 1 it was processed but needs information or its plan has
 * blocking risks; 2 bad input (usage, unreadable or invalid files).
 */
export const EXIT = { ok: 0, needsAttention: 1, badInput: 2 } as const;

const COMMANDS = {
  plan: `workshop-readiness plan --config <file.yml> --issue <body.md> [--form <template.yml>] [--title T] [--now <ISO>] [--json]
  The whole pipeline offline on one issue body: prints the status comment and the labels (or JSON).`,
  infra: `workshop-readiness infra --config <file.yml> --issue <body.md> --infra-dir <dir> [--form <template.yml>] [--now <ISO>] [--write] [--force]
  workshop-readiness infra --phase scale-down --config <file.yml> --infra-dir <dir> --recorded <ready-pr-body.md|values.json> [--write]
  The change the ready-mode PR would contain, as a diff (or written with --write); it refuses a plan
  with blocking risks unless --force. With --phase scale-down: the values recorded when ready mode was
  applied (from the ready-mode PR's description or a JSON file), put back on the warm checkout.`,
  demo: `workshop-readiness demo [--now <ISO>]
  The bundled example through the real pipeline with an in-memory GitHub, offline.`,
} as const;

const USAGE = `usage:
${Object.values(COMMANDS)
  .map((text) => `  ${text.replace(/\n/g, '\n  ')}`)
  .join('\n')}

options:
  --form <template.yml>  your organisation's issue form, so form.fields can map by field id
  --now <ISO>            the time to plan at (default: now)
  -h, --help             this help (also per command: workshop-readiness plan --help)
  --version              the version

exit codes:
  0  processed, and the request is fine
  1  processed, but the request needs information or its plan has blocking risks
  2  bad input: wrong usage, or a file that cannot be read or is not valid`;

/** The pipeline offline on one issue body, through the real reconcile and an in-memory issue. */
export async function planOffline(options: { config: string; issue: string; form?: string | undefined; title?: string | undefined; now?: string | undefined }) {
  const warn = (line: string) => process.stderr.write(`workshop-readiness: note: ${line}\n`);
  const configLoad = readConfigFile(options.config, options.form, warn);
  const body = readIssueBody(options.issue, warn);
  const clock = fixedClock(options.now);
  const issue = { number: 1, title: options.title ?? `[Workshop] ${path.basename(options.issue)}`, body, author: 'requester', state: 'open' as const };
  const memory = new MemoryIssue(issue, { now: () => clock.now().toISOString() }, [configLoad.config.labels.workshop]);
  const result = await reconcile(configLoad, { issues: memory, clock, log: silentLogger });
  const evaluation = result.evaluation;
  if (!evaluation) throw new UsageError(`the issue was not processed: ${result.skipped ?? 'unknown reason'}`);
  return { config: configLoad.config, evaluation, memory };
}

const blockingRisks = (plan: Plan | null) => (plan?.risks ?? []).filter((risk) => risk.severity === 'blocking');

/** What a script needs to know about a processed request: the exit code and why. */
export function outcomeOf(evaluation: Evaluation): { code: number; outcome: 'fine' | 'needs-info' | 'blocking-risks'; reasons: string[] } {
  if (evaluation.problems.length) return { code: EXIT.needsAttention, outcome: 'needs-info', reasons: evaluation.problems.map((p) => p.message) };
  const blocking = blockingRisks(evaluation.plan);
  if (blocking.length) return { code: EXIT.needsAttention, outcome: 'blocking-risks', reasons: blocking.map((r) => r.message) };
  return { code: EXIT.ok, outcome: 'fine', reasons: [] };
}

function explain(outcome: ReturnType<typeof outcomeOf>): void {
  if (outcome.code === EXIT.ok) return;
  const what = outcome.outcome === 'needs-info' ? 'the request needs information' : 'the plan has blocking risks';
  process.stderr.write(`workshop-readiness: ${what}:\n${outcome.reasons.map((r) => `  - ${r}`).join('\n')}\n`);
}

/** `plan`: prints the comment and the labels the issue would carry, or the same as JSON with --json. */
async function planCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, issue: { type: 'string' }, form: { type: 'string' }, title: { type: 'string' }, now: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (!values.config || !values.issue) throw new UsageError(`plan needs --config and --issue (see workshop-readiness plan --help)`);
  const { evaluation, memory } = await planOffline({ config: values.config, issue: values.issue, form: values.form, title: values.title, now: values.now });
  const outcome = outcomeOf(evaluation);
  // One list of labels for both outputs: the ones the issue carries after the reconcile.
  const labels = [...memory.labels];
  if (values.json) {
    const report = { outcome: outcome.outcome, request: evaluation.request, problems: evaluation.problems, plan: evaluation.plan, stage: evaluation.readiness.stage, labels, comment: evaluation.commentBody };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stdout.write(`${evaluation.commentBody}\n\nlabels: ${labels.join(', ')}\n`);
  }
  explain(outcome);
  return outcome.code;
}

/** `infra`: the diff the infrastructure PR would contain, or the files written with --write. Never silent. */
async function infraCommand(args: string[]): Promise<number> {
  const options = parseInfraArgs(args);
  let change: InfraChange;
  let nothing: string;
  let blocking: Plan['risks'] = [];
  if (options.phase === 'scale-down') {
    const config = readConfigFile(options.config).config;
    const recorded = readRecorded(readInput(options.recorded, 'recorded values'), options.recorded);
    change = scaleDownFromDir(config, recorded, options.infraDir);
    nothing = `nothing to restore: ${options.infraDir} already holds the values recorded before ready mode (${recorded.pool} min ${recorded.before.pool.min ?? 'default'})`;
  } else {
    const { config, evaluation } = await planOffline({ ...options, issue: options.issue });
    if (!evaluation.plan) {
      // Processed, but there is nothing to plan for yet: the same answer as `plan` gives (exit 1).
      explain(outcomeOf(evaluation));
      process.stderr.write('workshop-readiness: no infrastructure change without a plan\n');
      return EXIT.needsAttention;
    }
    blocking = blockingRisks(evaluation.plan);
    if (blocking.length && !options.force) {
      process.stderr.write(
        `workshop-readiness: refusing to build an infrastructure change for a plan with blocking risks:\n${blocking.map((r) => `  - ${r.message}`).join('\n')}\n` +
          'Resolve them (config quotas, pool size, the request), or pass --force to see the change anyway.\n',
      );
      return EXIT.needsAttention;
    }
    if (blocking.length) {
      process.stderr.write(
        `${'!'.repeat(78)}\nWARNING: --force: this change is for a plan with blocking risks; it will not work as planned:\n${blocking.map((r) => `  - ${r.message}`).join('\n')}\n${'!'.repeat(78)}\n`,
      );
    }
    change = infraChangeFromDir(config, evaluation.plan, options.infraDir);
    nothing = `nothing to change: ${options.infraDir} already holds the ready-mode values`;
  }
  if (!change.ok) throw new UsageError(change.error);
  if (!change.files.length) {
    process.stdout.write(`${options.write ? 'nothing written: ' : ''}${nothing}\n`);
  } else if (options.write) {
    writeChange(change, options.infraDir);
    process.stdout.write(`wrote ${change.files.map((f) => f.path).join(', ')}\n`);
  } else {
    process.stdout.write(change.diff);
  }
  return blocking.length ? EXIT.needsAttention : EXIT.ok;
}

function version(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

/** Runs the CLI; returns the exit code. Never lets a stack trace reach the user for input errors. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return command === undefined ? EXIT.badInput : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`workshop-readiness ${version()}\n`);
    return EXIT.ok;
  }
  if (command in COMMANDS && wantsHelp(rest)) {
    process.stdout.write(`usage: ${COMMANDS[command as keyof typeof COMMANDS]}\n\n${USAGE.slice(USAGE.indexOf('options:'))}\n`);
    return EXIT.ok;
  }
  try {
    switch (command) {
      case 'plan':
        return await planCommand(rest);
      case 'infra':
        return await infraCommand(rest);
      case 'demo':
        return await runDemo(rest, (text) => process.stdout.write(text));
      default:
        process.stderr.write(`workshop-readiness: unknown command "${command}"\n${USAGE}\n`);
        return EXIT.badInput;
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`workshop-readiness: ${(error as Error).message.split('\n')[0]}\n`);
      return EXIT.badInput;
    }
    if ((error as { name?: string }).name === 'YAMLParseError') {
      process.stderr.write(`workshop-readiness: the config file is not valid YAML: ${(error as Error).message.split('\n')[0]}\n`);
      return EXIT.badInput;
    }
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
