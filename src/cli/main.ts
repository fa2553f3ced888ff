import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { MemoryIssue } from '../github/memory.js';
import { silentLogger } from '../pipeline/ports.js';
import { reconcile } from '../pipeline/reconcile.js';
import { runDemo } from './demo.js';
import { fixedClock, readConfigFile, readInput } from './io.js';

import { infraChangeFromDir, parseInfraArgs, readRecorded, scaleDownFromDir, UsageError, writeChange } from './infra.js';
import type { InfraChange } from '../infra/change.js';

export { UsageError };

const USAGE = `usage:
  workshop-readiness plan --config <file.yml> --issue <body.md> [--title T] [--now <ISO>] [--json]
  workshop-readiness infra --config <file.yml> --issue <body.md> --infra-dir <dir> [--now <ISO>] [--write]
  workshop-readiness infra --phase scale-down --config <file.yml> --infra-dir <dir> --recorded <ready-pr-body.md|values.json> [--write]
  workshop-readiness demo [--now <ISO>]`;

/** The pipeline offline on one issue body, through the real reconcile and an in-memory issue. */
export async function planOffline(options: { config: string; issue: string; title?: string | undefined; now?: string | undefined }) {
  const configLoad = readConfigFile(options.config);
  const body = readInput(options.issue, 'issue');
  const clock = fixedClock(options.now);
  const issue = { number: 1, title: options.title ?? `[Workshop] ${path.basename(options.issue)}`, body, author: 'requester', state: 'open' as const };
  const memory = new MemoryIssue(issue, { now: () => clock.now().toISOString() }, [configLoad.config.labels.workshop]);
  const result = await reconcile(configLoad, { issues: memory, clock, log: silentLogger });
  const evaluation = result.evaluation;
  if (!evaluation) throw new UsageError(`the issue was not processed: ${result.skipped ?? 'unknown reason'}`);
  return { config: configLoad.config, evaluation, memory };
}

/** `plan`: the whole pipeline offline on one issue body; prints the comment, or JSON with --json. */
async function planCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { config: { type: 'string' }, issue: { type: 'string' }, title: { type: 'string' }, now: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (!values.config || !values.issue) throw new UsageError(`plan needs --config and --issue\n${USAGE}`);
  const { evaluation, memory } = await planOffline({ config: values.config, issue: values.issue, title: values.title, now: values.now });
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

/** `infra`: the diff the infrastructure PR would contain, or the files written with --write. Never silent. */
async function infraCommand(args: string[]): Promise<number> {
  const options = parseInfraArgs(args);
  let change: InfraChange;
  let nothing: string;
  if (options.phase === 'scale-down') {
    const config = readConfigFile(options.config).config;
    const recorded = readRecorded(readInput(options.recorded, 'recorded values'), options.recorded);
    change = scaleDownFromDir(config, recorded, options.infraDir);
    nothing = `nothing to restore: ${options.infraDir} already holds the values recorded before ready mode (${recorded.pool} min ${recorded.before.pool.min ?? 'default'})`;
  } else {
    const { config, evaluation } = await planOffline({ ...options, issue: options.issue });
    if (!evaluation.plan) {
      throw new UsageError(`no plan for this issue: ${evaluation.problems.map((p) => p.message).join(' ') || 'the request is not valid'}`);
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
  return 0;
}

/** Runs the CLI; returns the exit code. Never lets a stack trace reach the user for input errors. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'plan':
        return await planCommand(rest);
      case 'infra':
        return await infraCommand(rest);
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
