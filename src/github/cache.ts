import type { ProbotOctokit } from 'probot';

type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * Small in-process caches that keep the API-call floor: values kept for a short time (config,
 * permissions, the dashboard registry), and responses kept with their ETag so GitHub can answer
 * `304 Not Modified`, which does not count against the rate limit. Bounded: the oldest entry goes first.
 */

/** A map whose entries expire after `ttlMs` and which never holds more than `max` entries. */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly max = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** The cached value, or the loader's (cached when it resolves). */
  async through(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const value = await load();
    this.set(key, value);
    return value;
  }
}

/** GET routes where GitHub answers 304 for free: file contents (config, form), comments, issue lists (the registry), the issue. */
const CONDITIONAL = [/\/contents\//, /\/issues\/\d+\/comments(\?|$)/, /\/issues\?/, /\/issues\/\d+$/];

interface Cached {
  etag: string;
  response: unknown;
}

/** Responses with their ETags, shared by every Octokit of the process. */
export class EtagCache {
  private readonly entries = new Map<string, Cached>();
  constructor(private readonly max = 500) {}

  get(key: string): Cached | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last, so the oldest is evicted first.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: Cached): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Makes the Octokit's reads of those routes conditional: the stored ETag goes out as If-None-Match and a
 * 304 is answered from the stored response. `scope` (the installation) keeps installations apart.
 */
export function conditionalRequests(octokit: Octokit, cache: EtagCache, scope: string): void {
  octokit.hook.wrap('request', async (request, options) => {
    if (options.method !== 'GET') return request(options);
    const endpoint = octokit.request.endpoint.parse(options as never) as { url: string; headers: Record<string, string | undefined> };
    if (!CONDITIONAL.some((route) => route.test(endpoint.url))) return request(options);
    const key = `${scope} ${String(endpoint.headers.accept ?? '')} ${endpoint.url}`;
    const cached = cache.get(key);
    if (cached) options.headers = { ...options.headers, 'if-none-match': cached.etag };
    try {
      const response = await request(options);
      const etag = response.headers.etag;
      if (etag) cache.set(key, { etag, response });
      return response;
    } catch (error) {
      if ((error as { status?: number }).status === 304 && cached) return cached.response as never;
      throw error;
    }
  });
}
