import fc from 'fast-check';
import { allInstanceTypes } from '../../src/capacity/catalog.js';
import { computePlan } from '../../src/capacity/plan.js';
import { duration, percent } from '../../src/capacity/format.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { GiB, planInput } from './support.js';

const measured = { allocatableCpu: 3.92, allocatableMemory: 29_783_904_256, daemonsetCpu: 0.443, daemonsetMemory: 624_951_296, daemonsetPods: 9 };

describe('computePlan: the example workshop by hand', () => {
  // 80 attendees, 4 GiB / 0.5 CPU, measured n2-highmem-4 → 6 users per node (memory).
  const exampleInput = planInput({ measured, homeStorage: { type: 'filestore-basic-hdd' }, dataPerUserGB: 2, quotas: { CPUS: 240, N2_CPUS: 200, IN_USE_ADDRESSES: 64 }, maxNodes: 20 });
  const plan = computePlan(exampleInput);

  test('nodes = ⌈80 × 1.2 ÷ 6⌉ = 16; a new node takes users 210 s + 3 GB ÷ 30 MB/s = 100 s after it is asked for', () => {
    expect(plan).toMatchObject({ usersPerNode: 6, bindingResource: 'memory', nodes: 16 });
    expect(plan.timeline).toMatchObject({ nodeStartSeconds: 210, imagePullSeconds: 100, arrivalWindowSeconds: 900, concurrentSpawnLimit: 64, startTimeoutSeconds: 300 });
  });

  test('warm nodes: 5 (30 seats) is the fewest for which at most 30% wait for a node and no start times out', () => {
    expect(plan.readyMode).toMatchObject({ minNodes: 5, seatsToReserve: 30 });
    expect(plan.timeline.policyHolds).toBe(true);
    expect(plan.timeline.withReadyMode.shareWaitingForNode).toBeLessThanOrEqual(0.3);
    const fewer = computePlan(planInput({ ...exampleInput, policy: { ...exampleInput.policy, maxWaitingFraction: 1 } }));
    expect(fewer.readyMode.minNodes).toBeLessThan(5); // allowing everyone to wait needs fewer nodes
  });

  test('placeholders: one whole-node pod per warm node, just under what a node has free', () => {
    expect(plan.readyMode.placeholders).toEqual({ replicas: 5, cpu: 3.427, memory: 29_158_952_960 - 256 * 1024 ** 2 });
  });

  test('wait: with ready mode nobody waits; without, everyone waits ~5 min and the first starts fail on the 300 s timeout', () => {
    expect(plan.timeline.withReadyMode).toMatchObject({ shareWaitingForNode: 0, maxWaitSeconds: 0, failedStarts: 0, peopleRefused: 0 });
    const cold = plan.timeline.withoutReadyMode;
    expect(cold.shareWaitingForNode).toBe(1);
    expect(cold.failedStarts).toBeGreaterThan(0); // 10 s loop + 310 s node > 300 s
    expect(cold.maxWaitSeconds).toBeGreaterThan(300);
    expect(cold.maxWaitSeconds).toBeGreaterThanOrEqual(cold.p95WaitSeconds);
  });

  test('cost: 16 nodes × 3 days × 8 h × $0.262 = $100.61; ready mode is what the PR holds: 5 nodes from the merge-by time Wed 08:00 to the scale-down Fri 17:00 = 57 h → $74.67', () => {
    expect(plan.cost).toEqual({
      pricePerNodeHourUSD: 0.262, workshopUSD: 100.61,
      heldNodes: 5, heldFrom: '2027-03-10T08:00:00.000-06:00', heldUntil: '2027-03-12T17:00:00.000-06:00', heldHours: 57, heldUSD: 74.67,
    });
    // Not the 27 h of the daily windows: nothing in the PR follows them.
    expect(plan.cost.heldHours).toBeGreaterThan(3 * 9);
  });

  test('when the app follows the windows (cluster access and the hub namespace), the cost is the windows\' hours plus the autoscaler\'s idle tail', () => {
    const following = computePlan(planInput({ measured, followWindows: true }));
    expect(following.readyMode.followsWindows).toBe(true);
    expect(following.cost.heldHours).toBe(3 * 9 + (3 * 10) / 60);
    expect(following.cost.heldUSD).toBe(Math.round(5 * 27.5 * 0.262 * 100) / 100);
    expect(renderPlanMarkdown(following, { timeZone: 'America/Chicago' })).toContain('held in the daily windows only');
    // No warm nodes, nothing to follow.
    expect(computePlan(planInput({ measured, followWindows: true, attendees: 0 })).readyMode.followsWindows).toBe(false);
  });

  test('a 25-day event holds its warm nodes for all 25 days and nights, not only the daily windows', () => {
    const long = computePlan(planInput({ measured, end: '2027-04-03' }));
    expect(long.cost.heldFrom).toBe('2027-03-10T08:00:00.000-06:00');
    expect(long.cost.heldUntil).toBe('2027-04-03T17:00:00.000-05:00'); // after the switch to daylight time
    expect(long.cost.heldHours).toBe(24 * 24 + 9 - 1);
    expect(long.cost.heldUSD).toBe(Math.round(5 * (24 * 24 + 8) * 0.262 * 100) / 100);
  });

  test('quotas: 16 × 4 vCPU = 64 of CPUS and N2_CPUS; 16 addresses', () => {
    expect(plan.quotas).toEqual([
      { name: 'CPUS', needed: 64, limit: 240 },
      { name: 'N2_CPUS', needed: 64, limit: 200 },
      { name: 'IN_USE_ADDRESSES', needed: 16, limit: 64 },
    ]);
  });

  test('storage: 100 MiB/s ÷ 80 = 1.25 MiB/s each < 2 → 2 GB takes ~25 min per person', () => {
    expect(plan.storage).toEqual({ type: 'filestore-basic-hdd', aggregateMiBps: 100, perUserMiBps: 1.25 });
    expect(plan.risks.find((r) => r.code === 'storage-throughput')?.message).toContain('~25 min per person');
  });
});

describe('risks, each from a table case', () => {
  const codes = (overrides: Parameters<typeof planInput>[0]) => computePlan(planInput(overrides)).risks.map((r) => `${r.code}:${r.severity}`);
  test.each([
    ['exceeds-pool-max:blocking', { maxNodes: 10 }],
    ['exceeds-quota:blocking', { quotas: { N2_CPUS: 32 } }],
    ['gpu-quota:blocking', { provider: 'gcp' as const, instanceType: 'n1-highmem-4-t4', gpu: true, quotas: { NVIDIA_T4_GPUS: 0 } }],
    ['gpu-quota:blocking', { gpu: true }], // a GPU workshop on a pool without GPUs
    ['exceeds-quota:blocking', { provider: 'aws' as const, instanceType: 'g4dn.xlarge', gpu: true, perUser: { cpuGuarantee: 3, cpuLimit: 3, memoryGuaranteeBytes: 12 * GiB, memoryLimitBytes: 12 * GiB }, attendees: 10, quotas: { 'L-DB2E81BA': 0 } }],
    ['few-users-per-node:warning', { instanceType: 'n2-highmem-2', perUser: { cpuGuarantee: 0.5, cpuLimit: 0.5, memoryGuaranteeBytes: 4 * GiB, memoryLimitBytes: 4 * GiB } }],
    ['many-users-per-node:warning', { provider: 'aws' as const, instanceType: 'r5.16xlarge', perUser: { cpuGuarantee: 0.1, cpuLimit: 0.1, memoryGuaranteeBytes: 1 * GiB, memoryLimitBytes: 1 * GiB }, attendees: 500, maxNodes: 50 }],
    ['oversubscribed:warning', { perUser: { cpuGuarantee: 0.5, cpuLimit: 2, memoryGuaranteeBytes: 4 * GiB, memoryLimitBytes: 4 * GiB } }],
    ['spawn-limit:warning', { attendees: 600, maxNodes: 500, policy: { ...planInput().policy, arrivalWindowMinutes: 2 } }],
    ['slow-start:warning', { attendees: 600, maxNodes: 60 }], // the pool's maximum leaves people without a server
    ['storage-throughput:warning', { homeStorage: { type: 'efs-bursting' as const, sizeGiB: 200 }, dataPerUserGB: 1 }],
    ['overlap:warning', { others: [{ issueNumber: 9, title: 'other', pool: 'pool', instanceType: 'n2-highmem-4', nodes: 5, windows: [{ start: '2027-03-10T10:00:00.000-06:00', end: '2027-03-10T12:00:00.000-06:00' }] }] }],
    ['short-notice:warning', { now: '2027-03-01T00:00:00Z' }],
    ['unknown-instance-type:blocking', { instanceType: 'n9-imaginary-4' }],
  ])('%s', (expected, overrides) => {
    expect(codes(overrides)).toContain(expected);
  });

  test('oversubscribed says the ready-mode PR sets guarantee = limit only where a helm values file is configured', () => {
    const over = { perUser: { cpuGuarantee: 0.5, cpuLimit: 2, memoryGuaranteeBytes: 4 * GiB, memoryLimitBytes: 4 * GiB } };
    const message = (input: ReturnType<typeof planInput>) => computePlan(input).risks.find((r) => r.code === 'oversubscribed')?.message;
    const withoutFile = planInput(over);
    expect(message(withoutFile)).toContain('so set guarantee = limit for the event');
    const withFile = { ...withoutFile, cluster: { ...withoutFile.cluster, infra: { path: 'p.tfvars', format: 'tfvars' as const, helmValuesPath: 'v.yaml' } } };
    expect(message(withFile)).toContain('the ready-mode PR sets guarantee = limit for the event');
  });

  test('a clean request has no risk; blocking risks are listed first', () => {
    expect(codes({})).toEqual([]);
    const mixed = computePlan(planInput({ maxNodes: 10, now: '2027-03-01T00:00:00Z' })).risks;
    expect(mixed[0]?.severity).toBe('blocking');
  });

  test('few users per node suggests a bigger type of the same family; many suggests a smaller one', () => {
    const few = computePlan(planInput({ instanceType: 'n2-highmem-2', perUser: { cpuGuarantee: 0.5, cpuLimit: 0.5, memoryGuaranteeBytes: 4 * GiB, memoryLimitBytes: 4 * GiB } }));
    expect(few.risks.find((r) => r.code === 'few-users-per-node')?.message).toContain('Consider n2-highmem-4.');
    const many = computePlan(planInput({ provider: 'aws', instanceType: 'r5.16xlarge', perUser: { cpuGuarantee: 0.1, cpuLimit: 0.1, memoryGuaranteeBytes: 1 * GiB, memoryLimitBytes: 1 * GiB }, attendees: 500, maxNodes: 50 }));
    // r5.12x/8x/4xlarge still hold > 100 (230, 230, 120 users); r5.2xlarge holds min(77 CPU, 58 memory) = 58.
    expect(many.risks.find((r) => r.code === 'many-users-per-node')?.message).toContain('Consider r5.2xlarge.');
  });

  test('overlapping workshops on the same pool add up against its max', () => {
    const other = { issueNumber: 9, title: 'other', pool: 'pool', instanceType: 'n2-highmem-4', nodes: 8, windows: [{ start: '2027-03-11T10:00:00.000-06:00', end: '2027-03-11T12:00:00.000-06:00' }] };
    const plan = computePlan(planInput({ maxNodes: 20, others: [other] }));
    expect(plan.otherNodes).toBe(8);
    expect(plan.overlaps).toEqual([{ issueNumber: 9, title: 'other', nodes: 8 }]);
    expect(plan.risks.map((r) => r.code)).toContain('exceeds-pool-max');
    const later = computePlan(planInput({ maxNodes: 20, others: [{ ...other, windows: [{ start: '2027-04-01T10:00:00.000-05:00', end: '2027-04-01T12:00:00.000-05:00' }] }] }));
    expect(later.otherNodes).toBe(0);
  });
});

describe('windows: time zones and DST', () => {
  test('Chicago across the March 14 2027 change: 09:00 local every day, offset −06:00 then −05:00', () => {
    const plan = computePlan(planInput({ start: '2027-03-12T09:00:00.000-06:00', end: '2027-03-16T17:00:00.000-05:00' }));
    expect(plan.readyMode.days.map((d) => d.start)).toEqual([
      '2027-03-12T09:00:00.000-06:00',
      '2027-03-13T09:00:00.000-06:00',
      '2027-03-14T09:00:00.000-05:00',
      '2027-03-15T09:00:00.000-05:00',
      '2027-03-16T09:00:00.000-05:00',
    ]);
    expect(plan.readyMode.windows[2]).toEqual({ start: '2027-03-14T08:00:00.000-05:00', end: '2027-03-14T17:00:00.000-05:00' });
    expect(plan.readyMode.scaleDownAt).toBe('2027-03-16T17:00:00.000-05:00');
  });

  test('Auckland across the April 4 2027 change (NZDT +13 → NZST +12)', () => {
    const plan = computePlan(planInput({ timeZone: 'Pacific/Auckland', start: '2027-04-03T10:00:00.000+13:00', end: '2027-04-05T15:00:00.000+12:00', dailyHours: { start: '10:00', end: '15:00' } }));
    expect(plan.readyMode.days.map((d) => d.start)).toEqual(['2027-04-03T10:00:00.000+13:00', '2027-04-04T10:00:00.000+12:00', '2027-04-05T10:00:00.000+12:00']);
  });

  test('Kolkata (+05:30, no DST): half-hour offsets kept', () => {
    const plan = computePlan(planInput({ timeZone: 'Asia/Kolkata', start: '2027-03-10T09:30:00.000+05:30', end: '2027-03-10T13:00:00.000+05:30', dailyHours: { start: '09:30', end: '13:00' } }));
    expect(plan.readyMode.windows).toEqual([{ start: '2027-03-10T08:30:00.000+05:30', end: '2027-03-10T13:00:00.000+05:30' }]);
  });
});

describe('properties', () => {
  const perUserArb = fc.record({ cpu: fc.double({ min: 0.05, max: 8, noNaN: true }), memGiB: fc.double({ min: 0.25, max: 64, noNaN: true }) });
  const typeArb = fc.constantFrom(['gcp', 'n2-highmem-4'], ['gcp', 'n2-standard-16'], ['aws', 'r5.xlarge'], ['aws', 'm5.2xlarge'], ['azure', 'Standard_E16s_v5']) as fc.Arbitrary<['gcp' | 'aws' | 'azure', string]>;
  const input = (provider: 'gcp' | 'aws' | 'azure', instanceType: string, attendees: number, cpu: number, memGiB: number) =>
    planInput({ provider, instanceType, attendees, perUser: { cpuGuarantee: cpu, cpuLimit: cpu, memoryGuaranteeBytes: memGiB * GiB, memoryLimitBytes: memGiB * GiB } });

  test('more attendees never means fewer nodes', () => {
    fc.assert(
      fc.property(typeArb, fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 0, max: 500 }), perUserArb, ([provider, type], attendees, more, u) => {
        expect(computePlan(input(provider, type, attendees + more, u.cpu, u.memGiB)).nodes).toBeGreaterThanOrEqual(computePlan(input(provider, type, attendees, u.cpu, u.memGiB)).nodes);
      }),
      { numRuns: 200 },
    );
  });

  test('bigger guarantees never mean more users per node', () => {
    fc.assert(
      fc.property(typeArb, perUserArb, fc.double({ min: 1, max: 4, noNaN: true }), ([provider, type], u, factor) => {
        expect(computePlan(input(provider, type, 50, u.cpu * factor, u.memGiB * factor)).usersPerNode).toBeLessThanOrEqual(computePlan(input(provider, type, 50, u.cpu, u.memGiB)).usersPerNode);
      }),
      { numRuns: 200 },
    );
  });

  test('computePlan never throws and always explains a zero plan', () => {
    // Mostly the catalogue's own types on their provider (the path real requests take), sometimes a
    // name it does not know; per-user guarantees up to far more than any node has, so that zero
    // plans happen on known types too. The counters check that both branches really ran.
    const known = allInstanceTypes().map((t) => [t.provider, t.name] as const);
    const typeArb = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom('gcp', 'aws', 'azure') as fc.Arbitrary<'gcp' | 'aws' | 'azure'>, fc.string({ maxLength: 20 })) });
    const guaranteeArb = fc.record({ cpu: fc.double({ min: 0, max: 200, noNaN: true }), memGiB: fc.double({ min: 0, max: 4096, noNaN: true }) });
    const seen = { knownPlans: 0, knownZero: 0, unknownZero: 0 };
    fc.assert(
      fc.property(typeArb, fc.integer({ min: 0, max: 5000 }), guaranteeArb, ([provider, type], attendees, u) => {
        const plan = computePlan(input(provider, type, attendees, u.cpu, u.memGiB));
        const isKnown = known.some(([p, name]) => p === provider && name === type);
        if (isKnown) seen.knownPlans++;
        if (plan.usersPerNode === 0) {
          if (isKnown) seen.knownZero++;
          else seen.unknownZero++;
          expect(plan.risks.some((r) => r.severity === 'blocking')).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
    expect(seen.knownPlans).toBeGreaterThan(250);
    expect(seen.knownZero).toBeGreaterThan(20);
    expect(seen.unknownZero).toBeGreaterThan(5);
  });
});

describe('renderPlanMarkdown', () => {
  const plan = computePlan(planInput({ measured }));
  const md = renderPlanMarkdown(plan, { timeZone: 'America/Chicago' });

  test('summary in plain words, numbers table, a Mermaid gantt and xychart with a table beside, arithmetic collapsed', () => {
    expect(md).toContain('**80 people at peak → 16 × n2-highmem-4** (6 users per node, memory-bound)');
    // One bar: the warm nodes are held from the merge-by time to the scale-down (57 h), not per day.
    expect(md).toMatch(/```mermaid\ngantt\n[\s\S]*section Ready mode\n {4}5 warm nodes held :2027-03-10 08:00, 3420m\n {4}section Workshop/);
    expect(md).toContain('| Ready mode cost | \\$74.67 = 5 warm nodes × 57 h × \\$0.262 per node-hour, held without a break from the merge-by time (Wed 10 Mar 2027 08:00 CST) to the scale-down (Fri 12 Mar 2027 17:00 CST) |');
    expect(md).not.toContain('daily windows');
    expect(md).toMatch(/```mermaid\nxychart-beta\n[\s\S]*line \[0, 5, 16, 16/);
    expect(md).toContain('| Wed 10 Mar | 09:00–17:00 CST | 5 | 16 |');
    expect(md).toMatch(/<details><summary>How these numbers were computed<\/summary>[\s\S]*nodes = ⌈80 × \(1 \+ headroom\) ÷ 6⌉ = 16/);
  });

  test('waits: one set of numbers in the summary, the table and the arithmetic; without ready mode the failed starts are said', () => {
    const cold = plan.timeline.withoutReadyMode;
    expect(md).toContain(`If everyone presses Start within 15 min, nobody waits: each server starts in about 15 s.`);
    expect(md).toContain(`Without ready mode, everyone would wait for a node, ${duration(cold.meanWaitSeconds)} on average and up to ${duration(cold.maxWaitSeconds)}. ${cold.peopleWithFailedStart} people would see their start **fail**`);
    expect(md).toContain('JupyterHub gives up after 5 min, but a new node takes 5 min 10 s to take users.');
    expect(md).toContain(`| Wait for a server, without ready mode | ${duration(cold.meanWaitSeconds)} on average, 95% within ${duration(cold.p95WaitSeconds)}, longest ${duration(cold.maxWaitSeconds)}; 100% over a minute; 100% wait for a node; ${cold.failedStarts} starts time out (${cold.peopleWithFailedStart} people) |`);
    expect(md).toMatch(/<details><summary>How these numbers were computed<\/summary>[\s\S]*without ready mode: [^\n]*longest /);
    expect(md).not.toMatch(/arrivals do not wait/);
  });

  test('1,000 people (the pool raised): the summary, table and arithmetic quote the same shares and waits, and no slow-start risk when the policy holds', () => {
    const big = computePlan(planInput({ measured, attendees: 1000, maxNodes: 1000 }));
    const text = renderPlanMarkdown(big, { timeZone: 'America/Chicago' });
    const warm = big.timeline.withReadyMode;
    const cell = /\| Wait for a server, with ready mode \| ([^|]+) \|/.exec(text)?.[1] ?? '';
    expect(cell).toBe(`${duration(warm.meanWaitSeconds)} on average, 95% within ${duration(warm.p95WaitSeconds)}, longest ${duration(warm.maxWaitSeconds)}; ${percent(warm.shareWaitingOverMinute)} over a minute; ${percent(warm.shareWaitingForNode)} wait for a node`);
    expect(text).toContain(`with ready mode: ${cell};`); // the arithmetic
    if (warm.maxWaitSeconds > 0) {
      expect(text).toContain(`If everyone presses Start within 15 min, ${percent(warm.shareWaitingForNode)} wait for a node.`);
      expect(text).toContain(`the longest ${duration(warm.maxWaitSeconds)}`);
    }
    expect(big.timeline.policyHolds).toBe(true);
    expect(warm.shareWaitingForNode).toBeLessThanOrEqual(0.3);
    expect(big.risks.map((r) => r.code)).not.toContain('slow-start');
  });

  test('a burst above the spawn limit: the risk names the limit to set, the table counts the refused, the summary says they retry', () => {
    const burst = computePlan(planInput({ measured, attendees: 600, maxNodes: 500, policy: { ...planInput().policy, arrivalWindowMinutes: 2 } }));
    const text = renderPlanMarkdown(burst, { timeZone: 'America/Chicago' });
    const warm = burst.timeline.withReadyMode;
    expect(warm.peopleRefused).toBeGreaterThan(0);
    expect(text).toMatch(/`spawn-limit`: 600 people starting within 2 min need up to \d+ starts at once, above JupyterHub's concurrent\\_spawn\\_limit of 64/);
    expect(text).toContain(`so some wait ${duration(warm.maxWaitSeconds)}. Raise the limit to at least`);
    expect(text).toContain(`${warm.peopleRefused} of 600 refused at first (HTTP 429)`);
    expect(text).toContain(`${warm.peopleRefused} of 600 are told "too many users trying to log in" and must try again.`);
  });

  test('dollar amounts are escaped so GitHub does not read them as math', () => {
    expect(md).toContain('\\$100.61');
    expect(md).not.toMatch(/[^\\]\$\d/);
  });
});
