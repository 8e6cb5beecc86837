/**
 * The HTTP server every simulator is built on (`node:http`, no framework). A simulator supplies its
 * contract routes, an authentication check and an error body format. This module adds fault
 * injection, idempotency keys, request validation with zod and one log line per request. It also
 * serves the control endpoints under `/__sim/` (faults, stats, reset) that tests and the demo use.
 *
 * Request pipeline for a contract route: fault → authentication → JSON body → Idempotency-Key
 * lookup (replay or 409) → zod validation (422) → handler → save response under the key → send,
 * or destroy the connection for the `store-then-drop` fault.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod/v4';
import { FaultInjector, FaultSpecSchema, type FaultSpec } from './faults';
import { IdempotencyStore, requestFingerprint, type StoredResponse } from './idempotency';
import { createRequestLogger, emptyStats, recordRequest, type RequestLogDestination, type RequestLogEntry, type SimulatorStats } from './requestLog';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Path parameters from the route pattern, e.g. `{ id: 'INC-1' }` for `/incidents/:id`. */
  params: Record<string, string>;
  rawBody: Buffer;
  /** Parsed JSON (or form fields for `application/x-www-form-urlencoded`); after validation, the schema's output. */
  body: unknown;
  /** The base URL the server listens on, e.g. `http://127.0.0.1:5681`. */
  baseUrl: string;
}

export interface SimResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path pattern with `:name` parameters, e.g. `/api/v1/incidents/:id`. */
  path: string;
  handler: RouteHandler;
  /** Validates the body; a failure is rejected with 422 and one error per issue. */
  bodySchema?: z.ZodType;
  /** Validates the query string (as an object of strings); a failure is rejected with 400. */
  querySchema?: z.ZodType;
  /** Requires an `Idempotency-Key` header and replays the first response for a repeated key. */
  idempotent?: boolean;
  /** Set false for routes that need no credentials (the token endpoint). Default true. */
  requiresAuth?: boolean;
}

/** Details of one error, turned into the contract's error body by `formatError`. */
export interface SimError {
  status: number;
  code: string;
  title: string;
  detail?: string;
  /** JSON pointer into the request body, or the query parameter or header at fault. */
  source?: { pointer?: string; parameter?: string; header?: string };
  retryable?: boolean;
}

export interface SimulatorServerOptions {
  /** Short name used in log lines, e.g. `chs`. */
  name: string;
  /** 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1; the simulators are for local use only. */
  host?: string;
  routes: Route[];
  /** Extra simulator-specific control routes; their paths must start with `/__sim/`. */
  controlRoutes?: Route[];
  /** Returns an error when the request's credentials are missing or wrong, undefined when accepted. */
  authenticate?: (request: SimRequest) => SimError | undefined;
  /** Turns errors into the contract's body, e.g. `{ errors: [...] }`. Default: JSON:API style `errors` array. */
  formatError?: (errors: SimError[]) => unknown;
  /** Database for idempotency keys; required when a route is `idempotent`. */
  idempotency?: IdempotencyStore;
  log?: RequestLogDestination;
  /** Extra counters merged into `GET /__sim/stats`, e.g. the number of stored incidents. */
  extraStats?: () => Record<string, unknown>;
  /** Called by `POST /__sim/reset` after faults, stats and idempotency keys are cleared. */
  onReset?: () => void;
  /** Maximum request body in bytes (default 5 MiB); larger bodies are rejected with 413. */
  maxBodyBytes?: number;
}

export interface SimulatorServer {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  port: number;
  faults: FaultInjector;
  stats(): SimulatorStats & Record<string, unknown>;
  close(): Promise<void>;
}

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAY_HEADER = 'idempotent-replayed';
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_DELAY_MS = 1000;
const DEFAULT_RETRY_AFTER_SECONDS = 1;

export function defaultFormatError(errors: SimError[]): unknown {
  return {
    errors: errors.map((error) => ({
      status: String(error.status),
      code: error.code,
      title: error.title,
      ...(error.detail !== undefined ? { detail: error.detail } : {}),
      ...(error.source !== undefined ? { source: error.source } : {}),
      meta: { retryable: error.retryable ?? (error.status === 408 || error.status === 429 || error.status >= 500) },
    })),
  };
}

/** Converts zod issues to errors with a JSON pointer (`/location/postcode`) or a query parameter name. */
export function zodIssuesToErrors(issues: z.core.$ZodIssue[], where: 'body' | 'query', status: number): SimError[] {
  return issues.map((issue) => {
    const pointer = `/${issue.path.map((segment) => String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
    const source = where === 'body' ? { pointer } : { parameter: String(issue.path[0] ?? '') };
    return { status, code: 'validation-failed', title: 'Invalid request', detail: `${where === 'body' ? pointer : source.parameter}: ${issue.message}`, source };
  });
}

interface MatchedRoute {
  route: Route;
  params: Record<string, string>;
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const patternParts = pattern.split('/');
  const pathParts = path.split('/');
  if (patternParts.length !== pathParts.length) return undefined;

  const params: Record<string, string> = {};
  for (let i = 0; i < patternParts.length; i += 1) {
    const expected = patternParts[i];
    const actual = pathParts[i];
    if (expected.startsWith(':')) {
      if (actual === '') return undefined;
      params[expected.slice(1)] = decodeURIComponent(actual);
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

function findRoute(routes: Route[], method: string, path: string): MatchedRoute | 'method-not-allowed' | undefined {
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  return pathMatched ? 'method-not-allowed' : undefined;
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseBody(raw: Buffer, contentType: string | undefined): { ok: true; value: unknown } | { ok: false; detail: string } {
  if (raw.length === 0) return { ok: true, value: undefined };
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return { ok: true, value: Object.fromEntries(new URLSearchParams(text)) };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, detail: `The body is not valid JSON: ${(error as Error).message}` };
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Starts a simulator server on 127.0.0.1 (or `host`) and resolves once it listens. */
export async function startSimulatorServer(options: SimulatorServerOptions): Promise<SimulatorServer> {
  const faults = new FaultInjector();
  const formatError = options.formatError ?? defaultFormatError;
  const writeLog = createRequestLogger(options.name, options.log ?? 'silent');
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let stats = emptyStats();
  const inFlightKeys = new Map<string, Promise<void>>();
  let baseUrl = '';

  if (options.routes.some((route) => route.idempotent) && !options.idempotency) {
    throw new Error(`Simulator ${options.name}: routes marked idempotent need an IdempotencyStore in options.idempotency`);
  }
  for (const route of options.controlRoutes ?? []) {
    if (!route.path.startsWith('/__sim/')) throw new Error(`Simulator ${options.name}: control route ${route.path} must start with /__sim/`);
  }

  const errorResponse = (errors: SimError[], headers: Record<string, string> = {}): SimResponse => ({
    status: errors[0].status,
    body: formatError(errors),
    headers,
  });

  const controlRoutes: Route[] = [
    {
      method: 'POST',
      path: '/__sim/faults',
      bodySchema: FaultSpecSchema,
      handler: (request) => {
        faults.set(request.body as FaultSpec);
        return { status: 200, body: { fault: faults.current() } };
      },
    },
    { method: 'GET', path: '/__sim/faults', handler: () => ({ status: 200, body: { fault: faults.current() ?? null } }) },
    {
      method: 'DELETE',
      path: '/__sim/faults',
      handler: () => {
        faults.clear();
        return { status: 204 };
      },
    },
    { method: 'GET', path: '/__sim/stats', handler: () => ({ status: 200, body: currentStats() }) },
    {
      method: 'POST',
      path: '/__sim/reset',
      handler: () => {
        faults.clear();
        stats = emptyStats();
        options.idempotency?.clear();
        options.onReset?.();
        return { status: 204 };
      },
    },
    ...(options.controlRoutes ?? []),
  ];

  function currentStats(): SimulatorStats & Record<string, unknown> {
    return { ...structuredClone(stats), ...(options.extraStats?.() ?? {}) };
  }

  function send(response: ServerResponse, simResponse: SimResponse): void {
    const headers: Record<string, string> = { ...(simResponse.headers ?? {}) };
    let payload: string | undefined;
    if (simResponse.body !== undefined && simResponse.status !== 204) {
      payload = JSON.stringify(simResponse.body);
      headers['content-type'] = 'application/json; charset=utf-8';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    response.writeHead(simResponse.status, headers);
    response.end(payload);
  }

  /** Runs auth, body parsing, idempotency, validation and the handler; returns what to send. */
  async function processRoute(
    incoming: IncomingMessage,
    matched: MatchedRoute,
    url: URL,
    entry: RequestLogEntry,
    isControl: boolean,
  ): Promise<SimResponse> {
    const raw = await readBody(incoming, maxBodyBytes);
    if (raw === 'too-large') {
      return errorResponse([{ status: 413, code: 'body-too-large', title: 'Request body too large', detail: `The body exceeds ${maxBodyBytes} bytes.` }]);
    }

    const request: SimRequest = {
      method: entry.method,
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
      params: matched.params,
      rawBody: raw,
      body: undefined,
      baseUrl,
    };

    if (!isControl && matched.route.requiresAuth !== false && options.authenticate) {
      const authError = options.authenticate(request);
      if (authError) return errorResponse([authError], authError.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
    }

    const parsed = parseBody(raw, incoming.headers['content-type']);
    if (!parsed.ok) return errorResponse([{ status: 400, code: 'invalid-json', title: 'Invalid JSON body', detail: parsed.detail }]);
    request.body = parsed.value;

    let idempotency: { key: string; fingerprint: string } | undefined;
    if (!isControl && matched.route.idempotent && options.idempotency) {
      const key = incoming.headers[IDEMPOTENCY_KEY_HEADER];
      if (typeof key !== 'string' || key.trim() === '' || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        return errorResponse([
          {
            status: 400,
            code: 'idempotency-key-missing',
            title: 'Missing or invalid Idempotency-Key header',
            detail: `Every write needs an Idempotency-Key header of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`,
            source: { header: 'Idempotency-Key' },
          },
        ]);
      }
      entry.idempotencyKey = key;
      const fingerprint = requestFingerprint(entry.method, url.pathname, parsed.value);
      // A second request with a key still being handled waits for the first, then gets its replay.
      while (inFlightKeys.has(key)) await inFlightKeys.get(key);
      const lookup = options.idempotency.lookup(key, fingerprint);
      if (lookup.kind === 'replay') {
        entry.replayed = true;
        return { ...lookup.response, headers: { ...lookup.response.headers, [IDEMPOTENT_REPLAY_HEADER]: 'true' } };
      }
      if (lookup.kind === 'conflict') {
        entry.idempotencyConflict = true;
        return errorResponse([
          {
            status: 409,
            code: 'idempotency-key-reused',
            title: 'Idempotency-Key already used for a different request',
            detail: `The key was first used for ${lookup.firstRequest} with a different body. Use a new key for a different request.`,
            source: { header: 'Idempotency-Key' },
          },
        ]);
      }
      idempotency = { key, fingerprint };
    }

    if (!idempotency || !options.idempotency) return validateAndHandle(matched.route, request);

    const store = options.idempotency;
    const { key, fingerprint } = idempotency;
    let release = () => undefined as void;
    inFlightKeys.set(key, new Promise<void>((resolve) => (release = resolve)));
    try {
      const response = await validateAndHandle(matched.route, request);
      const stored: StoredResponse = { status: response.status, body: response.body, headers: response.headers ?? {} };
      store.save(key, fingerprint, `${entry.method} ${url.pathname}`, stored);
      return response;
    } finally {
      inFlightKeys.delete(key);
      release();
    }
  }

  async function validateAndHandle(route: Route, request: SimRequest): Promise<SimResponse> {
    if (route.querySchema) {
      const result = route.querySchema.safeParse(Object.fromEntries(request.query));
      if (!result.success) return errorResponse(zodIssuesToErrors(result.error.issues, 'query', 400));
    }
    if (route.bodySchema) {
      const result = route.bodySchema.safeParse(request.body);
      if (!result.success) return errorResponse(zodIssuesToErrors(result.error.issues, 'body', 422));
      request.body = result.data;
    }
    return route.handler(request);
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(incoming.url ?? '/', 'http://simulator.invalid');
    const method = (incoming.method ?? 'GET').toUpperCase();
    const entry: RequestLogEntry = { method, path: url.pathname, status: 500, durationMs: 0 };
    const isControl = url.pathname.startsWith('/__sim/');

    const finish = (simResponse: SimResponse | 'dropped') => {
      if (simResponse === 'dropped') {
        entry.status = 'dropped';
        incoming.socket.destroy();
      } else {
        entry.status = simResponse.status;
        send(response, simResponse);
      }
      entry.durationMs = Date.now() - started;
      writeLog(entry);
      if (!isControl) recordRequest(stats, entry);
    };

    const matched = findRoute(isControl ? controlRoutes : options.routes, method, url.pathname);

    const fault = isControl ? undefined : faults.take(url.pathname);
    if (fault) {
      entry.fault = fault.mode;
      if (fault.mode === 'delay' || fault.delayMs !== undefined) await delay(fault.delayMs ?? DEFAULT_DELAY_MS);
      if (fault.mode === 'drop') return finish('dropped');
      if (fault.mode === '429' || fault.mode === '500' || fault.mode === '503') {
        const status = Number(fault.mode);
        const retryAfter = String(fault.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
        const title = status === 429 ? 'Too many requests' : status === 503 ? 'Service unavailable' : 'Internal server error';
        // Drain the body so the client sees a response, not a reset, while it is still sending.
        incoming.resume();
        return finish(errorResponse([{ status, code: `simulated-${status}`, title, detail: 'Fault injected by the simulator.', retryable: true }], status === 500 ? {} : { 'retry-after': retryAfter }));
      }
    }

    if (matched === undefined) {
      incoming.resume();
      return finish(errorResponse([{ status: 404, code: 'not-found', title: 'Not found', detail: `No route for ${method} ${url.pathname}.` }]));
    }
    if (matched === 'method-not-allowed') {
      incoming.resume();
      return finish(errorResponse([{ status: 405, code: 'method-not-allowed', title: 'Method not allowed', detail: `${method} is not supported on ${url.pathname}.` }]));
    }

    const simResponse = await processRoute(incoming, matched, url, entry, isControl);
    if (fault?.mode === 'store-then-drop') return finish('dropped');
    return finish(simResponse);
  }

  const server = createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      process.stderr.write(`${options.name} simulator: unhandled error on ${incoming.method} ${incoming.url}: ${(error as Error).stack ?? String(error)}\n`);
      if (!response.headersSent) {
        send(response, errorResponse([{ status: 500, code: 'internal-error', title: 'Internal server error', detail: (error as Error).message }]));
      } else {
        response.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  baseUrl = `http://${host}:${address.port}`;

  return {
    url: baseUrl,
    port: address.port,
    faults,
    stats: currentStats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Convenience for handlers: an error response in the default format. */
export function simError(error: SimError, formatError: (errors: SimError[]) => unknown = defaultFormatError): SimResponse {
  return { status: error.status, body: formatError([error]) };
}
