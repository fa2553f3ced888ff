import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';
import type { SweepReport } from '../pipeline/sweep.js';

export interface HttpOptions {
  metrics: Metrics;
  /** Runs one sweep; null when sweeping over HTTP is off (no SWEEP_TOKEN). */
  sweep: (() => Promise<SweepReport>) | null;
  sweepToken: string | null;
  ready: () => boolean;
}

/**
 * /healthz, /readyz, /metrics, and POST /sweep for a Kubernetes CronJob (bearer token). Returns true
 * when it answered, so Probot's server tries its other handlers otherwise.
 */
export function httpHandler(options: HttpOptions) {
  let sweeping: Promise<SweepReport> | null = null;
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
      return true;
    };
    if (req.method === 'GET' && url.pathname === '/healthz') return send(200, 'ok\n');
    if (req.method === 'GET' && url.pathname === '/readyz') return options.ready() ? send(200, 'ready\n') : send(503, 'not ready\n');
    if (req.method === 'GET' && url.pathname === '/metrics') return send(200, options.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
    if (url.pathname === '/sweep') {
      if (req.method !== 'POST') return send(405, 'use POST\n');
      if (!options.sweep || !options.sweepToken) return send(404, 'sweeping over HTTP is off: set SWEEP_TOKEN\n');
      if (!bearerMatches(req.headers.authorization, options.sweepToken)) return send(401, 'bad or missing bearer token\n');
      // One sweep at a time per process; a second caller waits for the running one.
      sweeping ??= options.sweep().finally(() => {
        sweeping = null;
      });
      try {
        return send(200, `${JSON.stringify(await sweeping)}\n`, 'application/json');
      } catch (error) {
        return send(500, `sweep failed: ${(error as Error).message.split('\n')[0]}\n`);
      }
    }
    return false;
  };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
