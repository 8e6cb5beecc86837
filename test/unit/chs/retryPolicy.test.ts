import {
  DEFAULT_RETRY_POLICY,
  backoffDelayMs,
  decideRetry,
  failureFromError,
  isRetryableFailure,
  parseRetryAfter,
  type RetryPolicy,
} from '../../../core/http/retry';

const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000, maxTotalMs: 10_000, maxRetryAfterMs: 5000 };
const alwaysMax = () => 0.999999;

describe('isRetryableFailure', () => {
  it.each([408, 429, 500, 502, 503, 504])('HTTP %i is retryable', (status) => {
    expect(isRetryableFailure({ status })).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 413, 422])('HTTP %i is not retryable', (status) => {
    expect(isRetryableFailure({ status })).toBe(false);
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'ECONNREFUSED', 'EPIPE'])('connection error %s is retryable', (errorCode) => {
    expect(isRetryableFailure({ errorCode })).toBe(true);
  });

  it.each(['socket hang up', 'timeout of 1000ms exceeded'])('message "%s" is retryable', (message) => {
    expect(isRetryableFailure({ message })).toBe(true);
  });

  it('unknown error without status is not retryable', () => {
    expect(isRetryableFailure({ errorCode: 'ERR_INVALID_URL', message: 'Invalid URL' })).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');

  it('reads seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Fri, 04 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
  });

  it('past date gives zero', () => {
    expect(parseRetryAfter('Fri, 04 Dec 2026 11:00:00 GMT', now)).toBe(0);
  });

  it.each([undefined, '', 'soon', '-5', '1.5'])('rejects %p', (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('backoffDelayMs', () => {
  it('doubles the ceiling per retry', () => {
    expect(backoffDelayMs(1, policy, alwaysMax)).toBe(99);
    expect(backoffDelayMs(2, policy, alwaysMax)).toBe(199);
    expect(backoffDelayMs(3, policy, alwaysMax)).toBe(399);
  });

  it('caps at maxDelayMs', () => {
    expect(backoffDelayMs(10, policy, alwaysMax)).toBe(999);
  });

  it('full jitter can be zero', () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
  });
});

describe('decideRetry', () => {
  it('retries a 503 with back-off', () => {
    const decision = decideRetry({ status: 503 }, { attempt: 1, elapsedMs: 0, random: alwaysMax }, policy);
    expect(decision).toEqual({ retry: true, delayMs: 99, reason: 'HTTP 503; retrying in 99 ms' });
  });

  it('never retries a 422', () => {
    const decision = decideRetry({ status: 422 }, { attempt: 1, elapsedMs: 0 }, policy);
    expect(decision).toEqual({ retry: false, retryable: false, reason: 'HTTP 422 is not retryable' });
  });

  it('honours a longer Retry-After', () => {
    const decision = decideRetry({ status: 429, retryAfter: '3' }, { attempt: 1, elapsedMs: 0, random: alwaysMax }, policy);
    expect(decision.retry && decision.delayMs).toBe(3000);
  });

  it('keeps back-off above a short Retry-After', () => {
    const decision = decideRetry({ status: 429, retryAfter: '0' }, { attempt: 3, elapsedMs: 0, random: alwaysMax }, policy);
    expect(decision.retry && decision.delayMs).toBe(399);
  });

  it('refuses a Retry-After beyond the cap', () => {
    const decision = decideRetry({ status: 503, retryAfter: '60' }, { attempt: 1, elapsedMs: 0 }, policy);
    expect(decision.retry).toBe(false);
    expect(decision).toMatchObject({ retryable: true });
    expect(decision.reason).toMatch(/asked to wait 60 s, more than the 5 s allowed/);
  });

  it('stops at maxAttempts', () => {
    const decision = decideRetry({ errorCode: 'ECONNRESET' }, { attempt: 4, elapsedMs: 0 }, policy);
    expect(decision).toEqual({ retry: false, retryable: true, reason: 'connection error ECONNRESET; gave up after 4 attempts' });
  });

  it('stops when the total time would pass the limit', () => {
    const decision = decideRetry({ status: 500 }, { attempt: 1, elapsedMs: 9950, random: alwaysMax }, policy);
    expect(decision.retry).toBe(false);
    expect(decision.reason).toMatch(/would pass the 10 s limit/);
  });

  it('default policy allows five attempts', () => {
    expect(DEFAULT_RETRY_POLICY.maxAttempts).toBe(5);
    expect(decideRetry({ status: 500 }, { attempt: 4, elapsedMs: 0 }).retry).toBe(true);
    expect(decideRetry({ status: 500 }, { attempt: 5, elapsedMs: 0 }).retry).toBe(false);
  });
});

describe('failureFromError', () => {
  it('reads an axios-style response with Retry-After', () => {
    const error = Object.assign(new Error('Request failed with status code 429'), { response: { status: 429, headers: { 'retry-after': '2' } } });
    expect(failureFromError(error)).toEqual({ status: 429, retryAfter: '2', message: 'Request failed with status code 429' });
  });

  it('finds the code in the cause chain', () => {
    const cause = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const wrapper = new Error('The connection to the server was closed unexpectedly', { cause });
    expect(failureFromError(wrapper)).toMatchObject({ errorCode: 'ECONNRESET' });
  });

  it('reads n8n httpCode strings', () => {
    expect(failureFromError({ message: 'x', httpCode: '503' })).toMatchObject({ status: 503 });
    expect(failureFromError({ message: 'x', httpCode: 'ETIMEDOUT' })).toMatchObject({ errorCode: 'ETIMEDOUT' });
  });

  it('survives a cyclic cause', () => {
    const error: Record<string, unknown> = { message: 'loop' };
    error.cause = error;
    expect(failureFromError(error)).toEqual({ message: 'loop' });
  });
});
