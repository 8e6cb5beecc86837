/** CHS requests for the writer: retry settings from the node, base URL from the `chsApi` credential. */
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';
import { CHS_API_PREFIX, EXTERNAL_REFERENCE_SYSTEMS, type Incident } from '../../core/chs/contract';
import type { RetryPolicy } from '../../core/http/retry';
import { expectField, requestWithRetry, type HttpResult, type RetryingRequestOptions } from '../shared/http';

export const CHS_CREDENTIAL_TYPE = 'chsApi';

export interface ChsSettings {
  baseUrl: string;
  policy: Partial<RetryPolicy>;
  timeoutMs: number;
  updateLedger: boolean;
}

interface OptionsParameter {
  maxAttempts?: number;
  initialBackoffMs?: number;
  maxTotalSeconds?: number;
  timeoutSeconds?: number;
  updateLedger?: boolean;
}

export async function readChsSettings(context: IExecuteFunctions, itemIndex: number): Promise<ChsSettings> {
  const credentials = await context.getCredentials(CHS_CREDENTIAL_TYPE, itemIndex);
  const options = context.getNodeParameter('options', itemIndex, {}) as OptionsParameter;
  const policy: Partial<RetryPolicy> = {};
  if (options.maxAttempts !== undefined) policy.maxAttempts = options.maxAttempts;
  if (options.initialBackoffMs !== undefined) policy.baseDelayMs = options.initialBackoffMs;
  if (options.maxTotalSeconds !== undefined) policy.maxTotalMs = options.maxTotalSeconds * 1000;

  return {
    baseUrl: String(credentials.baseUrl ?? '').replace(/\/+$/, ''),
    policy,
    timeoutMs: (options.timeoutSeconds ?? 30) * 1000,
    updateLedger: options.updateLedger ?? true,
  };
}

export interface ChsCall<T> {
  method: IHttpRequestMethods;
  /** Path below `/api/v1`, e.g. `/incidents`. */
  path: string;
  body?: IDataObject;
  qs?: IDataObject;
  idempotencyKey?: string;
  action: string;
  logContext: IDataObject;
  beforeRetry?: RetryingRequestOptions<T>['beforeRetry'];
  /** Overrides the node's retry policy, e.g. a single attempt for a lookup. */
  policy?: Partial<RetryPolicy>;
  /** Check of a 2xx body; by default it must be a JSON object with an `id`. */
  checkBody?: RetryingRequestOptions<T>['checkBody'];
}

export function chsRequest<T>(context: IExecuteFunctions, settings: ChsSettings, itemIndex: number, call: ChsCall<T>): Promise<HttpResult<T>> {
  return requestWithRetry<T>(context, {
    credentialType: CHS_CREDENTIAL_TYPE,
    itemIndex,
    systemName: 'CHS',
    action: call.action,
    idempotencyKey: call.idempotencyKey,
    policy: { ...settings.policy, ...call.policy },
    timeoutMs: settings.timeoutMs,
    logContext: call.logContext,
    beforeRetry: call.beforeRetry,
    checkBody: call.checkBody ?? expectField('id', 'string'),
    request: {
      method: call.method,
      url: `${settings.baseUrl}${CHS_API_PREFIX}${call.path}`,
      ...(call.body !== undefined ? { body: call.body } : {}),
      ...(call.qs !== undefined ? { qs: call.qs } : {}),
    },
  });
}

/** Finds the incident created for a submission (oldest first), with one attempt; undefined when none exists. */
export async function findIncidentBySubmission(
  context: IExecuteFunctions,
  settings: ChsSettings,
  itemIndex: number,
  submissionId: string,
  logContext: IDataObject,
): Promise<Incident | undefined> {
  const result = await chsRequest<{ items: Incident[] }>(context, settings, itemIndex, {
    method: 'GET',
    path: '/incidents',
    qs: { externalReference: submissionId, system: EXTERNAL_REFERENCE_SYSTEMS.sohSubmission },
    action: `look up the incident for submission ${submissionId}`,
    logContext,
    policy: { maxAttempts: 1 },
    checkBody: expectField('items', 'array'),
  });
  return result.body.items[0];
}
