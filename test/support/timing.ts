/**
 * Milliseconds of the fastest of three runs. The test machine is shared, so one run can be
 * preempted; the fastest shows what the code costs (a super-linear pattern is slow every time).
 */
export function fastestMs(run: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return best;
}
