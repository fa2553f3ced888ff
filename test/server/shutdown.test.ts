import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { freePort } from '../../bench/app-process.js';
import { GracefulShutdown } from '../../src/server/shutdown.js';
import { testKey } from '../support/probot.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A sleep that never waits on the clock: it records the delay and resolves on the next turn of the
 * event loop, after every promise already settled — so a hook that settles beats its budget, and a
 * hook that never settles loses to it.
 */
function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: (ms: number) => (delays.push(ms), new Promise<void>((done) => setImmediate(done))) };
}

const quietLog = () => {
  const lines: string[] = [];
  return { lines, log: { info: (msg: string) => lines.push(msg), warn: (obj: object, msg: string) => lines.push(`${msg} ${JSON.stringify(obj)}`) } };
};

describe('graceful shutdown', () => {
  test('not ready first, then the server stops, then the hooks run in order; exit code 0', async () => {
    const shutdown = new GracefulShutdown();
    const order: string[] = [];
    shutdown.onShutdown('sweep timer', () => void order.push('timer'));
    shutdown.onShutdown('queue', async () => void order.push('queue drained'));
    expect(shutdown.accepting).toBe(true);
    const { delays, sleep } = recordingSleep();
    const { log } = quietLog();
    const code = await shutdown.shutdown({
      stopServer: async () => {
        expect(shutdown.accepting).toBe(false); // /readyz already says 503 while the server closes
        order.push('server stopped');
      },
      log,
      drainDelayMs: 5000,
      hookBudgetMs: 45000,
      sleep: async (ms) => {
        if (ms === 5000) order.push('drain delay');
        return sleep(ms);
      },
    });
    expect(code).toBe(0);
    expect(order).toEqual(['drain delay', 'server stopped', 'timer', 'queue drained']);
    expect(delays[0]).toBe(5000);
  });

  test('a second signal does not run the hooks twice', async () => {
    const shutdown = new GracefulShutdown();
    let runs = 0;
    shutdown.onShutdown('queue', () => void runs++);
    const options = { stopServer: async () => undefined, log: quietLog().log, drainDelayMs: 0, hookBudgetMs: 10, sleep: recordingSleep().sleep };
    const [first, second] = await Promise.all([shutdown.shutdown(options), shutdown.shutdown(options)]);
    expect([first, second, runs]).toEqual([0, 0, 1]);
  });

  test.each([
    ['a hook that fails', () => Promise.reject(new Error('queue broke')), /shutdown hook failed.*queue broke/],
    ['a hook that outlives its budget', () => new Promise<void>(() => undefined), /ran out of time.*"budgetMs":45000/],
  ])('%s: later hooks still run, exit code 1, the log says which', async (_name, hook, logged) => {
    const shutdown = new GracefulShutdown();
    let later = false;
    shutdown.onShutdown('queue', hook);
    shutdown.onShutdown('after', () => void (later = true));
    const { lines, log } = quietLog();
    const code = await shutdown.shutdown({ stopServer: async () => undefined, log, drainDelayMs: 0, hookBudgetMs: 45000, sleep: recordingSleep().sleep });
    expect(code).toBe(1);
    expect(later).toBe(true);
    expect(lines.join('\n')).toMatch(logged);
  });

  test('a server that fails to stop is reported, and the hooks still run', async () => {
    const shutdown = new GracefulShutdown();
    let drained = false;
    shutdown.onShutdown('queue', () => void (drained = true));
    const { lines, log } = quietLog();
    const code = await shutdown.shutdown({ stopServer: () => Promise.reject(new Error('EBUSY')), log, drainDelayMs: 0, hookBudgetMs: 1, sleep: recordingSleep().sleep });
    expect([code, drained]).toEqual([1, true]);
    expect(lines.join('\n')).toMatch(/did not stop cleanly.*EBUSY/);
  });
});

describe('the server entry, as the container runs it', () => {
  beforeAll(() => nock.enableNetConnect('127.0.0.1'));

  test('serves /readyz, and on SIGTERM stops and exits 0 by itself', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        APP_ID: '123',
        PRIVATE_KEY: testKey(),
        WEBHOOK_SECRET: 'test-secret',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        SWEEP_INTERVAL_MINUTES: '0',
        SHUTDOWN_DRAIN_DELAY_SECONDS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      await new Promise<void>((ready, fail) => {
        child.stdout.on('data', () => output.includes('Listening on') && ready());
        child.on('exit', () => fail(new Error(`the server exited before listening:\n${output}`)));
      });
      const readyz = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(readyz.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // JSON logs (NODE_ENV=production), the shutdown story told in order.
      const messages = output.split('\n').filter((line) => line.startsWith('{')).map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages.indexOf('shutting down: not ready, finishing what is in flight')).toBeGreaterThan(-1);
      expect(messages.at(-1)).toBe('stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 30_000);
});
