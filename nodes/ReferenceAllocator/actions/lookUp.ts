import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { withIds } from '../../shared/logging';
import { openStoreFor, readAllocationDate, readAllocationKeys, readFormat, readOutputField, readSubmissionId, storeError } from './common';

/** Reads the submission's reference in this format's scope; the output field is null when it has none. */
export async function lookUp(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number): Promise<IDataObject> {
  const format = readFormat(context, itemIndex);
  const submissionId = readSubmissionId(context, itemIndex);
  const outputField = readOutputField(context, itemIndex, 'outputField', 'Output Field');
  // The date only matters for patterns without a year, whose scope changes each year.
  const { scope } = readAllocationKeys(context, itemIndex, format, readAllocationDate(context, itemIndex));
  const store = await openStoreFor(context, itemIndex);

  let record;
  try {
    record = await store.references.findBySubmission(submissionId, scope);
  } catch (error) {
    throw storeError(context, error, itemIndex, `look up the reference of submission ${submissionId}`);
  }

  const metadata = { submissionId, reference: record?.reference ?? null };
  const message = record ? 'Reference Allocator: found the reference' : 'Reference Allocator: submission has no reference yet';
  context.logger.info(withIds(message, metadata), metadata);
  return { ...item.json, [outputField]: record?.reference ?? null };
}
