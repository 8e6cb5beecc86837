/** Input checks and option reading shared by the Athena Writer operations. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import type { CanonicalContact } from '../../core/contact/types';
import type { RetryPolicy } from '../../core/http/retry';
import { MAX_SUBMISSION_ID_LENGTH, submissionIdProblem } from '../../core/sdm/fields';

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

/** Checks the parts of the canonical contact item the writer relies on and names the first one missing. */
export function readContact(context: IExecuteFunctions, itemIndex: number, item: INodeExecutionData): CanonicalContact {
  const json = item.json as unknown as Partial<CanonicalContact>;
  const fail = (field: string, expected: string) =>
    new NodeOperationError(context.getNode(), `Item ${itemIndex} has no valid ${field}: expected ${expected}`, {
      itemIndex,
      description: 'The Athena Writer takes the canonical contact item from the SOH Trigger or SOH Email Parser. Connect it after one of them.',
    });

  const idProblem = submissionIdProblem(json.submission?.id);
  if (idProblem !== undefined) {
    throw fail('submission.id', `a non-empty string of at most ${MAX_SUBMISSION_ID_LENGTH} characters without control characters, but it ${idProblem}`);
  }
  if (typeof json.formType !== 'string' || json.formType === '') throw fail('formType', 'an SOH service code such as OCR');
  if (!json.incident || typeof json.incident !== 'object') throw fail('incident', 'an object');
  if (!Array.isArray(json.people)) throw fail('people', 'an array');
  if (!Array.isArray(json.objects)) throw fail('objects', 'an array');
  if (!Array.isArray(json.locations)) throw fail('locations', 'an array');
  if (typeof json.receivedAt !== 'string') throw fail('receivedAt', 'an ISO 8601 time');
  json.people.forEach((person, index) => {
    if (!person || typeof person.id !== 'string' || !Array.isArray(person.roles) || person.roles.length === 0) {
      throw fail(`people[${index}]`, 'a person with an id and at least one role');
    }
  });
  return json as CanonicalContact;
}
