/** Parameter reading shared by the Reference Allocator operations; every error names its parameter. */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { StoreConfigError, StoreUnavailableError, describeError, type ContactHubStore } from '../../../core/store';
import {
  ReferenceDateError,
  ReferencePatternError,
  allocationKeys,
  compileReferenceFormat,
  type CompiledReferenceFormat,
  type ResetPeriod,
} from '../../../core/reference';
import { RESERVED_ITEM_FIELDS } from '../../../core/contact/check';
import { submissionIdProblem } from '../../../core/sdm/fields';
import { getStore } from '../../shared/store';
import { getItemParameter } from '../../shared/parameters';

export function readFormat(context: IExecuteFunctions, itemIndex: number): CompiledReferenceFormat {
  const pattern = context.getNodeParameter('pattern', itemIndex) as string;
  try {
    return compileReferenceFormat({
      pattern,
      forceCode: String(getItemParameter(context, 'forceCode', itemIndex, '') ?? ''),
      sequenceWidth: Number(context.getNodeParameter('sequenceWidth', itemIndex, 5)),
      resetPeriod: context.getNodeParameter('resetPeriod', itemIndex, 'yearly') as ResetPeriod,
      checkCharacter: Boolean(context.getNodeParameter('checkCharacter', itemIndex, false)),
    });
  } catch (error) {
    const message = error instanceof ReferencePatternError ? error.message : describeError(error);
    throw new NodeOperationError(context.getNode(), `Invalid Pattern "${pattern}": ${message}`, {
      itemIndex,
      description: 'Fix the Pattern, Force Code, Sequence Width, Reset Period or Check Character parameter of the Reference Allocator.',
    });
  }
}

export function readSubmissionId(context: IExecuteFunctions, itemIndex: number): string {
  const value = getItemParameter(context, 'submissionId', itemIndex, '');
  const problem = submissionIdProblem(typeof value === 'number' ? String(value) : value);
  if (problem !== undefined) {
    throw new NodeOperationError(context.getNode(), `Submission ID on item ${itemIndex} ${problem}`, {
      itemIndex,
      description: 'The Submission ID parameter must give the SOH submission ID; the default reads submission.id from the item.',
    });
  }
  return String(value).trim();
}

/** Reads the Allocation Date parameter; empty means now. */
export function readAllocationDate(context: IExecuteFunctions, itemIndex: number): Date {
  const value = getItemParameter(context, 'allocationDate', itemIndex, '');
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return new Date();

  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) {
    throw new NodeOperationError(context.getNode(), `Allocation Date "${String(value)}" on item ${itemIndex} is not a valid time`, {
      itemIndex,
      description: 'Give an ISO 8601 time such as 2026-04-01T00:30:00+01:00, or leave the parameter empty to use now.',
    });
  }
  return date;
}

/** Returns the allocation keys for the Allocation Date, naming that parameter when its year cannot be shown. */
export function readAllocationKeys(context: IExecuteFunctions, itemIndex: number, format: CompiledReferenceFormat, instant: Date): ReturnType<typeof allocationKeys> {
  try {
    return allocationKeys(format, instant);
  } catch (error) {
    if (error instanceof ReferenceDateError) {
      throw new NodeOperationError(context.getNode(), `Invalid Allocation Date on item ${itemIndex}: ${error.message}`, {
        itemIndex,
        description: 'Correct the Allocation Date parameter, or leave it empty to use now. Nothing was allocated.',
      });
    }
    throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
  }
}

export function readOutputField(context: IExecuteFunctions, itemIndex: number, name: string, label: string): string {
  const field = String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
  if (field === '') {
    throw new NodeOperationError(context.getNode(), `${label} is empty on item ${itemIndex}`, {
      itemIndex,
      description: `Name the top-level field that receives the result, for example "reference".`,
    });
  }
  if (RESERVED_ITEM_FIELDS.has(field)) {
    throw new NodeOperationError(context.getNode(), `${label} "${field}" on item ${itemIndex} would overwrite that field of the contact item`, {
      itemIndex,
      description: `Choose a field the contact item does not use, for example "reference". Reserved: ${[...RESERVED_ITEM_FIELDS].join(', ')}.`,
    });
  }
  return field;
}

/** Opens the store and turns its errors into NodeOperationErrors that name what to check. */
export async function openStoreFor(context: IExecuteFunctions, itemIndex: number): Promise<ContactHubStore> {
  try {
    return await getStore(context);
  } catch (error) {
    throw storeError(context, error, itemIndex, 'open the Contact Hub Store');
  }
}

/**
 * Wraps a store failure for n8n. The driver's text goes into the description, because n8n replaces
 * a message containing an error code such as EEXIST or ECONNREFUSED with a generic sentence.
 */
export function storeError(context: IExecuteFunctions, error: unknown, itemIndex: number, action: string): NodeOperationError {
  if (error instanceof NodeOperationError) return error;
  const unreachable = error instanceof StoreUnavailableError || error instanceof StoreConfigError;
  const advice = unreachable
    ? 'Check the Contact Hub Store credential and that the database is reachable. Nothing was written; run the item again once the store is back.'
    : 'The store rolled back the change, so nothing was half-written; run the item again.';
  return new NodeOperationError(
    context.getNode(),
    `Reference Allocator could not ${action}${unreachable ? ' because the store is unavailable' : ''}`,
    { itemIndex, description: `${describeError(error)}. ${advice}` },
  );
}
