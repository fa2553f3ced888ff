/**
 * Graceful shutdown for one process. On SIGTERM (Kubernetes stopping a pod, `docker stop`):
 *
 * 1. `/readyz` answers 503, so the Service stops sending new deliveries here;
 * 2. after `drainDelayMs` (endpoints take a moment to update), the HTTP server stops accepting
 *    connections and finishes the requests it has;
 * 3. the registered hooks run in order (the work queue drains, the sweep timer stops), bounded by
 *    `hookBudgetMs` so the process exits before the kubelet's SIGKILL;
 * 4. the caller exits with the code returned.
 *
 * Work cut short is not lost: GitHub is the only store and the next event or sweep reconciles again.
 */

/** What the app registers work with; the server entry owns the rest. */
export interface ShutdownHooks {
  /** Runs `hook` on shutdown, after the HTTP server has stopped taking requests. */
  onShutdown(name: string, hook: () => Promise<void> | void): void;
  /** False from the moment shutdown starts: `/readyz` reports it. */
  readonly accepting: boolean;
}

export interface ShutdownOptions {
  /** Stops the HTTP server (Probot's `server.stop()`). */
  stopServer: () => Promise<void>;
  log: { info: (msg: string) => void; warn: (obj: object, msg: string) => void };
  drainDelayMs: number;
  hookBudgetMs: number;
  /** Injected so tests never wait on real time. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms).unref());

export class GracefulShutdown implements ShutdownHooks {
  private readonly hooks: { name: string; hook: () => Promise<void> | void }[] = [];
  private started: Promise<number> | null = null;

  get accepting(): boolean {
    return this.started === null;
  }

  onShutdown(name: string, hook: () => Promise<void> | void): void {
    this.hooks.push({ name, hook });
  }

  /** Runs the shutdown once (a second signal waits for the first); resolves to the exit code. */
  shutdown(options: ShutdownOptions): Promise<number> {
    this.started ??= this.run(options);
    return this.started;
  }

  private async run(options: ShutdownOptions): Promise<number> {
    const sleep = options.sleep ?? realSleep;
    options.log.info('shutting down: not ready, finishing what is in flight');
    await sleep(options.drainDelayMs);
    let code = 0;
    try {
      await options.stopServer();
    } catch (error) {
      options.log.warn({ err: (error as Error).message }, 'the HTTP server did not stop cleanly');
      code = 1;
    }
    for (const { name, hook } of this.hooks) {
      const outcome = await Promise.race([
        Promise.resolve()
          .then(hook)
          .then(() => 'done' as const, (error: Error) => error),
        sleep(options.hookBudgetMs).then(() => 'timeout' as const),
      ]);
      if (outcome === 'timeout') {
        options.log.warn({ hook: name, budgetMs: options.hookBudgetMs }, 'shutdown hook ran out of time; the next sweep picks up what it left');
        code = 1;
      } else if (outcome instanceof Error) {
        options.log.warn({ hook: name, err: outcome.message }, 'shutdown hook failed');
        code = 1;
      }
    }
    options.log.info('stopped');
    return code;
  }
}
