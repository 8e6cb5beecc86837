/**
 * Concurrent HTTP load on 127.0.0.1 with autocannon 8. Every request gets a body of its own from
 * `makeBody` (each submission needs its own submission id), built in autocannon's `setupRequest`
 * hook, and optional per-request headers such as a signature. Latency percentiles are computed
 * here from every response with the expected status, because autocannon reports no p95.
 */
import { quantileSorted } from './stats';

// autocannon 8 ships no type declarations; this is the part of its API the benchmarks use.
interface AutocannonRequest {
  method: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
  onResponse?: (status: number, body: string) => void;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  pipelining: number;
  requests: AutocannonRequest[];
}
interface AutocannonResult {
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonInstance extends Promise<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: AutocannonOptions) => AutocannonInstance;

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds of the measured part of the load, after the ramp. */
  durationSeconds: number;
  /**
   * Seconds of load before the measured part starts, whose responses count in neither rate nor
   * latency. Without it, the first responses at many clients arrive only after one full latency,
   * which lowers the measured rate of a slower workflow more than that of a faster one.
   */
  rampSeconds?: number;
  /** Status a successful request gets; any other status counts as an error. */
  expectedStatus: number;
  /** Returns the body of request number `index` (unique per request). */
  makeBody: (index: number) => string;
  /** Returns the headers for a given body, in addition to `content-type`. */
  makeHeaders: (body: string) => Record<string, string>;
  contentType?: string;
  /** Per-request timeout in seconds; a timed-out request counts as an error. */
  timeoutSeconds?: number;
  /** Called with each successful response body, e.g. to collect references. */
  onSuccessBody?: (body: string) => void;
}

export interface LoadResult {
  /** Responses with the expected status per second of the measured part. */
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  succeeded: number;
  /** Responses with another status, connection errors and timeouts. */
  errors: number;
  statusCounts: Record<string, number>;
  /** The first few bodies of responses with an unexpected status, cut to 300 characters, to tell what failed. */
  errorSamples: string[];
  seconds: number;
}

/** Runs one autocannon load and summarises it. Only ever point `url` at 127.0.0.1 or localhost. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const host = new URL(options.url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`Load URL ${options.url} is not on 127.0.0.1 or localhost; the benchmarks load local servers only`);

  let next = 0;
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  const request: AutocannonRequest = {
    method: 'POST',
    setupRequest: (previous) => {
      const body = options.makeBody(next++);
      return {
        ...previous,
        method: 'POST',
        body,
        headers: { 'content-type': options.contentType ?? 'application/json', ...options.makeHeaders(body) },
      };
    },
    onResponse: (status, body) => {
      if (status === options.expectedStatus) options.onSuccessBody?.(body);
      else if (errorSamples.length < 3) errorSamples.push(`${status}: ${String(body).slice(0, 300)}`);
    },
  };

  const rampSeconds = options.rampSeconds ?? 0;
  const started = process.hrtime.bigint();
  const measuredFrom = started + BigInt(Math.round(rampSeconds * 1e9));
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: rampSeconds + options.durationSeconds,
    timeout: options.timeoutSeconds ?? 30,
    pipelining: 1,
    requests: [request],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    if (statusCode === options.expectedStatus && process.hrtime.bigint() >= measuredFrom) latencies.push(responseTimeMs);
  });
  const result = await instance;
  const seconds = Number(process.hrtime.bigint() - measuredFrom) / 1e9;

  latencies.sort((a, b) => a - b);
  const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count]));
  const unexpected = Object.entries(statusCounts)
    .filter(([status]) => Number(status) !== options.expectedStatus)
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    requestsPerSecond: latencies.length / seconds,
    p50Ms: quantileSorted(latencies, 0.5),
    p95Ms: quantileSorted(latencies, 0.95),
    p99Ms: quantileSorted(latencies, 0.99),
    succeeded: latencies.length,
    // autocannon counts timeouts among its errors.
    errors: unexpected + result.errors,
    statusCounts,
    errorSamples,
    seconds,
  };
}
