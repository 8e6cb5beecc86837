/** Helpers shared by the CHS Writer operations. */
import { createHash } from 'node:crypto';
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import { canonicalJson } from '../../../core/http/canonicalJson';
import { submissionIdProblem } from '../../../core/sdm/fields';
import { getItemParameter } from '../../shared/parameters';

/** Reads a required string parameter and rejects an empty value with an error naming the parameter. */
export function requireString(context: IExecuteFunctions, name: string, label: string, itemIndex: number, hint: string): string {
  const value = getItemParameter(context, name, itemIndex, '');
  const text = value === undefined || value === null ? '' : String(value).trim();
  if (text === '') {
    throw new NodeOperationError(context.getNode(), `${label} is missing on item ${itemIndex}`, { itemIndex, description: hint });
  }
  return text;
}

export function optionalString(context: IExecuteFunctions, name: string, itemIndex: number): string | undefined {
  const value = getItemParameter(context, name, itemIndex, '');
  const text = value === undefined || value === null ? '' : String(value).trim();
  return text === '' ? undefined : text;
}

/** Reads the Submission ID parameter; rejects a value that is not usable text, because the idempotency key is derived from it. */
export function readSubmissionId(context: IExecuteFunctions, itemIndex: number): string {
  const value = getItemParameter(context, 'submissionId', itemIndex, '');
  const problem = submissionIdProblem(typeof value === 'number' ? String(value) : value);
  if (problem !== undefined) {
    throw new NodeOperationError(context.getNode(), `Submission ID on item ${itemIndex} ${problem}`, {
      itemIndex,
      description: 'Set Submission ID, or pass a canonical contact item (from the SOH Trigger or SOH Email Parser) that has submission.id.',
    });
  }
  return String(value).trim();
}

/** Short SHA-256 of a request body, so a changed decision or log text gets a new idempotency key. */
export function bodyDigest(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex').slice(0, 16);
}

/** Returns the item's existing `chs` object, so operations add to it rather than replace it. */
export function existingChs(item: INodeExecutionData): IDataObject {
  const chs = item.json.chs;
  return chs !== null && typeof chs === 'object' && !Array.isArray(chs) ? (chs as IDataObject) : {};
}

export function logContext(submissionId: string, item: INodeExecutionData, extra: IDataObject = {}): IDataObject {
  const reference = typeof item.json.reference === 'string' ? item.json.reference : undefined;
  return { submissionId, ...(reference ? { reference } : {}), ...extra };
}
