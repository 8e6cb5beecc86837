/** Timing loops shared by the suites. Durations come from `process.hrtime.bigint()`. */
import { quantileSorted } from './stats';

function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Runs a synchronous operation repeatedly for at least `durationMs` and returns operations per
 * second. The clock is read every `batch` calls, so give a larger batch for operations of a few
 * microseconds, where reading the clock would be a noticeable part of the time.
 */
export function rateFor(durationMs: number, operation: (index: number) => unknown, batch = 1): number {
  const start = process.hrtime.bigint();
  let done = 0;
  do {
    for (let step = 0; step < batch; step++) operation(done++);
  } while (secondsSince(start) * 1000 < durationMs);
  return done / secondsSince(start);
}

export interface ConcurrentResult {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Runs `total` calls of an asynchronous operation spread over `clients` concurrent loops, and
 * returns calls per second over the whole run with per-call latency percentiles.
 */
export async function rateConcurrent(total: number, clients: number, operation: (index: number) => Promise<unknown>): Promise<ConcurrentResult> {
  const latencies: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const index = next++;
        const before = process.hrtime.bigint();
        await operation(index);
        latencies.push(Number(process.hrtime.bigint() - before) / 1e6);
      }
    }),
  );
  const seconds = secondsSince(start);
  latencies.sort((a, b) => a - b);
  return { perSecond: total / seconds, p50Ms: quantileSorted(latencies, 0.5), p99Ms: quantileSorted(latencies, 0.99) };
}

/** Returns how long an asynchronous action took, in seconds. */
export async function timeAsync(action: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await action();
  return secondsSince(start);
}
