import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { ReferenceSequenceExhaustedError, renderReference } from '../../../core/reference';
import { withIds } from '../../shared/logging';
import { openStoreFor, readAllocationDate, readAllocationKeys, readFormat, readOutputField, readSubmissionId, storeError } from './common';

/**
 * Allocates the submission's reference (or returns the one it already has) and moves its intake
 * ledger entry to `reference-allocated` when the submission is in the ledger.
 */
export async function allocate(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number): Promise<IDataObject> {
  const format = readFormat(context, itemIndex);
  const submissionId = readSubmissionId(context, itemIndex);
  const instant = readAllocationDate(context, itemIndex);
  const outputField = readOutputField(context, itemIndex, 'outputField', 'Output Field');
  const { scope, periodKey, date } = readAllocationKeys(context, itemIndex, format, instant);
  const store = await openStoreFor(context, itemIndex);

  let result;
  try {
    result = await store.references.allocate({
      scope,
      periodKey,
      submissionId,
      render: (sequence) => renderReference(format, date, sequence),
    });
  } catch (error) {
    if (error instanceof ReferenceSequenceExhaustedError) {
      throw new NodeOperationError(context.getNode(), `No reference left for submission ${submissionId}: ${error.message}`, {
        itemIndex,
        description: 'Increase the Sequence Width or reset the sequence more often. Nothing was allocated.',
      });
    }
    throw storeError(context, error, itemIndex, `allocate a reference for submission ${submissionId}`);
  }

  try {
    await store.intake.markState(submissionId, 'reference-allocated', { reference: result.reference });
  } catch (error) {
    // The reference is committed; a re-run returns the same one and retries this update.
    throw storeError(context, error, itemIndex, `record reference ${result.reference} in the intake ledger for submission ${submissionId}`);
  }

  const metadata = { submissionId, reference: result.reference, sequence: result.sequence, periodKey };
  const message = result.created ? 'Reference Allocator: allocated a reference' : 'Reference Allocator: returned the existing reference';
  context.logger.info(withIds(message, metadata), metadata);
  return { ...item.json, [outputField]: result.reference };
}
