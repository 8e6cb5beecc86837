/**
 * Retry and back-off policy for calls to remote systems (CHS, Athena). Pure: it decides, the caller
 * sleeps and sends. Usage:
 *
 *   const failure = failureFromError(error);   // or { status, retryAfter } from a response
 *   const decision = decideRetry(failure, { attempt, elapsedMs }, policy);
 *   if (decision.retry) { await sleep(decision.delayMs); resend(); } else { report(decision.reason); }
 *
 * Application errors are retried: dropped connections, timeouts, 408, 429 and 5xx. Business errors
 * (any other 4xx) never are, because sending the same request again cannot change the outcome.
 */

export interface RetryPolicy {
  /** Maximum number of attempts, the first one included. */
  maxAttempts: number;
  /** Back-off ceiling of the first retry in milliseconds; the ceiling doubles for each later retry. */
  baseDelayMs: number;
  /** Cap on any single computed back-off delay in milliseconds. */
  maxDelayMs: number;
  /** No retry is started when the elapsed time plus the next delay would exceed this (milliseconds). */
  maxTotalMs: number;
  /** Cap on a server's `Retry-After` in milliseconds; a longer wait is refused rather than honoured. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  maxTotalMs: 60_000,
  maxRetryAfterMs: 30_000,
};

/** Failure of one attempt: `status` when a response arrived, `errorCode` when none did. */
export interface AttemptFailure {
  status?: number;
  /** Node.js or HTTP-client error code, e.g. `ECONNRESET`, `ETIMEDOUT`, `ECONNABORTED`. */
  errorCode?: string;
  message?: string;
  /** Raw `Retry-After` header value: seconds or an HTTP date. */
  retryAfter?: string;
}

export type RetryDecision =
  | { retry: true; delayMs: number; reason: string }
  | { retry: false; retryable: boolean; reason: string };

/** Error codes of a connection that failed or was cut before a complete response arrived. */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

const RETRYABLE_MESSAGE_PATTERN = /socket hang up|timeout|timed out|ECONNRESET|ETIMEDOUT|ECONNREFUSED|network error/i;

/** Returns whether sending the same request again could succeed. */
export function isRetryableFailure(failure: AttemptFailure): boolean {
  if (failure.status !== undefined) {
    return failure.status === 408 || failure.status === 429 || failure.status >= 500;
  }
  if (failure.errorCode !== undefined && RETRYABLE_ERROR_CODES.has(failure.errorCode)) {
    return true;
  }
  return failure.message !== undefined && RETRYABLE_MESSAGE_PATTERN.test(failure.message);
}

/**
 * Parses a `Retry-After` value (delay in seconds, or an HTTP date) into milliseconds from `nowMs`.
 * Returns undefined for a missing or unparseable value; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;

  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed) * 1000;
  }

  // An HTTP date always names a day or month (`Fri, 04 Dec 2026 12:00:30 GMT`); without that check
  // Date.parse would read values such as `-5` or `1.5` as years.
  if (!/[A-Za-z]{3}/.test(trimmed)) return undefined;
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

/** Full-jitter exponential back-off: a uniform delay between 0 and min(maxDelay, base * 2^(retry - 1)). */
export function backoffDelayMs(retryNumber: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return Math.floor(random() * ceiling);
}

export interface RetryState {
  /** Number of the attempt that just failed, starting at 1. */
  attempt: number;
  /** Milliseconds since the first attempt started. */
  elapsedMs: number;
  nowMs?: number;
  random?: () => number;
}

/** Decides whether to retry after a failed attempt and how long to wait first. */
export function decideRetry(failure: AttemptFailure, state: RetryState, policy: RetryPolicy = DEFAULT_RETRY_POLICY): RetryDecision {
  const failureText = describeAttemptFailure(failure);

  if (!isRetryableFailure(failure)) {
    return { retry: false, retryable: false, reason: `${failureText} is not retryable` };
  }
  if (state.attempt >= policy.maxAttempts) {
    return { retry: false, retryable: true, reason: `${failureText}; gave up after ${state.attempt} attempts` };
  }

  let delayMs = backoffDelayMs(state.attempt, policy, state.random);
  const retryAfterMs = parseRetryAfter(failure.retryAfter, state.nowMs ?? Date.now());
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) {
      return {
        retry: false,
        retryable: true,
        reason: `${failureText}; the server asked to wait ${Math.ceil(retryAfterMs / 1000)} s, more than the ${Math.ceil(policy.maxRetryAfterMs / 1000)} s allowed`,
      };
    }
    delayMs = Math.max(delayMs, retryAfterMs);
  }

  if (state.elapsedMs + delayMs > policy.maxTotalMs) {
    return {
      retry: false,
      retryable: true,
      reason: `${failureText}; gave up after ${state.attempt} attempts because the next wait would pass the ${Math.ceil(policy.maxTotalMs / 1000)} s limit`,
    };
  }

  return { retry: true, delayMs, reason: `${failureText}; retrying in ${delayMs} ms` };
}

/** Formats a failure for messages and logs, e.g. `HTTP 503` or `connection error ECONNRESET`. */
export function describeAttemptFailure(failure: AttemptFailure): string {
  if (failure.status !== undefined) return `HTTP ${failure.status}`;
  if (failure.errorCode !== undefined) return `connection error ${failure.errorCode}`;
  return `request error (${failure.message ?? 'no message'})`;
}

/**
 * Builds an AttemptFailure from an error thrown by an HTTP client (axios, n8n's helpers, which wrap
 * the client error in `cause`). Looks through the `cause` chain for a status, an error code and a
 * `Retry-After` header.
 */
export function failureFromError(error: unknown): AttemptFailure {
  const failure: AttemptFailure = {};
  const seen = new Set<unknown>();
  let current: unknown = error;

  while (current !== null && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const record = current as Record<string, unknown>;

    if (failure.message === undefined && typeof record.message === 'string') failure.message = record.message;
    if (failure.errorCode === undefined && typeof record.code === 'string' && /^[A-Z_]+$/.test(record.code)) {
      failure.errorCode = record.code;
    }

    const response = record.response as Record<string, unknown> | undefined;
    if (failure.status === undefined && response && typeof response.status === 'number') {
      failure.status = response.status;
      const headers = response.headers as Record<string, unknown> | undefined;
      const retryAfter = headers?.['retry-after'];
      if (typeof retryAfter === 'string') failure.retryAfter = retryAfter;
    }
    if (failure.status === undefined && typeof record.statusCode === 'number') failure.status = record.statusCode;
    // n8n's NodeApiError keeps the HTTP status, or the connection error code, as the string `httpCode`.
    if (typeof record.httpCode === 'string') {
      if (failure.status === undefined && /^\d{3}$/.test(record.httpCode)) failure.status = Number(record.httpCode);
      else if (failure.errorCode === undefined && /^[A-Z_]+$/.test(record.httpCode)) failure.errorCode = record.httpCode;
    }

    current = record.cause;
  }
  return failure;
}
