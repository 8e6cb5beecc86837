/** The entry point for intake: body in, canonical contact item or JSON:API errors out. */
import { createHash } from 'node:crypto';
import { CONTACT_ITEM_VERSION, type CanonicalContact, type ContactSource } from '../contact/types';
import { DriftCollector } from './drift';
import { jsonApiError, toJsonPointer, type JsonApiError } from './errors';
import { findFormType, type FormType } from './formTypes';
import { normaliseSdm, type NormalisedParts } from './normaliseSdm';
import { looksLikeRawSoh, normaliseRawSoh, rawSohDocumentSchema } from './rawSoh';
import { DEFAULT_JSON_LIMITS, readJsonBody, type JsonLimits } from './safeJson';
import { sdmDocumentSchema } from './sdmSchema';

export interface ParseOptions {
  /**
   * The channel that delivered the body. A body recognised as a raw SOH form gets source `raw-soh`
   * whichever channel delivered it; the channel is kept in `receivedVia`.
   */
  source: ContactSource;
  receivedAt?: Date;
  limits?: Partial<JsonLimits>;
  /** Form types added to the catalogue, e.g. by an analyst in the SOH Trigger. */
  extraFormTypes?: readonly FormType[];
}

export type ParseResult =
  | { ok: true; contact: CanonicalContact }
  | { ok: false; status: 400 | 413 | 422; errors: JsonApiError[] };

/** SHA-256 of the body exactly as received, hex. */
export function bodySha256(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Detects SDM or raw SOH, validates, normalises and reports drift. Invalid input comes back as errors, not exceptions. */
export function parseSubmission(body: string | Buffer, options: ParseOptions): ParseResult {
  const receivedAt = options.receivedAt ?? new Date();
  const limits: JsonLimits = { ...DEFAULT_JSON_LIMITS, ...options.limits };
  const read = readJsonBody(body, limits);
  if (!read.ok) return read;

  const value = read.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid('invalid-document', 'Invalid document', 'The body must be a JSON object: an SDM document with "data", or a raw SOH form.', '');
  }

  const drift = new DriftCollector();
  for (const warning of read.characterWarnings) drift.add('suspicious-character', warning.pointer, warning.detail);
  const ctx = { drift, receivedAt };

  const record = value as Record<string, unknown>;
  const isRaw = looksLikeRawSoh(record);
  let normalised: { ok: true; parts: NormalisedParts } | { ok: false; errors: JsonApiError[] };
  if (isRaw) {
    const parsed = rawSohDocumentSchema.safeParse(record);
    if (!parsed.success) return schemaErrors(parsed.error.issues);
    normalised = normaliseRawSoh(parsed.data, ctx);
  } else if ('data' in record) {
    const parsed = sdmDocumentSchema.safeParse(record);
    if (!parsed.success) return schemaErrors(parsed.error.issues);
    normalised = normaliseSdm(parsed.data, ctx);
  } else {
    return invalid(
      'unrecognised-document',
      'Unrecognised document',
      'The body is neither an SDM document (no "data" member) nor a raw SOH form (no "incidentDetails" section).',
      '',
    );
  }
  if (!normalised.ok) return { ok: false, status: 422, errors: normalised.errors };

  const { parts } = normalised;
  const formType = findFormType(parts.submission.category, options.extraFormTypes);
  if (!formType) {
    let categoryPointer = findCategoryPointer(record);
    if (isRaw) categoryPointer = record.submission ? '/submission/category' : '/category';
    drift.add(
      'unknown-form-type',
      categoryPointer,
      `The form type "${parts.submission.category ?? '(none)'}" is not in the form type catalogue.`,
      parts.submission.category,
    );
  }

  const contact: CanonicalContact = {
    contactItemVersion: CONTACT_ITEM_VERSION,
    source: isRaw ? 'raw-soh' : options.source,
    formType: parts.submission.category ?? 'UNKNOWN',
    ...parts,
    drift: { needsReview: drift.findings.length > 0, findings: drift.findings },
    receivedAt: receivedAt.toISOString(),
    bodySha256: bodySha256(body),
    original: value,
  };
  if (options.source !== 'raw-soh') contact.receivedVia = options.source;
  if (formType) {
    contact.formTypeLabel = formType.en;
    if (formType.cy) contact.formTypeLabelWelsh = formType.cy;
  }
  return { ok: true, contact };
}

function invalid(code: string, title: string, detail: string, pointer: string): ParseResult {
  return { ok: false, status: 422, errors: [jsonApiError(422, code, title, detail, { pointer })] };
}

function findCategoryPointer(document: Record<string, unknown>): string {
  const included = Array.isArray(document.included) ? document.included : [];
  const index = included.findIndex((resource) => (resource as { type?: unknown })?.type === 'submission');
  return index >= 0 ? `/included/${index}/attributes/category` : '/included';
}

interface SchemaIssue {
  path: PropertyKey[];
  message: string;
  code: string;
}

/** At most this many schema errors go back; the first ones are enough to fix a broken sender. */
const MAX_SCHEMA_ERRORS = 20;

function schemaErrors(issues: readonly SchemaIssue[]): ParseResult {
  const errors = issues.slice(0, MAX_SCHEMA_ERRORS).map((issue) => {
    const pointer = toJsonPointer(issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)));
    const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
    const detail = missing
      ? `The value at ${pointer || '/'} is missing; ${issue.message.replace(/^Invalid input: expected (\w+), received undefined$/, 'a $1 is required there')}.`
      : `The value at ${pointer || '/'} is invalid: ${issue.message}.`;
    return jsonApiError(422, 'invalid-document', 'Invalid document', detail, {
      pointer,
      meta: { issue: issue.code },
    });
  });
  return { ok: false, status: 422, errors };
}
