/**
 * A small Prometheus text-format registry: counters, histograms and gauges — what the app exposes
 * on /metrics. Hand-written because the app needs a dozen series, not a client library.
 */

type Labels = Record<string, string>;

const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  buckets: number[];
  sum: number;
  count: number;
}

const HELP: Record<string, string> = {
  workshop_readiness_events_total: 'Webhook events handled, by event and outcome.',
  workshop_readiness_github_requests_total: 'GitHub API requests made, by method and status (304 = answered from the ETag cache, free).',
  workshop_readiness_writes_total: 'Writes made to GitHub by reconciles, by kind.',
  workshop_readiness_github_rate_limit_remaining: 'x-ratelimit-remaining of the last GitHub response, per installation.',
  workshop_readiness_reconcile_duration_seconds: 'Time of one reconcile, network included.',
  workshop_readiness_queue_depth: 'Issue keys waiting in the work queue (queued, backing off, or due again after the running one).',
  workshop_readiness_queue_running: 'Issue keys being reconciled now.',
  workshop_readiness_queue_wait_seconds: 'Time an issue key waited in the work queue before its reconcile started.',
  workshop_readiness_queue_coalesced_total: 'Events folded into a reconcile already waiting for the same issue.',
  workshop_readiness_queue_failures_total: 'Reconciles that failed (each is retried with backoff, then left to the sweep).',
  workshop_readiness_queue_rejected_total: 'Events refused because the work queue was full.',
  workshop_readiness_lease_busy_total: 'Reconciles put back because another replica held the issue\'s Lease.',
};

export class Metrics {
  private counters = new Map<string, Map<string, number>>();
  private gauges = new Map<string, Map<string, number>>();
  private histograms = new Map<string, Histogram>();
  /** Stage of each issue this process last reconciled, for the per-stage gauge. */
  private stages = new Map<string, string>();

  inc(name: string, labels: Labels = {}, by = 1): void {
    const series = this.counters.get(name) ?? new Map<string, number>();
    series.set(key(labels), (series.get(key(labels)) ?? 0) + by);
    this.counters.set(name, series);
  }

  set(name: string, labels: Labels, value: number): void {
    const series = this.gauges.get(name) ?? new Map<string, number>();
    series.set(key(labels), value);
    this.gauges.set(name, series);
  }

  observe(name: string, seconds: number): void {
    const histogram = this.histograms.get(name) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    histogram.sum += seconds;
    histogram.count += 1;
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) histogram.buckets[i] = (histogram.buckets[i] ?? 0) + 1;
    });
    this.histograms.set(name, histogram);
  }

  observeReconcile(seconds: number): void {
    this.observe('workshop_readiness_reconcile_duration_seconds', seconds);
  }

  /** A gauge's or counter's current value (for tests and the bench). */
  value(name: string, labels: Labels = {}): number {
    return this.counters.get(name)?.get(key(labels)) ?? this.gauges.get(name)?.get(key(labels)) ?? 0;
  }

  recordStage(issue: string, stage: string | null): void {
    if (stage === null) this.stages.delete(issue);
    else this.stages.set(issue, stage);
  }

  /** The exposition text. */
  render(): string {
    const lines: string[] = [];
    const help = HELP;
    for (const [name, series] of this.counters) {
      lines.push(`# HELP ${name} ${help[name] ?? name}`, `# TYPE ${name} counter`);
      for (const [labels, value] of series) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    for (const [name, series] of this.gauges) {
      lines.push(`# HELP ${name} ${help[name] ?? name}`, `# TYPE ${name} gauge`);
      for (const [labels, value] of series) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    const histograms = new Map(this.histograms);
    if (!histograms.has('workshop_readiness_reconcile_duration_seconds')) histograms.set('workshop_readiness_reconcile_duration_seconds', { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 });
    for (const [h, histogram] of histograms) {
      lines.push(`# HELP ${h} ${help[h] ?? h}`, `# TYPE ${h} histogram`);
      BUCKETS.forEach((bound, i) => lines.push(`${h}_bucket{le="${bound}"} ${histogram.buckets[i] ?? 0}`));
      lines.push(`${h}_bucket{le="+Inf"} ${histogram.count}`, `${h}_sum ${histogram.sum}`, `${h}_count ${histogram.count}`);
    }
    const stageCounts = new Map<string, number>();
    for (const stage of this.stages.values()) stageCounts.set(stage, (stageCounts.get(stage) ?? 0) + 1);
    const s = 'workshop_readiness_requests_by_stage';
    lines.push(`# HELP ${s} Workshop requests by readiness stage, as last reconciled by this process.`, `# TYPE ${s} gauge`);
    for (const [stage, count] of stageCounts) lines.push(`${s}{stage="${stage}"} ${count}`);
    return `${lines.join('\n')}\n`;
  }
}
