/**
 * JSON:API error objects as the iHub Standard API expects them. A 4xx status is a business error
 * (iHub does not retry); a 5xx status is a system error (iHub retries, then falls back to email).
 */

export interface JsonApiError {
  /** HTTP status as a string, as JSON:API requires. */
  status: string;
  /** Stable machine-readable code, e.g. `invalid-json`, `dangling-relationship`. */
  code: string;
  title: string;
  detail: string;
  source?: { pointer?: string; header?: string };
  meta?: Record<string, unknown>;
}

export interface JsonApiErrorDocument {
  errors: JsonApiError[];
}

/** Creates one JSON:API error object. */
export function jsonApiError(
  status: number,
  code: string,
  title: string,
  detail: string,
  extra: { pointer?: string; header?: string; meta?: Record<string, unknown> } = {},
): JsonApiError {
  const error: JsonApiError = { status: String(status), code, title, detail };
  if (extra.pointer !== undefined || extra.header !== undefined) {
    error.source = {};
    if (extra.pointer !== undefined) error.source.pointer = extra.pointer;
    if (extra.header !== undefined) error.source.header = extra.header;
  }
  if (extra.meta) error.meta = extra.meta;
  return error;
}

/** Wraps errors into the `{ errors: [...] }` document a response body carries. */
export function jsonApiErrorDocument(...errors: JsonApiError[]): JsonApiErrorDocument {
  return { errors };
}

/** Creates a 5xx system error, so iHub retries the delivery later. */
export function jsonApiSystemError(status: 500 | 502 | 503, code: string, detail: string): JsonApiError {
  return jsonApiError(status, code, status === 503 ? 'Service unavailable' : 'Internal error', detail);
}

/** True for a business error (4xx): iHub must not retry it unchanged. */
export function isBusinessError(error: JsonApiError): boolean {
  const status = Number(error.status);
  return status >= 400 && status < 500;
}

/** Formats a JSON pointer (RFC 6901) from path segments. */
export function toJsonPointer(path: ReadonlyArray<string | number>): string {
  return path.map((segment) => '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
