/**
 * The item loop every writer node uses: runs one operation per input item, attaches `pairedItem`,
 * and applies `continueOnFail()`. Usage inside `execute`:
 *
 *   return [await processItems(this, async (item, itemIndex) => ({ ...item.json, chs: result }), {
 *     describeFailure: (error, item) => ({ submissionId: readSubmissionId(item), retryable: ... }),
 *   })];
 *
 * With continue-on-fail an item that fails becomes an output item holding the input fields plus
 * `error: { message, description?, httpCode?, ...describeFailure() }` and any `failureFields()`
 * (see `continuedFailureItem` for how that item reaches n8n's error output). Without it the first failure
 * stops the node: NodeApiError and NodeOperationError are rethrown with the item index set, and any
 * other error is wrapped in a NodeOperationError.
 */
import {
  NodeApiError,
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
} from 'n8n-workflow';

export type ItemOperation = (item: INodeExecutionData, itemIndex: number) => Promise<IDataObject | INodeExecutionData>;

export interface ProcessItemsOptions {
  /** Extra fields for the error of a failed item, e.g. `{ submissionId, retryable }`. */
  describeFailure?: (error: unknown, item: INodeExecutionData, itemIndex: number) => IDataObject;
  /** Extra top-level fields for a failed item, e.g. `manualHandling`. Applied after `describeFailure`. */
  failureFields?: (error: unknown, item: INodeExecutionData, details: IDataObject) => IDataObject;
}

function isExecutionData(value: IDataObject | INodeExecutionData): value is INodeExecutionData {
  return typeof value.json === 'object' && value.json !== null && !Array.isArray(value.json);
}

/** Ensures the error names its item; keeps n8n errors as they are and wraps anything else. */
export function toNodeError(context: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
  if (error instanceof NodeApiError || error instanceof NodeOperationError) {
    error.context.itemIndex ??= itemIndex;
    return error;
  }
  return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * Builds the output item for a failure under continue-on-fail. With "Continue (using error
 * output)" n8n-core 2.41 moves an item to the error output only when its `json` contains nothing but
 * `error`, `message` and `details`, and then merges the input item's fields back in. So the
 * extra fields travel under `details` there. With "Continue" they stay at the top level beside
 * the input fields, where an If node on `$json.error` can route them.
 */
export function continuedFailureItem(
  context: IExecuteFunctions,
  item: INodeExecutionData,
  itemIndex: number,
  error: IDataObject,
  extra: IDataObject = {},
): INodeExecutionData {
  if (context.getNode().onError === 'continueErrorOutput') {
    const json: IDataObject = { error, message: error.message };
    if (Object.keys(extra).length > 0) json.details = extra;
    return { json, pairedItem: { item: itemIndex } };
  }
  return { json: { ...item.json, ...extra, error }, pairedItem: { item: itemIndex } };
}

export async function processItems(
  context: IExecuteFunctions,
  operation: ItemOperation,
  options: ProcessItemsOptions = {},
): Promise<INodeExecutionData[]> {
  const items = context.getInputData();
  const output: INodeExecutionData[] = [];

  for (let itemIndex = 0; itemIndex < items.length; itemIndex += 1) {
    const item = items[itemIndex];
    try {
      const result = await operation(item, itemIndex);
      const data: INodeExecutionData = isExecutionData(result) ? result : { json: result };
      output.push({ ...data, pairedItem: { item: itemIndex } });
    } catch (error) {
      const nodeError = toNodeError(context, error, itemIndex);
      if (!context.continueOnFail()) throw nodeError;

      const details: IDataObject = {
        message: nodeError.message,
        ...(nodeError.description ? { description: nodeError.description } : {}),
        ...(nodeError instanceof NodeApiError && nodeError.httpCode ? { httpCode: nodeError.httpCode } : {}),
        ...(options.describeFailure?.(error, item, itemIndex) ?? {}),
      };
      const extra = options.failureFields?.(error, item, details) ?? {};
      output.push(continuedFailureItem(context, item, itemIndex, details, extra));
    }
  }
  return output;
}
