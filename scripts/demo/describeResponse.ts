/**
 * Turns the HTTP response to a submission sent to the SOH Trigger into one line for a person at a
 * force, for `scripts/send-sample.ts`. It has no network code, so tests call it with plain values.
 */

/** Status and parsed body of the response; the body is text when it was not JSON. */
export interface SubmissionResponse {
  status: number;
  body: unknown;
  /** True when the response carried `Idempotent-Replayed: true`, which marks a re-delivery that the trigger served from the ledger. */
  replayed?: boolean;
}

interface JsonApiErrorLike {
  title?: unknown;
  detail?: unknown;
  source?: { pointer?: unknown; header?: unknown };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Ends a sentence with a full stop unless it already ends with punctuation. */
function sentence(value: string): string {
  return /[.!?]$/.test(value) ? value : `${value}.`;
}

function receiptAttributes(body: unknown): Record<string, unknown> | undefined {
  const data = (body as { data?: { type?: unknown; attributes?: unknown } } | null | undefined)?.data;
  if (data?.type !== 'receipt' || data.attributes === null || typeof data.attributes !== 'object') return undefined;
  return data.attributes as Record<string, unknown>;
}

function describeAccepted(status: number, body: unknown): string {
  const attributes = receiptAttributes(body);
  if (!attributes) return `Accepted with HTTP ${status}, but the response is not a receipt, so it gives no force reference.`;

  const submissionId = text(attributes.submissionId) ?? 'with an unknown id';
  const reference = text(attributes.reference);
  if (reference) return `Accepted with force reference ${reference} (submission ${submissionId}).`;
  if (attributes.manualHandling === true) {
    return (
      `Accepted as submission ${submissionId} for manual handling, without a force reference. ` +
      'A person handles it from the contact_hub_manual_handling data table, which gives the reason.'
    );
  }
  return (
    `Accepted as submission ${submissionId}, without a force reference yet. ` +
    'A trigger set to respond on receipt answers before the reference exists; the execution in n8n shows the reference or the reason for manual handling.'
  );
}

/** Names the field or header a JSON:API error points at, e.g. ` (field /data/attributes/x)`, or returns ''. */
function errorSource(error: JsonApiErrorLike): string {
  const pointer = text(error.source?.pointer);
  if (pointer) return ` (field ${pointer})`;
  const header = text(error.source?.header);
  if (header) return ` (header ${header})`;
  return '';
}

/** Describes the first JSON:API error: its title, the field or header it names, and its detail. */
function describeJsonApiErrors(errors: unknown[]): string {
  const first = (errors[0] ?? {}) as JsonApiErrorLike;
  const source = errorSource(first);
  const title = text(first.title)?.replace(/\.$/, '') ?? (source ? 'Error' : undefined);
  const detail = text(first.detail);

  const parts: string[] = [];
  if (title) parts.push(`${title}${source}.`);
  if (detail) parts.push(sentence(detail));
  if (parts.length === 0) parts.push('The response gives no reason.');
  if (errors.length > 1) parts.push(`The response lists ${errors.length - 1} more error${errors.length > 2 ? 's' : ''}.`);
  return parts.join(' ');
}

/** Describes an error body: a JSON:API error document, or another body such as n8n's own `{ message }`. */
function describeErrorBody(body: unknown): string {
  const errors = (body as { errors?: unknown } | null | undefined)?.errors;
  if (Array.isArray(errors) && errors.length > 0) return describeJsonApiErrors(errors);

  const message = text((body as { message?: unknown } | null | undefined)?.message);
  if (message) return sentence(message);
  if (text(body)) return 'The response is not JSON.';
  return 'The response gives no reason.';
}

/**
 * Returns one plain line saying what the response means: accepted with a reference, accepted
 * without one, rejected with the error's title, field and detail, or not accepted yet (5xx).
 * For a re-delivery, which the SOH Trigger serves from the intake ledger, the line starts with that fact.
 */
export function describeResponse(response: SubmissionResponse): string {
  const { status, body } = response;
  if (status >= 200 && status < 300) {
    const accepted = describeAccepted(status, body);
    if (!response.replayed) return accepted;
    return `Already received: this is a re-delivery, so nothing new was created and the response repeats the first one. ${accepted}`;
  }
  if (status >= 500) {
    // The iHub Standard API treats a 5xx status as a system error: iHub retries, then falls back to email.
    return `Not accepted yet (HTTP ${status}): ${describeErrorBody(body)} iHub would send it again later.`;
  }
  if (status >= 400) return `Rejected (HTTP ${status}): ${describeErrorBody(body)}`;
  return `Not accepted: HTTP ${status} is not a status the SOH Trigger sends.`;
}
