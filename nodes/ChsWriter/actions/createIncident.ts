/**
 * Create Incident: maps the canonical contact item to a CHS incident and creates it once,
 * as long as the CHS honours Idempotency-Key or the lookup by external reference. The idempotency key is derived from the submission id, so retries and re-runs replay the first
 * response. When a response is lost (timeout, dropped connection, 5xx) the incident is looked up
 * by the submission id before the next attempt, and a 409 (key reused with a changed body, e.g.
 * after the opening code table changed) is resolved by the same lookup.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { contactShapeProblem } from '../../../core/contact/check';
import type { CanonicalContact } from '../../../core/contact/types';
import type { ChsPriority, Incident } from '../../../core/chs/contract';
import { buildCreateIncidentRequest, ChsMappingError, type CreateIncidentOverrides } from '../../../core/chs/mapping';
import type { OpeningCodeRule } from '../../../core/chs/openingCodes';
import { deriveIdempotencyKey, retryInfoFromError, type HttpResult } from '../../shared/http';
import { toNodeError } from '../../shared/items';
import { markLedgerState, type LedgerOutcome } from '../../shared/ledger';
import { withIds } from '../../shared/logging';
import { chsRequest, findIncidentBySubmission, type ChsSettings } from '../transport';
import { existingChs, logContext, optionalString, readSubmissionId } from './common';

interface OverridesParameter {
  openingCode?: string;
  priority?: ChsPriority;
  narrative?: string;
  locationText?: string;
  informantName?: string;
  informantPhone?: string;
  informantEmail?: string;
}

function readOverrides(context: IExecuteFunctions, itemIndex: number): CreateIncidentOverrides {
  const raw = context.getNodeParameter('overrides', itemIndex, {}) as OverridesParameter;
  const text = (value: string | undefined) => (value === undefined || String(value).trim() === '' ? undefined : String(value).trim());
  return {
    openingCode: text(raw.openingCode),
    priority: raw.priority,
    narrative: text(raw.narrative),
    locationText: text(raw.locationText),
    informantName: text(raw.informantName),
    informantPhone: text(raw.informantPhone),
    informantEmail: text(raw.informantEmail),
  };
}

function readOpeningCodeTable(context: IExecuteFunctions, itemIndex: number): OpeningCodeRule[] {
  const raw = context.getNodeParameter('openingCodeTable', itemIndex, {}) as { rules?: Array<Partial<OpeningCodeRule>> };
  return (raw.rules ?? [])
    .map((rule) => ({ formType: String(rule.formType ?? '').trim(), openingCode: String(rule.openingCode ?? '').trim() }))
    .filter((rule) => rule.formType !== '' && rule.openingCode !== '');
}

function asContact(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, submissionId: string): CanonicalContact {
  const json = item.json as Partial<CanonicalContact>;
  const missing: string[] = (['submission', 'incident', 'people', 'objects', 'locations', 'attachments', 'drift'] as const).filter(
    (field) => json[field] === undefined,
  );
  if (typeof json.formType !== 'string') missing.push('formType');
  if (missing.length > 0) {
    throw new NodeOperationError(context.getNode(), `Item ${itemIndex} (submission ${submissionId}) is not a canonical contact item: missing ${missing.join(', ')}`, {
      itemIndex,
      description: 'Connect this node after the SOH Trigger or SOH Email Parser, which output canonical contact items.',
    });
  }
  // The Submission ID parameter may name another id than submission.id, so check a copy with it.
  const contact = { ...(json as CanonicalContact), submission: { ...(json.submission as CanonicalContact['submission']), id: submissionId } };
  const problem = contactShapeProblem(contact);
  if (problem !== undefined) {
    throw new NodeOperationError(context.getNode(), `Item ${itemIndex} (submission ${submissionId}) has no valid ${problem.field}: expected ${problem.expected}`, {
      itemIndex,
      description: 'Connect this node after the SOH Trigger or SOH Email Parser, which output canonical contact items, and do not change these fields in between.',
    });
  }
  return contact;
}

export async function createIncident(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, settings: ChsSettings): Promise<IDataObject> {
  const submissionId = readSubmissionId(context, itemIndex);
  const contact = asContact(context, item, itemIndex, submissionId);
  const reference = optionalString(context, 'reference', itemIndex);
  const logIds = logContext(submissionId, item);

  let mapping;
  try {
    mapping = buildCreateIncidentRequest(contact, {
      openingCodeTable: readOpeningCodeTable(context, itemIndex),
      fallbackOpeningCode: optionalString(context, 'fallbackOpeningCode', itemIndex),
      defaultPriority: context.getNodeParameter('defaultPriority', itemIndex, 'scheduled') as ChsPriority,
      reference,
      overrides: readOverrides(context, itemIndex),
    });
  } catch (error) {
    if (!(error instanceof ChsMappingError)) throw toNodeError(context, error, itemIndex);
    throw new NodeOperationError(context.getNode(), error.message, {
      itemIndex,
      description: 'Correct the named fields with an override or fix the opening code table.',
    });
  }

  if (!mapping.openingCodeMatched) {
    context.logger.warn(withIds(`CHS Writer: no opening code rule for form type ${contact.formType}; used the fallback ${mapping.request.openingCode}`, logIds), logIds);
  }

  let recoveredByLookup = false;
  const lookUp = async (): Promise<HttpResult<Incident> | undefined> => {
    try {
      const found = await findIncidentBySubmission(context, settings, itemIndex, submissionId, logIds);
      if (!found) return undefined;
      recoveredByLookup = true;
      const foundMetadata = { ...logIds, incidentId: found.id };
      context.logger.info(withIds('CHS Writer: found the incident created by an earlier attempt', foundMetadata), foundMetadata);
      return { statusCode: 200, body: found, headers: {}, attempts: 0, replayed: true };
    } catch (error) {
      const lookupMetadata = { ...logIds, error: (error as Error).message };
      context.logger.warn(withIds('CHS Writer: lookup by submission id failed; retrying the create with the same idempotency key', lookupMetadata), lookupMetadata);
      return undefined;
    }
  };

  let result: HttpResult<Incident>;
  try {
    result = await chsRequest<Incident>(context, settings, itemIndex, {
      method: 'POST',
      path: '/incidents',
      body: mapping.request as unknown as IDataObject,
      idempotencyKey: deriveIdempotencyKey('chs', 'create-incident', submissionId),
      action: `create an incident for submission ${submissionId}`,
      logContext: logIds,
      // 429 and 503 mean the request was not processed, so only other failures may have stored it.
      beforeRetry: async (failure) => (failure.status === 429 || failure.status === 503 ? undefined : lookUp()),
    });
  } catch (error) {
    const recovered = retryInfoFromError(error).httpCode === '409' ? await lookUp() : undefined;
    if (!recovered) throw toNodeError(context, error, itemIndex);
    result = recovered;
  }

  const incident = result.body;
  let ledger: LedgerOutcome = 'no-store';
  if (settings.updateLedger) {
    try {
      ledger = await markLedgerState(context, submissionId, 'written-to-chs', { chsIncidentId: incident.id });
    } catch (error) {
      // The incident exists, so the item succeeds. The reconciler re-drives the entry, and the
      // replayed create then updates the ledger.
      ledger = 'failed';
      const ledgerMetadata = { ...logIds, incidentId: incident.id, error: (error as Error).message };
      context.logger.error(withIds('CHS Writer: incident created but the intake ledger update failed', ledgerMetadata), ledgerMetadata);
    }
  }
  const createdMetadata = { ...logIds, incidentId: incident.id, replayed: result.replayed, attempts: result.attempts, ledger };
  context.logger.info(withIds('CHS Writer: incident created', createdMetadata), createdMetadata);

  return {
    ...item.json,
    chs: {
      ...existingChs(item),
      incidentId: incident.id,
      url: incident.url,
      openingCode: incident.openingCode,
      createdAt: incident.createdAt,
      replayed: result.replayed,
      recoveredByLookup,
      attempts: result.attempts,
      ledger,
    },
  };
}
