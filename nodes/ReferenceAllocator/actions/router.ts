/** Dispatches each item to the selected Reference Allocator operation through the shared item loop. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { processItems } from '../../shared/items';
import { withIds } from '../../shared/logging';
import { OPERATIONS, type ReferenceOperation } from '../description';
import { allocate } from './allocate';
import { lookUp } from './lookUp';
import { validate } from './validate';

type Operation = (context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number) => Promise<IDataObject>;

const HANDLERS: Record<ReferenceOperation, Operation> = { allocate, lookUp, validate };

function submissionIdOf(item: INodeExecutionData): string | null {
  const submission = item.json.submission as IDataObject | undefined;
  return typeof submission?.id === 'string' ? submission.id : null;
}

export async function route(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  const operationName = context.getNodeParameter('operation', 0) as ReferenceOperation;
  const handler = HANDLERS[operationName];
  if (!handler) {
    throw new NodeOperationError(context.getNode(), `Operation "${String(operationName)}" is invalid`, {
      description: `Choose one of: ${OPERATIONS.join(', ')}.`,
    });
  }

  const output = await processItems(context, async (item, itemIndex) => handler(context, item, itemIndex), {
    describeFailure: (error, item) => {
      const submissionId = submissionIdOf(item);
      const metadata = { submissionId, error: (error as Error).message };
      context.logger.warn(withIds(`Reference Allocator: ${operationName} failed; continuing because continue-on-fail is on`, metadata), metadata);
      return { submissionId };
    },
  });
  return [output];
}
