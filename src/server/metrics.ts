/**
 * A small Prometheus text-format registry: counters, one histogram and gauges — what the app exposes
 * on /metrics. Hand-written because the app needs four series, not a client library.
 */

type Labels = Record<string, string>;

const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class Metrics {
  private counters = new Map<string, Map<string, number>>();
  private gauges = new Map<string, Map<string, number>>();
  private histogram = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
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

  observeReconcile(seconds: number): void {
    this.histogram.sum += seconds;
    this.histogram.count += 1;
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) this.histogram.buckets[i] = (this.histogram.buckets[i] ?? 0) + 1;
    });
  }

  recordStage(issue: string, stage: string | null): void {
    if (stage === null) this.stages.delete(issue);
    else this.stages.set(issue, stage);
  }

  /** The exposition text. */
  render(): string {
    const lines: string[] = [];
    const help: Record<string, string> = {
      workshop_readiness_events_total: 'Webhook events handled, by event and outcome.',
      workshop_readiness_github_requests_total: 'GitHub API requests made, by method and status.',
      workshop_readiness_writes_total: 'Writes made to GitHub by reconciles, by kind.',
      workshop_readiness_github_rate_limit_remaining: 'x-ratelimit-remaining of the last GitHub response, per installation.',
    };
    for (const [name, series] of this.counters) {
      lines.push(`# HELP ${name} ${help[name] ?? name}`, `# TYPE ${name} counter`);
      for (const [labels, value] of series) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    for (const [name, series] of this.gauges) {
      lines.push(`# HELP ${name} ${help[name] ?? name}`, `# TYPE ${name} gauge`);
      for (const [labels, value] of series) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
    }
    const h = 'workshop_readiness_reconcile_duration_seconds';
    lines.push(`# HELP ${h} Time of one reconcile, network included.`, `# TYPE ${h} histogram`);
    BUCKETS.forEach((bound, i) => lines.push(`${h}_bucket{le="${bound}"} ${this.histogram.buckets[i] ?? 0}`));
    lines.push(`${h}_bucket{le="+Inf"} ${this.histogram.count}`, `${h}_sum ${this.histogram.sum}`, `${h}_count ${this.histogram.count}`);
    const stageCounts = new Map<string, number>();
    for (const stage of this.stages.values()) stageCounts.set(stage, (stageCounts.get(stage) ?? 0) + 1);
    const s = 'workshop_readiness_requests_by_stage';
    lines.push(`# HELP ${s} Workshop requests by readiness stage, as last reconciled by this process.`, `# TYPE ${s} gauge`);
    for (const [stage, count] of stageCounts) lines.push(`${s}{stage="${stage}"} ${count}`);
    return `${lines.join('\n')}\n`;
  }
}
