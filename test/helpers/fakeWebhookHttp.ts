import type { IWebhookFunctions } from 'n8n-workflow';

// express is not a dependency here; n8n's own type for the objects it passes to webhook nodes is enough.
type ExpressRequest = ReturnType<IWebhookFunctions['getRequestObject']>;
type ExpressResponse = ReturnType<IWebhookFunctions['getResponseObject']>;

export interface FakeWebhookRequestInit {
  method?: string;
  /** Header names are matched case-insensitively, as HTTP does. */
  headers?: Record<string, string>;
  /** Parsed body, as n8n's body parser would give it (JSON object, form fields, text). */
  body?: unknown;
  /** Raw body bytes for signature checks; `JSON.stringify(body)` when omitted. */
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

/** A stand-in for the express request n8n passes to a webhook node, with the fields nodes read. */
export function createFakeWebhookRequest(init: FakeWebhookRequestInit): ExpressRequest {
  const headers = Object.fromEntries(Object.entries(init.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const rawBody =
    init.rawBody === undefined
      ? Buffer.from(init.body === undefined ? '' : typeof init.body === 'string' ? init.body : JSON.stringify(init.body))
      : Buffer.from(init.rawBody);
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

/** A stand-in for the express response, recording what a node that answers the request itself writes. */
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
