import type { Plan } from '../../src/capacity/types.js';

/**
 * A plan as the capacity model returns it, for tests of what consumes plans (infra PR, dashboard,
 * notices) so they do not depend on the model's numbers. Shape checked by the type.
 */
export function samplePlan(overrides: Partial<Plan> = {}): Plan {
  return {
    attendees: 80,
    timeZone: 'America/Chicago',
    instanceType: 'n2-highmem-4',
    pool: 'user-n2-highmem-4',
    cluster: 'demo-cluster',
    provider: 'gcp',
    node: {
      instanceType: 'n2-highmem-4', vcpu: 4, memoryBytes: 32 * 1024 ** 3, maxPods: 110,
      allocatableCpu: 3.92, allocatableMemoryBytes: 29783904256, daemonsetCpu: 0.443, daemonsetMemoryBytes: 624951296, daemonsetPods: 9,
      availableCpu: 3.477, availableMemoryBytes: 29158952960, source: 'config', arithmetic: [],
    },
    usersPerNode: 6,
    bindingResource: 'memory',
    nodes: 16,
    otherNodes: 0,
    readyMode: {
      minNodes: 4,
      placeholders: { replicas: 4, cpu: 3.4, memory: 28 * 1024 ** 3 },
      seatsToReserve: 24,
      leadMinutes: 60,
      windows: [
        { start: '2027-03-10T08:00:00.000-06:00', end: '2027-03-10T17:00:00.000-06:00' },
        { start: '2027-03-11T08:00:00.000-06:00', end: '2027-03-11T17:00:00.000-06:00' },
        { start: '2027-03-12T08:00:00.000-06:00', end: '2027-03-12T17:00:00.000-06:00' },
      ],
      days: [
        { start: '2027-03-10T09:00:00.000-06:00', end: '2027-03-10T17:00:00.000-06:00' },
        { start: '2027-03-11T09:00:00.000-06:00', end: '2027-03-11T17:00:00.000-06:00' },
        { start: '2027-03-12T09:00:00.000-06:00', end: '2027-03-12T17:00:00.000-06:00' },
      ],
      scaleDownAt: '2027-03-12T17:00:00.000-06:00',
      followsWindows: false,
    },
    timeline: {
      nodeStartSeconds: 210, imagePullSeconds: 133, arrivalWindowSeconds: 900, concurrentSpawnLimit: 64, startTimeoutSeconds: 300, maxWaitingShare: 0.3, policyHolds: true,
      withReadyMode: { shareWaitingForNode: 0.1, meanWaitSeconds: 1, p95WaitSeconds: 9, maxWaitSeconds: 12, shareWaitingOverMinute: 0, peopleRefused: 0, refusedClicks: 0, failedStarts: 0, peopleWithFailedStart: 0, peakSpawnsInFlight: 3, peakNodes: 18, peopleWithoutServer: 0, lastServerSeconds: 905 },
      withoutReadyMode: { shareWaitingForNode: 1, meanWaitSeconds: 320, p95WaitSeconds: 570, maxWaitSeconds: 860, shareWaitingOverMinute: 1, peopleRefused: 0, refusedClicks: 0, failedStarts: 18, peopleWithFailedStart: 16, peakSpawnsInFlight: 33, peakNodes: 14, peopleWithoutServer: 0, lastServerSeconds: 1240 },
    },
    perUser: { cpuGuarantee: 0.5, cpuLimit: 2, memoryGuaranteeBytes: 4 * 1024 ** 3, memoryLimitBytes: 8 * 1024 ** 3 },
    cost: {
      pricePerNodeHourUSD: 0.262, workshopUSD: 100.6,
      heldNodes: 4, heldFrom: '2027-03-10T08:00:00.000-06:00', heldUntil: '2027-03-12T17:00:00.000-06:00', heldHours: 57, heldUSD: 59.74,
    },
    storage: { type: 'filestore-basic-hdd', aggregateMiBps: 100, perUserMiBps: 1.25 },
    quotas: [],
    overlaps: [],
    leadTimeDays: 37,
    assumptions: [],
    risks: [],
    ...overrides,
  };
}
