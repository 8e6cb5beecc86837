/**
 * Checks that a request to the SOH Trigger comes from iHub: a client id and secret in headers and,
 * when configured, an HMAC-SHA256 signature over the timestamp and the raw body. No n8n imports,
 * so the checks are unit-tested on their own.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { jsonApiError, type JsonApiError } from '../../core/sdm';

export interface SohAuthSettings {
  clientIdHeader: string;
  clientId: string;
  clientSecretHeader: string;
  clientSecret: string;
  /** When set, every request must carry a valid signature. */
  signature?: {
    header: string;
    timestampHeader: string;
    currentSecret: string;
    /** Accepted as well during a secret rotation; empty when not rotating. */
    previousSecret?: string;
    /** How far the timestamp may be from our clock, in seconds. */
    toleranceSeconds: number;
  };
}

export type Headers = Record<string, string | string[] | undefined>;

/** Default tolerance between the signed timestamp and our clock. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** Returns the first value of a header. An empty value counts as missing, so the error asks the sender to send it. */
function header(headers: Headers, name: string): string | undefined {
  const raw = headers[name.toLowerCase()];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Compares two strings in constant time, whatever their lengths, by comparing their SHA-256 digests. */
export function safeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf8').digest();
  const digestB = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(digestA, digestB);
}

/** Computes the signature iHub sends: hex HMAC-SHA256 of `<timestamp>.<raw body>`. */
export function computeSignature(secret: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(rawBody).digest('hex');
}

function unauthorised(code: string, detail: string, headerName: string): JsonApiError {
  return jsonApiError(401, code, 'Unauthorised', detail, { header: headerName });
}

/** Returns undefined when the request is authentic, else the 401 error to send. */
export function checkRequest(settings: SohAuthSettings, headers: Headers, rawBody: Buffer, now: Date = new Date()): JsonApiError | undefined {
  const clientId = header(headers, settings.clientIdHeader);
  const clientSecret = header(headers, settings.clientSecretHeader);
  // Both values are compared before deciding, so the response time does not show which one was wrong.
  const idMatches = clientId !== undefined && safeEqual(clientId, settings.clientId);
  const secretMatches = clientSecret !== undefined && safeEqual(clientSecret, settings.clientSecret);
  if (clientId === undefined || clientSecret === undefined) {
    return unauthorised(
      'missing-credentials',
      `The request has no client id or client secret; send them in the ${settings.clientIdHeader} and ${settings.clientSecretHeader} headers.`,
      clientId === undefined ? settings.clientIdHeader : settings.clientSecretHeader,
    );
  }
  if (!idMatches || !secretMatches) {
    return unauthorised('invalid-credentials', 'The client id or client secret is not valid for this force.', settings.clientIdHeader);
  }

  const signature = settings.signature;
  if (!signature) return undefined;
  const timestamp = header(headers, signature.timestampHeader);
  const presentedSignature = header(headers, signature.header);
  if (!timestamp || !presentedSignature) {
    return unauthorised(
      'missing-signature',
      `The request has no signature; send ${signature.timestampHeader} (Unix seconds) and ${signature.header} (hex HMAC-SHA256 of "<timestamp>.<body>").`,
      !timestamp ? signature.timestampHeader : signature.header,
    );
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return unauthorised('invalid-timestamp', `${signature.timestampHeader} must be a Unix time in seconds.`, signature.timestampHeader);
  }
  const skewSeconds = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skewSeconds > signature.toleranceSeconds) {
    return unauthorised(
      'timestamp-out-of-tolerance',
      `${signature.timestampHeader} is ${Math.round(skewSeconds)} seconds from the server clock; the limit is ${signature.toleranceSeconds} seconds. Check the sender's clock.`,
      signature.timestampHeader,
    );
  }
  const presented = presentedSignature.replace(/^sha256=/i, '').toLowerCase();
  const secrets = [signature.currentSecret, signature.previousSecret].filter((secret): secret is string => !!secret);
  const matches = secrets.map((secret) => safeEqual(presented, computeSignature(secret, timestamp, rawBody)));
  if (!matches.includes(true)) {
    return unauthorised('invalid-signature', 'The signature does not match the body and timestamp.', signature.header);
  }
  return undefined;
}
