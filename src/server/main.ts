import { run, type Probot } from 'probot';
import { createApp } from './app.js';
import { GracefulShutdown } from './shutdown.js';

/**
 * The production entry (`node dist/server/main.js`, the container's CMD): Probot's own `run`, which
 * reads APP_ID, PRIVATE_KEY(_PATH), WEBHOOK_SECRET, HOST, PORT, LOG_LEVEL, LOG_FORMAT and
 * WEBHOOK_PROXY_URL from the environment, plus a graceful stop on SIGTERM. Running node directly
 * (no npx or npm wrapper) means the signal reaches this process and no wrapper costs memory.
 */
const shutdown = new GracefulShutdown();
const app = createApp({ shutdown });
let log: Probot['log'] | null = null;
const server = await run((probot, options) => {
  log = probot.log;
  return app(probot, options);
});
const seconds = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : fallback;
};

process.once('SIGTERM', () => {
  shutdown
    .shutdown({
      stopServer: () => server.stop(),
      log: {
        info: (msg) => (log ? log.info(msg) : console.info(msg)),
        warn: (obj, msg) => (log ? log.warn(obj, msg) : console.warn(msg, obj)),
      },
      // Below the Deployment's terminationGracePeriodSeconds (60): 5 s for endpoints, 45 s for hooks.
      drainDelayMs: seconds('SHUTDOWN_DRAIN_DELAY_SECONDS', 5_000),
      hookBudgetMs: seconds('SHUTDOWN_HOOK_BUDGET_SECONDS', 45_000),
    })
    .then((code) => {
      // Exit once the logs are flushed and nothing is left to run; a straggler (a load test's poll,
      // an idle keep-alive socket) gets one second before the process ends anyway.
      process.exitCode = code;
      setTimeout(() => process.exit(code), 1_000).unref();
    });
});
