import type { IWebhookFunctions } from 'n8n-workflow';

// express is not a dependency here, so n8n's own types for the objects it passes to webhook nodes stand in.
type ExpressRequest = ReturnType<IWebhookFunctions['getRequestObject']>;
type ExpressResponse = ReturnType<IWebhookFunctions['getResponseObject']>;

export interface FakeWebhookRequestInit {
  method?: string;
  /** Header names are matched case-insensitively, as HTTP does. */
  headers?: Record<string, string>;
  /** Parsed body, as n8n's body parser would give it (JSON object, form fields, text). */
  body?: unknown;
  /** Raw body bytes for signature checks, `JSON.stringify(body)` by default. */
  rawBody?: Buffer | string;
  query?: Record<string, string>;
  params?: Record<string, string>;
  path?: string;
}

export interface FakeWebhookResponse {
  /** The object handed to the node as `getResponseObject()`. */
  express: ExpressResponse;
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
  ended: boolean;
}

/** Creates a stand-in for the express request that n8n passes to a webhook node, with the fields nodes read. */
export function createFakeWebhookRequest(init: FakeWebhookRequestInit): ExpressRequest {
  const headers = Object.fromEntries(Object.entries(init.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  let rawBody: Buffer;
  if (init.rawBody !== undefined) rawBody = Buffer.from(init.rawBody);
  else if (init.body === undefined) rawBody = Buffer.alloc(0);
  else if (typeof init.body === 'string') rawBody = Buffer.from(init.body);
  else rawBody = Buffer.from(JSON.stringify(init.body));
  if (init.body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
  headers['content-length'] ??= String(rawBody.length);

  const request = {
    method: (init.method ?? 'POST').toUpperCase(),
    headers,
    body: init.body ?? {},
    rawBody,
    query: init.query ?? {},
    params: init.params ?? {},
    path: init.path ?? '/',
    url: init.path ?? '/',
    ip: '127.0.0.1',
    readRawBody: async () => {},
    get: (name: string) => headers[name.toLowerCase()],
    header: (name: string) => headers[name.toLowerCase()],
  };
  return request as unknown as ExpressRequest;
}

/** Creates a stand-in for the express response, which records what a node that responds to the request itself writes. */
export function createFakeWebhookResponse(): FakeWebhookResponse {
  const recorded: FakeWebhookResponse = { express: undefined as unknown as ExpressResponse, statusCode: 200, headers: {}, body: undefined, ended: false };
  const response = {
    status(code: number) {
      recorded.statusCode = code;
      response.statusCode = code;
      return response;
    },
    statusCode: 200,
    setHeader(name: string, value: string) {
      recorded.headers[name.toLowerCase()] = String(value);
      return response;
    },
    set(name: string, value: string) {
      return response.setHeader(name, value);
    },
    header(name: string, value: string) {
      return response.setHeader(name, value);
    },
    json(body: unknown) {
      recorded.body = body;
      recorded.ended = true;
      return response;
    },
    send(body: unknown) {
      recorded.body = body;
      recorded.ended = true;
      return response;
    },
    end(body?: unknown) {
      if (body !== undefined) recorded.body = body;
      recorded.ended = true;
      return response;
    },
  };
  recorded.express = response as unknown as ExpressResponse;
  return recorded;
}
