import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * The built app run as deployed, `probot run <entry>`, in its own process: for the outside-in test and
 * the bench's memory figure. Deliveries are signed with the webhook secret as GitHub signs them.
 */

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

export class AppProcess {
  private child: ChildProcess | null = null;
  log = '';

  constructor(
    private readonly root: string,
    private readonly entry: string,
    readonly port: number,
    private readonly secret: string,
    private readonly env: Record<string, string>,
  ) {}

  async start(): Promise<void> {
    // Never in a cluster by accident: Lease coordination is what the env passed in says.
    const { KUBERNETES_SERVICE_HOST: _inCluster, NODE_OPTIONS: _jest, ...parent } = process.env;
    this.child = spawn(process.execPath, [path.join(this.root, 'node_modules/probot/bin/probot.js'), 'run', this.entry], {
      cwd: this.root,
      env: { ...parent, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(this.port), HOST: '127.0.0.1', SWEEP_INTERVAL_MINUTES: '0', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    await until(`the app on port ${this.port}`, async () => {
      if (this.child?.exitCode !== null) throw new Error(`the app exited: ${this.log.slice(-1000)}`);
      return (await fetch(`http://127.0.0.1:${this.port}/healthz`).catch(() => null))?.ok ?? false;
    });
  }

  /** A delivery signed with the webhook secret, as GitHub sends it; resolves with the HTTP status. */
  async deliver(name: string, payload: unknown, id = randomBytes(8).toString('hex')): Promise<number> {
    const body = JSON.stringify(payload);
    const response = await fetch(`http://127.0.0.1:${this.port}/api/github/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': name, 'x-github-delivery': id, 'x-hub-signature-256': `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}` },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** A series from /metrics (unlabelled, or the first with labels), 0 when absent. */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
    return Number(line?.split(' ').at(-1) ?? 0);
  }

  /** Nothing queued, backing off or running. */
  async settled(): Promise<void> {
    await until('the work queue to settle', async () => (await this.metric('workshop_readiness_queue_depth')) === 0 && (await this.metric('workshop_readiness_queue_running')) === 0);
  }

  /** Resident set size of the process, from /proc (Linux). */
  rssMegabytes(): number | null {
    try {
      const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.child?.pid}/status`, 'utf8'))?.[1];
      return kb ? Number(kb) / 1024 : null;
    } catch {
      return null;
    }
  }

  /** SIGTERM (the queue drains) and the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    return exited;
  }
}
