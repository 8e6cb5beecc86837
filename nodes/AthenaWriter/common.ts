/** Input checks and option reading shared by the Athena Writer operations. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import type { CanonicalContact } from '../../core/contact/types';
import type { RetryPolicy } from '../../core/http/retry';
import { contactShapeProblem } from '../../core/contact/check';

export interface ItemResult {
  json: IDataObject;
}

export const requestOptionsProperty: INodeProperties = {
  displayName: 'Request Options',
  name: 'requestOptions',
  type: 'collection',
  placeholder: 'Add Request Option',
  default: {},
  options: [
    {
      displayName: 'Max Attempts',
      name: 'maxAttempts',
      type: 'number',
      typeOptions: { minValue: 1, maxValue: 10 },
      default: 5,
      description: 'Attempts per request, the first included, for timeouts, dropped connections, 429 and 5xx responses. Other 4xx responses are never retried.',
    },
    {
      displayName: 'Retry Base Delay (Ms)',
      name: 'baseDelayMs',
      type: 'number',
      typeOptions: { minValue: 0 },
      default: 500,
      description: 'Wait before the first retry in milliseconds; it doubles for each later retry, with random jitter',
    },
    {
      displayName: 'Timeout (Ms)',
      name: 'timeoutMs',
      type: 'number',
      typeOptions: { minValue: 100 },
      default: 30000,
      description: 'Time to wait for each response in milliseconds before the attempt counts as timed out',
    },
  ],
};

export function readRetryOptions(context: IExecuteFunctions, itemIndex: number): { policy: Partial<RetryPolicy>; timeoutMs?: number } {
  const options = context.getNodeParameter('requestOptions', itemIndex, {}) as { maxAttempts?: number; baseDelayMs?: number; timeoutMs?: number };
  const policy: Partial<RetryPolicy> = {};
  if (options.maxAttempts !== undefined) policy.maxAttempts = options.maxAttempts;
  if (options.baseDelayMs !== undefined) policy.baseDelayMs = options.baseDelayMs;
  return { policy, timeoutMs: options.timeoutMs };
}

/** Checks the parts of the canonical contact item the writer relies on and names the first one that is missing or invalid. */
export function readContact(context: IExecuteFunctions, itemIndex: number, item: INodeExecutionData): CanonicalContact {
  const json = item.json as unknown as Partial<CanonicalContact>;
  const fail = (field: string, expected: string) =>
    new NodeOperationError(context.getNode(), `Item ${itemIndex} has no valid ${field}: expected ${expected}`, {
      itemIndex,
      description: 'The Athena Writer takes the canonical contact item from the SOH Trigger or SOH Email Parser. Connect it after one of them.',
    });

  const problem = contactShapeProblem(json);
  if (problem !== undefined) throw fail(problem.field, problem.expected);
  return json as CanonicalContact;
}
