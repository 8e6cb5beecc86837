/**
 * HTTP for writer nodes: one request through n8n's `httpRequestWithAuthentication`, retried by the
 * policy in `core/http/retry.ts` (timeouts, dropped connections, 408, 429 with `Retry-After`, 5xx;
 * never other 4xx), with an `Idempotency-Key` header on writes. A POST or PATCH without a key is
 * resent only after 429 or 503. Usage inside `execute`:
 *
 *   const result = await requestWithRetry<Incident>(this, {
 *     credentialType: 'chsApi', itemIndex, action: `create incident for submission ${id}`,
 *     request: { method: 'POST', url: '/api/v1/incidents', body },
 *     idempotencyKey: deriveIdempotencyKey('chs', 'create-incident', id),
 *     policy: { maxAttempts: 5 },
 *   });
 *   result.body; result.statusCode; result.attempts; result.replayed;
 *
 * Failures throw `NodeApiError` whose `context` contains `retryable` (could a later run succeed?),
 * `attempts` and `httpCode`; read them with `retryInfoFromError(error)`.
 */
import { createHash } from 'node:crypto';
import {
  NodeApiError,
  sleep,
  type IDataObject,
  type IExecuteFunctions,
  type IHttpRequestOptions,
  type JsonObject,
} from 'n8n-workflow';
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  describeAttemptFailure,
  failureFromError,
  isRetryableFailure,
  type AttemptFailure,
  type RetryPolicy,
} from '../../core/http/retry';
import { withIds } from './logging';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface HttpResult<T> {
  statusCode: number;
  body: T;
  headers: Record<string, string>;
  /** Attempts made, the successful one included. */
  attempts: number;
  /** True when the server returned a stored response for a repeated Idempotency-Key. */
  replayed: boolean;
}

export interface RetryingRequestOptions<T> {
  credentialType: string;
  /** Method, URL (absolute, or relative with `baseURL`), body, query. Status handling is set by this helper. */
  request: IHttpRequestOptions;
  itemIndex: number;
  /** Description of the request for logs and errors, e.g. `create incident for submission 8f3c…`. */
  action: string;
  /** Sent as the `Idempotency-Key` header on every attempt. */
  idempotencyKey?: string;
  policy?: Partial<RetryPolicy>;
  /** Per-attempt timeout in milliseconds (default 30 000). A timeout is retried. */
  timeoutMs?: number;
  /** Ids for log lines, e.g. `{ submissionId, reference }`, written into the message by `withIds`. Never personal data. */
  logContext?: IDataObject;
  /**
   * Called after a retryable failure and before the next attempt. Returning a result stops the
   * retries with that result, e.g. when a lookup finds the record that a lost response had created.
   */
  beforeRetry?: (failure: AttemptFailure, attempt: number) => Promise<HttpResult<T> | undefined>;
  /** Turns an error response body into one line for the error message. Default: JSON:API `errors[].detail`. */
  describeErrorBody?: (body: unknown) => string | undefined;
  /** Name of the remote system in messages, e.g. `CHS`. */
  systemName?: string;
  /**
   * Checks a 2xx body before it is returned, for example with `expectField('id', 'string')`.
   * Returns what is wrong with the body, or undefined when the caller can use it.
   */
  checkBody?: (body: unknown) => string | undefined;
}

/**
 * Returns a body check that requires a JSON object whose `name` member is a non-empty string or
 * an array. A proxy's HTML page or an empty 2xx body fails it, so a writer that checks its calls
 * does not report a write as done without the id of the record it created.
 */
export function expectField(name: string, kind: 'string' | 'array'): (body: unknown) => string | undefined {
  return (body) => {
    if (body === undefined || body === null || body === '') return 'the body is empty';
    if (typeof body !== 'object' || Array.isArray(body)) return `the body is ${Array.isArray(body) ? 'a JSON array' : 'text'} where a JSON object was expected`;
    const value = (body as Record<string, unknown>)[name];
    if (kind === 'string' && (typeof value !== 'string' || value.trim() === '')) return `the body has no "${name}" text`;
    if (kind === 'array' && !Array.isArray(value)) return `the body has no "${name}" array`;
    return undefined;
  };
}

/** Derives a stable idempotency key: SHA-256 (hex) of the parts joined by `:`, e.g. `chs:create-incident:<submissionId>`. */
export function deriveIdempotencyKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join(':')).digest('hex');
}

export interface RetryInfo {
  retryable: boolean;
  attempts?: number;
  httpCode?: string;
}

/** Reads the retry information that `requestWithRetry` attached to its `NodeApiError`. */
export function retryInfoFromError(error: unknown): RetryInfo {
  const context = (error as { context?: IDataObject } | undefined)?.context;
  if (context && typeof context.retryable === 'boolean') {
    return {
      retryable: context.retryable,
      attempts: typeof context.attempts === 'number' ? context.attempts : undefined,
      httpCode: typeof context.httpCode === 'string' ? context.httpCode : undefined,
    };
  }
  return { retryable: isRetryableFailure(failureFromError(error)) };
}

export function describeJsonApiErrors(body: unknown): string | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors
    .map((error: { code?: string; title?: string; detail?: string }) => [error.code, error.detail ?? error.title].filter(Boolean).join(': '))
    .join('; ');
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers && typeof headers === 'object') {
    for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
      if (value !== undefined && value !== null) result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    }
  }
  return result;
}

/**
 * Returns whether a failed request may be sent again. POST and PATCH without an idempotency key
 * are resent only after 429 or 503, because those statuses signal that the server did not process them.
 */
function canResend(method: string | undefined, idempotencyKey: string | undefined, failure: AttemptFailure): boolean {
  const unsafe = method === 'POST' || method === 'PATCH';
  if (!unsafe || idempotencyKey !== undefined) return true;
  return failure.status === 429 || failure.status === 503;
}

interface FullResponse {
  statusCode: number;
  body: unknown;
  headers: unknown;
}

/** Sends one request with retries; returns the 2xx result or throws `NodeApiError` with retry information. */
export async function requestWithRetry<T>(context: IExecuteFunctions, options: RetryingRequestOptions<T>): Promise<HttpResult<T>> {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  const systemName = options.systemName ?? 'The remote system';
  const describeBody = options.describeErrorBody ?? describeJsonApiErrors;
  const started = Date.now();
  const headers: IDataObject = { Accept: 'application/json', ...(options.request.headers ?? {}) };
  if (options.idempotencyKey !== undefined) headers[IDEMPOTENCY_KEY_HEADER] = options.idempotencyKey;

  const request: IHttpRequestOptions = {
    ...options.request,
    headers,
    json: true,
    returnFullResponse: true,
    // 401 still throws so n8n can refresh an expired OAuth2 token through the credential's preAuthentication.
    ignoreHttpStatusErrors: { ignore: true, except: [401] },
    timeout: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };

  for (let attempt = 1; ; attempt += 1) {
    let failure: AttemptFailure;
    let errorBody: unknown;
    let thrown: unknown;
    let invalidBodyError: NodeApiError | undefined;

    try {
      const response = (await context.helpers.httpRequestWithAuthentication.call(context, options.credentialType, request)) as FullResponse;
      const responseHeaders = lowerCaseHeaders(response.headers);
      const problem = response.statusCode >= 200 && response.statusCode < 300 ? options.checkBody?.(response.body) : undefined;
      if (problem !== undefined) {
        invalidBodyError = buildInvalidBodyError(context, options, response, responseHeaders, problem, attempt, systemName);
      } else if (response.statusCode >= 200 && response.statusCode < 300) {
        return {
          statusCode: response.statusCode,
          body: response.body as T,
          headers: responseHeaders,
          attempts: attempt,
          replayed: responseHeaders['idempotent-replayed'] === 'true',
        };
      }
      failure = { status: response.statusCode, retryAfter: responseHeaders['retry-after'] };
      errorBody = response.body;
    } catch (error) {
      thrown = error;
      failure = failureFromError(error);
    }
    if (invalidBodyError) throw invalidBodyError;

    let decision = decideRetry(failure, { attempt, elapsedMs: Date.now() - started }, policy);
    if (decision.retry && !canResend(request.method, options.idempotencyKey, failure)) {
      decision = {
        retry: false,
        retryable: true,
        reason: `${describeAttemptFailure(failure)}; not resent because the request has no Idempotency-Key and the server may have processed it`,
      };
    }
    if (!decision.retry) {
      throw buildError(context, options, failure, errorBody, thrown, attempt, decision.retryable, decision.reason, systemName, describeBody);
    }

    const retryMetadata = {
      ...options.logContext,
      attempt,
      delayMs: decision.delayMs,
      failure: describeAttemptFailure(failure),
    };
    context.logger.warn(withIds(`${systemName}: ${options.action} failed, will retry`, retryMetadata), retryMetadata);
    await sleep(decision.delayMs);

    if (options.beforeRetry) {
      const recovered = await options.beforeRetry(failure, attempt);
      if (recovered) return { ...recovered, attempts: attempt + recovered.attempts };
    }
  }
}

/**
 * Builds the error for a 2xx response the caller cannot use. It is not retried here, because
 * a server that sends a wrong body does not usually fix itself within seconds. It counts as
 * retryable: the idempotency key makes a later run safe even when the server stored the write.
 */
function buildInvalidBodyError<T>(
  context: IExecuteFunctions,
  options: RetryingRequestOptions<T>,
  response: FullResponse,
  headers: Record<string, string>,
  problem: string,
  attempts: number,
  systemName: string,
): NodeApiError {
  const contentType = headers['content-type'] ?? 'no content type';
  const message = `${systemName} returned HTTP ${response.statusCode} to ${options.action}, but ${problem} (${contentType})`;
  const error = new NodeApiError(context.getNode(), { message }, {
    message,
    description:
      `The response is not what the ${systemName} API sends, so the result is unknown. Check that the credential's base URL points at the API and not at a proxy or web page. ` +
      'Then run the execution again; the idempotency key prevents a duplicate record.',
    httpCode: String(response.statusCode),
    itemIndex: options.itemIndex,
  });
  error.context.retryable = true;
  error.context.attempts = attempts;
  error.context.httpCode = String(response.statusCode);
  return error;
}

function buildError<T>(
  context: IExecuteFunctions,
  options: RetryingRequestOptions<T>,
  failure: AttemptFailure,
  errorBody: unknown,
  thrown: unknown,
  attempts: number,
  retryable: boolean,
  reason: string,
  systemName: string,
  describeBody: (body: unknown) => string | undefined,
): NodeApiError {
  const bodyText = describeBody(errorBody);
  const failureText = failure.status !== undefined ? `HTTP ${failure.status}${bodyText ? ` (${bodyText})` : ''}` : describeAttemptFailure(failure);
  const advice = retryable
    ? 'The request may succeed later: run the execution again; the idempotency key prevents a duplicate record.'
    : 'The request was rejected, so sending it again will not help: correct the data or the node settings first.';
  const message = `${systemName} failed to ${options.action}: ${failureText}`;

  const errorResponse: JsonObject =
    errorBody !== undefined && errorBody !== null && typeof errorBody === 'object'
      ? (errorBody as JsonObject)
      : thrown instanceof Error
        ? { message: thrown.message }
        : { message };

  const error = new NodeApiError(context.getNode(), errorResponse, {
    message,
    description: `${reason}. ${advice}`,
    httpCode: failure.status !== undefined ? String(failure.status) : failure.errorCode,
    itemIndex: options.itemIndex,
  });
  error.context.retryable = retryable;
  error.context.attempts = attempts;
  if (failure.status !== undefined) error.context.httpCode = String(failure.status);
  else if (failure.errorCode !== undefined) error.context.httpCode = failure.errorCode;
  return error;
}
