/**
 * The intake step the SOH Trigger and the SOH Email Parser share: parse the body, then store it
 * durably in the intake ledger before anyone responds to iHub, with idempotency on the submission
 * id. The SOH Trigger's routing by form type lives here too, with no n8n imports.
 */
import type { CanonicalContact, ManualHandling } from '../contact/types';
import type { ContactHubStore, IntakeResponse, LedgerEntry } from '../store/types';
import { jsonApiError, type JsonApiError } from './errors';
import type { FormType } from './formTypes';
import { parseSubmission, type ParseOptions } from './parseSubmission';
import { decodeBuffer } from './safeJson';

export type IntakeOutcome =
  /** The body was rejected before anything was stored. */
  | { kind: 'rejected'; status: 400 | 413 | 422; errors: JsonApiError[] }
  /** The body is valid but the ledger could not be reached or written; iHub should retry. */
  | { kind: 'store-unavailable'; contact: CanonicalContact; error: JsonApiError; cause: unknown }
  /** Stored for the first time. */
  | { kind: 'accepted'; contact: CanonicalContact; entry: LedgerEntry }
  /** The same submission id with the same body was stored before. */
  | { kind: 'duplicate'; contact: CanonicalContact; entry: LedgerEntry }
  /** The same submission id arrived with a different body; the ledger recorded the conflict. */
  | { kind: 'conflict'; contact: CanonicalContact; entry: LedgerEntry; error: JsonApiError };

/** Parses a body and records it in the intake ledger. Invalid bodies and store failures come back as outcomes, not exceptions. */
export async function receiveSubmission(
  store: ContactHubStore | (() => Promise<ContactHubStore>),
  body: string | Buffer,
  options: ParseOptions,
): Promise<IntakeOutcome> {
  const parsed = parseSubmission(body, options);
  if (!parsed.ok) return { kind: 'rejected', status: parsed.status, errors: parsed.errors };
  const { contact } = parsed;

  try {
    const ledger = (typeof store === 'function' ? await store() : store).intake;
    const result = await ledger.recordReceived({
      submissionId: contact.submission.id,
      bodySha256: contact.bodySha256,
      source: contact.source,
      formType: contact.formType,
      document: documentText(body),
      receivedAt: contact.receivedAt,
    });
    if (result.outcome === 'new') return { kind: 'accepted', contact, entry: result.entry };
    if (result.outcome === 'duplicate') return { kind: 'duplicate', contact, entry: result.entry };
    return {
      kind: 'conflict',
      contact,
      entry: result.entry,
      error: jsonApiError(
        409,
        'submission-conflict',
        'Submission already received with different content',
        `Submission ${contact.submission.id} was received before with a different body. The force keeps the first version; send changes as a new submission.`,
        { pointer: submissionIdPointer(contact), meta: { submissionId: contact.submission.id } },
      ),
    };
  } catch (cause) {
    return {
      kind: 'store-unavailable',
      contact,
      cause,
      error: jsonApiError(
        503,
        'store-unavailable',
        'Service unavailable',
        `Submission ${contact.submission.id} could not be stored because the Contact Hub Store is unavailable. Retry later.`,
      ),
    };
  }
}

function documentText(body: string | Buffer): string {
  if (typeof body === 'string') return body.replace(/^\uFEFF/, '');
  const decoded = decodeBuffer(body);
  return 'text' in decoded ? decoded.text : body.toString('utf8');
}

function submissionIdPointer(contact: CanonicalContact): string {
  if (contact.source === 'raw-soh') {
    return (contact.original as Record<string, unknown>).submission ? '/submission/submissionId' : '/submissionId';
  }
  const included = ((contact.original as { included?: Array<{ type?: string }> }).included ?? []).findIndex(
    (resource) => resource?.type === 'submission',
  );
  return `/included/${included}/attributes/submissionId`;
}

export interface RoutingSettings {
  /** Form type codes sent to the main output. */
  enabledFormTypes: ReadonlySet<string>;
  /** Destination of a form type not in the catalogue. */
  unknownFormTypes: 'manual' | 'main';
  /** Destination of a submission with drift findings, which is marked for review either way. */
  driftedSubmissions: 'main' | 'manual';
  /** Catalogue entries added by the analyst. */
  extraFormTypes?: readonly FormType[];
}

/** Decides whether a contact goes to the main output or to manual handling, and why. */
export function routeContact(contact: CanonicalContact, settings: RoutingSettings, now: Date = new Date()): ManualHandling | undefined {
  const code = contact.formType.toUpperCase();
  const at = now.toISOString();
  const isKnown = contact.formTypeLabel !== undefined;
  if (!isKnown && settings.unknownFormTypes === 'manual') {
    return {
      code: 'form-type-unknown',
      reason: `Form type "${contact.formType}" on submission ${contact.submission.id} is not in the form type catalogue. Handle it by hand, or add the form type to the SOH Trigger.`,
      at,
    };
  }
  if (isKnown && !settings.enabledFormTypes.has(code)) {
    return {
      code: 'form-type-disabled',
      reason: `Form type ${contact.formTypeLabel} (${contact.formType}) on submission ${contact.submission.id} is switched off in the SOH Trigger. Handle it by hand.`,
      at,
    };
  }
  if (contact.drift.needsReview && settings.driftedSubmissions === 'manual') {
    return {
      code: 'schema-drift',
      reason: `Submission ${contact.submission.id} differs from the SDM model in ${contact.drift.findings.length} place(s); see drift.findings.`,
      at,
    };
  }
  return undefined;
}

/**
 * Response header the SOH Trigger sets to `true` when it responds to a re-delivery from the intake
 * ledger instead of accepting the submission again. Some HTTP APIs mark replayed responses with
 * the same header (for example https://docs.whop.com/developer/api/idempotency). iHub reads only
 * the status and body, so the header is for people and scripts that send submissions by hand.
 */
export const REPLAYED_RESPONSE_HEADER = 'Idempotent-Replayed';

/**
 * Builds the 201 acceptance receipt. `receivedAt` is the first delivery's time, so a re-delivery
 * gets the same receipt as the first one. `manualHandling` adds `manualHandling: true`, for a
 * submission already known to need a person when the receipt is sent; it is still accepted.
 */
export function acceptanceReceipt(
  submissionId: string,
  receivedAt: string,
  reference?: string | null,
  options: { manualHandling?: boolean } = {},
): IntakeResponse {
  const attributes: Record<string, unknown> = { submissionId, receivedAt, status: 'accepted' };
  if (reference) attributes.reference = reference;
  if (options.manualHandling) attributes.manualHandling = true;
  return { status: 201, body: { data: { type: 'receipt', id: submissionId, attributes } } };
}
