import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/schema.js';
import { MemoryIssue } from '../../src/github/memory.js';
import { silentLogger } from '../../src/pipeline/ports.js';
import { reconcile, type ConfigLoad } from '../../src/pipeline/reconcile.js';
import { STATUS_COMMENT_BUDGET } from '../../src/render/status-comment.js';
import { decodeMarker, deriveMarkerKey, encodeMarker, EMPTY_STATE, LOCAL_MARKER_KEY } from '../../src/workshop/marker.js';

/**
 * Issue 14's fuzz suite: generated issue bodies, comments, comment edits, tampering and configs, each
 * step through the real `reconcile` with the in-memory GitHub. Every reconcile must finish without
 * throwing, within 100 ms of CPU time, leave one status comment under the size budget whose marker reads back as
 * the state that was rendered, and never reach `go` without an engineer's /approve.
 *
 * FUZZ_RECONCILES sets how many reconciles run (default 10,000).
 */

const TOTAL = Number(process.env.FUZZ_RECONCILES ?? 10_000);
const STEPS = 4; // actions per generated history, each followed by a reconcile (plus the opening one)
const RUNS = Math.ceil(TOTAL / (STEPS + 1));
const BUDGET_MS = 100;

/**
 * Garbage collections, by when they ran: a pause that collects what earlier reconciles left behind is
 * not this reconcile's work, so a run over the budget has the collections inside it taken off before
 * it is judged. Observer entries arrive asynchronously, hence the wait for the next turn.
 */
const collections: Array<{ start: number; end: number }> = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) collections.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  if (collections.length > 1000) collections.splice(0, collections.length - 1000);
});
gcObserver.observe({ entryTypes: ['gc'] });
afterAll(() => gcObserver.disconnect());

async function withoutCollections(cpuMs: number, from: number, to: number): Promise<number> {
  if (cpuMs < BUDGET_MS) return cpuMs;
  await new Promise((resolve) => setImmediate(resolve));
  const paused = collections.reduce((sum, c) => sum + Math.max(0, Math.min(c.end, to) - Math.max(c.start, from)), 0);
  return cpuMs - paused;
}

const exampleBody = readFileSync(new URL('../../examples/issues/workshop.md', import.meta.url), 'utf8');
const exampleYaml = readFileSync(new URL('../../examples/workshop-readiness.yml', import.meta.url), 'utf8');
const SCOPE = 'example-org/infrastructure#17';
const seal = { key: LOCAL_MARKER_KEY, scope: SCOPE };

const TOKENS = ['<', '>', '@', '/', '-->', '<!--', 'workshop-readiness:state', '<img src=x>', '@everyone', '`', '```', '~~~', '|', '#', '\n', ' ', '&', '*', '_', '[', ']', '\\', 'a', '9', '\u200d', '\u202e', '"', '{"v":2}', '> ', '    '];
const hostile = fc.string({ unit: fc.constantFrom(...TOKENS), maxLength: 40 });

/** Valid values for each field often enough that plans, load tests and approvals really happen. */
const FIELD_VALUES: Record<string, fc.Arbitrary<string>> = {
  'Peak number of simultaneous attendees': fc.oneof({ weight: 4, arbitrary: fc.constantFrom('25', '40', 'about 60-80', '120', '300', '2000') }, { weight: 1, arbitrary: hostile }),
  'Memory per user': fc.oneof({ weight: 4, arbitrary: fc.constantFrom('2 GB', '4 GB', '8GiB', "Use the hub's default", '200 GB') }, { weight: 1, arbitrary: hostile }),
  'CPU per user': fc.oneof({ weight: 4, arbitrary: fc.constantFrom("Use the hub's default", '1', '0.5 CPU', '2 cores') }, { weight: 1, arbitrary: hostile }),
  'Container image': fc.oneof(fc.constantFrom('_No response_', 'quay.io/org/image:2027.01'), hostile.map((t) => t.replace(/\n/g, ' '))),
  Community: hostile.map((t) => t.replace(/\n/g, ' ') || 'Club'),
  Contact: fc.oneof(fc.constantFrom('@octocat', 'someone@example.org'), hostile.map((t) => t.replace(/\n/g, ' ') || 'x')),
  'Start date': fc.oneof({ weight: 5, arbitrary: fc.constantFrom('March 10, 2027 at 9:00 am Central Time', '2027-03-15 09:00 UTC', '2027-04-01') }, { weight: 1, arbitrary: hostile }),
  'Daily active hours': fc.oneof({ weight: 5, arbitrary: fc.constantFrom('9am - 5pm America/Chicago', '13:00-16:00 UTC') }, { weight: 1, arbitrary: hostile }),
  'About the workload': hostile,
};
const LABELS = Object.keys(FIELD_VALUES);

const withField = (body: string, label: string, value: string) => body.replace(new RegExp(`(### ${label}\\n\\n)[^\\n]*`), (_m, head: string) => `${head}${value}`);

const editBody = fc.array(fc.constantFrom(...LABELS).chain((label) => (FIELD_VALUES[label] ?? hostile).map((value) => [label, value] as const)), { maxLength: 3 });

const COMMANDS = ['/approve', '/approve cancel', '/hold', '/unhold', '/loadtest pass https://grafana.example.org/d/run', '/loadtest fail nodes slow', '/loadtest', '/loadtest 25%', '/assume attendees=90', '/assume memory=6GB', '/assume cpu=lots', '/recompute', '/help', '/approve now', '/frobnicate'];
const wrapped = fc.tuple(fc.constantFrom(...COMMANDS), hostile, fc.constantFrom('plain', 'plain', 'plain', 'plain', 'plain', 'plain', 'fenced', 'tilde', 'quoted', 'indented', 'html', 'with-text')).map(([command, text, how]) => {
  const line = command === '/hold' ? `/hold ${text.replace(/\n/g, ' ')}` : command;
  switch (how) {
    case 'fenced':
      return `/recompute\n\`\`\`\n${line}\n\`\`\``;
    case 'tilde':
      return `~~~\n${line}\n~~~`;
    case 'quoted':
      return `> ${line}`;
    case 'indented':
      return `    ${line}`;
    case 'html':
      return `<!--\n${line}\n-->`;
    case 'with-text':
      return `${text}\n${line}\n${text}`;
    default:
      return line;
  }
});
const AUTHORS = ['alice', 'bob', 'community-rep', 'mallory', 'ci[bot]'] as const;
const ENGINEERS = new Set(['alice', 'bob']);

const CONFIG_EDITS: Array<[string, string]> = [
  ['headroom: 0.2', 'headroom: 0.5'],
  ['maxNodes: 20', 'maxNodes: 3'],
  ['maxNodes: 20', 'maxNodes: "twenty"'],
  ['headroom: 0.2', 'headroom: lots'],
  ['leadTimeDays: 21', 'leadTimeDays: -4'],
  ['memoryGuarantee: 4G', 'memoryGuarantee: 2G'],
];
const configLoads: ConfigLoad[] = [{ kind: 'ok', config: okConfig(exampleYaml) }, ...CONFIG_EDITS.map(([from, to]) => loadOf(exampleYaml.replace(from, to)))];
function loadOf(yaml: string): ConfigLoad {
  const result = validateConfig(parse(yaml));
  return result.ok ? { kind: 'ok', config: result.config } : { kind: 'invalid', problems: result.problems };
}
function okConfig(yaml: string) {
  const load = loadOf(yaml);
  if (load.kind !== 'ok') throw new Error('the example config must be valid');
  return load.config;
}

type Action =
  | { kind: 'comment'; author: (typeof AUTHORS)[number]; body: string }
  | { kind: 'edit-body'; edits: ReadonlyArray<readonly [string, string]> }
  | { kind: 'edit-comment'; index: number; body: string }
  | { kind: 'tamper'; how: 'text' | 'forged' | 'delete' }
  | { kind: 'config'; index: number }
  /** The engineers' happy path in one step: a load test recorded by one, an approval by the other. */
  | { kind: 'sign-off' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('comment' as const), author: fc.constantFrom(...AUTHORS, 'alice', 'bob', 'alice', 'bob'), body: wrapped }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('edit-body' as const), edits: editBody }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('edit-comment' as const), index: fc.nat(5), body: wrapped }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tamper' as const), how: fc.constantFrom('text' as const, 'forged' as const, 'delete' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('config' as const), index: fc.nat(configLoads.length - 1) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'sign-off' as const }) },
);

const tally = { reconciles: 0, slowest: 0, modeledOrBeyond: 0, go: 0, accepted: 0, refused: 0, invalidConfig: 0, needsInfo: 0 };

describe('fuzz: the real reconcile over generated histories', () => {
  test(`${TOTAL} reconciles: no throw, under ${BUDGET_MS} ms, one status comment under budget, markers round-trip, no go without an engineer`, async () => {
    // One warm-up so module loading and template compiling are not counted against the first run.
    await reconcile(configLoads[0] as ConfigLoad, { issues: new MemoryIssue({ number: 17, title: 'x', body: exampleBody, author: 'community-rep', state: 'open' }, { now: () => '2027-02-01T15:00:00Z' }, ['workshop-request']), clock: { now: () => new Date('2027-02-01T15:00:00Z') }, log: silentLogger, repo: 'example-org/infrastructure' });

    await fc.assert(
      fc.asyncProperty(editBody, fc.array(action, { minLength: STEPS, maxLength: STEPS }), async (opening, actions) => {
        let now = Date.parse('2027-02-01T15:00:00Z');
        let body = exampleBody;
        for (const [label, value] of opening) body = withField(body, label, value);
        const issue = new MemoryIssue({ number: 17, title: '[Workshop] fuzz', body, author: 'community-rep', state: 'open' }, { now: () => new Date(now).toISOString(), permissions: { alice: 'write', bob: 'admin' } }, ['workshop-request']);
        let configLoad = configLoads[0] as ConfigLoad;
        // Set only when an engineer writes a new comment with /approve on a line of its own: edits never count.
        let engineerApproved = false;
        const add = (author: string, text: string) => {
          issue.addUserComment(author, text, { bot: author.endsWith('[bot]') });
          if (ENGINEERS.has(author) && /^\/approve\s*$/m.test(text)) engineerApproved = true;
        };
        const step = async () => {
          // CPU time, not wall time: the budget is about the work one reconcile does, and must not
          // depend on how many other processes share the machine's cores.
          const started = process.cpuUsage();
          const from = performance.now();
          const result = await reconcile(configLoad, { issues: issue, clock: { now: () => new Date(now) }, log: silentLogger, repo: 'example-org/infrastructure' });
          const used = process.cpuUsage(started);
          const elapsed = await withoutCollections((used.user + used.system) / 1000, from, performance.now());
          tally.reconciles++;
          tally.slowest = Math.max(tally.slowest, elapsed);
          expect(elapsed).toBeLessThan(BUDGET_MS);
          const statuses = issue.comments.filter((c) => c.byThisApp && c.body.includes('<!-- workshop-readiness:state '));
          expect(statuses).toHaveLength(1);
          const status = statuses[0]?.body ?? '';
          expect(status.length).toBeLessThan(STATUS_COMMENT_BUDGET);
          const decoded = decodeMarker(status, seal);
          expect(decoded).not.toBeNull();
          if (result.evaluation) {
            expect(decoded).toEqual(result.evaluation.state);
            for (const o of result.evaluation.replay.outcomes) tally[o.verdict.status === 'accepted' ? 'accepted' : 'refused']++;
          } else tally.invalidConfig++;
          if (result.stage === 'needs-info') tally.needsInfo++;
          if (result.stage === 'modeled' || result.stage === 'load-tested' || result.stage === 'go') tally.modeledOrBeyond++;
          if (result.stage === 'go') {
            tally.go++;
            expect(engineerApproved).toBe(true);
          }
        };
        await step();
        for (const a of actions) {
          now += 7 * 60_000;
          switch (a.kind) {
            case 'comment':
              add(a.author, a.body);
              break;
            case 'edit-body':
              for (const [label, value] of a.edits) issue.issue.body = withField(issue.issue.body, label, value);
              break;
            case 'edit-comment': {
              const people = issue.comments.filter((c) => !c.byThisApp);
              const target = people[a.index % Math.max(1, people.length)];
              if (target) Object.assign(target, { body: a.body, updatedAt: new Date(now).toISOString() });
              break;
            }
            case 'tamper': {
              const status = issue.statusComment();
              if (!status) break;
              if (a.how === 'delete') await issue.deleteComment(status.id);
              else if (a.how === 'text') status.body = status.body.replace('Workshop readiness', 'Workshop readiness (edited by hand)');
              else status.body = status.body.replace(/<!-- workshop-readiness:state[\s\S]*$/, encodeMarker({ ...EMPTY_STATE, stage: 'go' }, { key: deriveMarkerKey('guess'), scope: SCOPE }));
              break;
            }
            case 'config':
              configLoad = configLoads[a.index] as ConfigLoad;
              break;
            case 'sign-off':
              add('alice', '/loadtest pass https://grafana.example.org/d/run-7');
              add('bob', 'Reviewed.\n/approve');
              break;
          }
          await step();
        }
      }),
      { numRuns: RUNS },
    );

    expect(tally.reconciles).toBeGreaterThanOrEqual(TOTAL);
    // Success branches ran hundreds of times, not by luck.
    const share = TOTAL / 10_000;
    expect(tally.modeledOrBeyond).toBeGreaterThan(1000 * share);
    expect(tally.accepted).toBeGreaterThan(300 * share);
    expect(tally.refused).toBeGreaterThan(300 * share);
    expect(tally.go).toBeGreaterThan(100 * share);
    expect(tally.invalidConfig).toBeGreaterThan(100 * share);
    expect(tally.needsInfo).toBeGreaterThan(100 * share);
  }, 600_000);

  afterAll(() => {
    // Shown with --verbose runs: how often each branch ran, and the slowest reconcile.
    process.stdout.write(`fuzz tally: ${JSON.stringify({ ...tally, slowest: Math.round(tally.slowest) })}\n`);
  });
});
