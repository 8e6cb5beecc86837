import * as n8nWorkflow from 'n8n-workflow';
import {
  NodeConnectionTypes,
  type ICredentialsDecrypted,
  type IDataObject,
  type INodeCredentialTestResult,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  type IWebhookDescription,
  type IWebhookFunctions,
  type IWebhookResponseData,
} from 'n8n-workflow';
import {
  REPLAYED_RESPONSE_HEADER,
  acceptanceReceipt,
  jsonApiError,
  jsonApiErrorDocument,
  receiveSubmission,
  routeContact,
  type JsonApiError,
} from '../../core/sdm';
import type { ContactHubStore, IntakeResponse } from '../../core/store/types';
import { withIds } from '../shared/logging';
import { getStore, testContactHubStoreCredential } from '../shared/store';
import { checkRequest } from './auth';
import { WEBHOOK_PATH, properties, triggerPanel } from './description';
import { readRoutingSettings } from '../shared/formTypes';
import { readAuthSettings, type ResponseMode } from './settings';

const JSON_API_TYPE = 'application/vnd.api+json';

/**
 * Builds the webhook's `responseMode` from the node's Response Mode parameter. n8n 2.41 resolves a field
 * declared with `fromFunction` in plain JavaScript when the node's parameters contain no expression,
 * so a request needs no expression isolate for it. The function is also inlined into the
 * expression the editor shows, so it must not refer to any name outside its body.
 */
function responseModeField(): Pick<IWebhookDescription, 'responseMode'> {
  const resolve = (parameters: { responseMode?: unknown }) => (parameters.responseMode === 'afterReference' ? 'responseNode' : 'onReceived');
  // Earlier n8n 2.x releases lack these helpers, so they get the same expression as a plain string.
  if (typeof n8nWorkflow.webhookDescriptionFields === 'function' && typeof n8nWorkflow.fromFunction === 'function') {
    return n8nWorkflow.webhookDescriptionFields({ responseMode: n8nWorkflow.fromFunction(resolve) });
  }
  return { responseMode: `={{(${String(resolve)})($parameter)}}` };
}

/** The express response n8n hands to webhook nodes. */
type WebhookResponse = ReturnType<IWebhookFunctions['getResponseObject']>;

function send(response: WebhookResponse, answer: IntakeResponse): void {
  response.status(answer.status);
  response.setHeader('content-type', JSON_API_TYPE);
  response.end(JSON.stringify(answer.body ?? {}));
}

function sendErrors(response: WebhookResponse, status: number, errors: JsonApiError[]): IWebhookResponseData {
  send(response, { status, body: jsonApiErrorDocument(...errors) });
  return { noWebhookResponse: true };
}

async function readRawBody(context: IWebhookFunctions): Promise<Buffer> {
  const request = context.getRequestObject();
  if (!request.rawBody) await request.readRawBody();
  return request.rawBody ?? Buffer.alloc(0);
}

/** Checks that an SOH API credential is complete; there is no remote service to call. */
async function testSohApiCredential(credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
  try {
    const settings = readAuthSettings(credential.data ?? {});
    const signing = settings.signature ? ', with signatures' : '';
    return { status: 'OK', message: `Requests must carry ${settings.clientIdHeader} and ${settings.clientSecretHeader}${signing}` };
  } catch (error) {
    return { status: 'Error', message: (error as Error).message };
  }
}

export class SohTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'SOH Trigger',
    name: 'sohTrigger',
    icon: { light: 'file:sohTrigger.svg', dark: 'file:sohTrigger.dark.svg' },
    group: ['trigger'],
    // Version 1.1 behaves as 1. For a webhook node of version 1, n8n 2.41.1 evaluates an
    // `options.binaryData` expression on every request, which costs an expression isolate per
    // request. It skips that from 1.1. Workflows saved with version 1 keep working.
    version: [1, 1.1],
    defaultVersion: 1.1,
    subtitle: '={{$parameter["responseMode"] === "afterReference" ? "Respond with reference" : "Respond with receipt"}}',
    description: 'Receives Single Online Home submissions from iHub (Standard API) and stores them before responding',
    defaults: { name: 'SOH Trigger' },
    inputs: [],
    outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    outputNames: ['Accepted', 'Manual Handling'],
    credentials: [
      { name: 'sohApi', required: true, testedBy: 'sohApiTest' },
      { name: 'contactHubStoreApi', required: true, testedBy: 'contactHubStoreTest' },
    ],
    webhooks: [
      {
        name: 'default',
        httpMethod: 'POST',
        path: WEBHOOK_PATH,
        ...responseModeField(),
      },
    ],
    triggerPanel,
    properties,
  };

  /**
   * iHub is pointed at the production URL by hand when a force joins, so there is nothing to
   * register on a remote service: publishing the workflow is all that makes the URL live.
   */
  webhookMethods = {
    default: {
      checkExists: async (): Promise<boolean> => true,
      create: async (): Promise<boolean> => true,
      delete: async (): Promise<boolean> => true,
    },
  };

  methods = {
    credentialTest: {
      sohApiTest: testSohApiCredential,
      contactHubStoreTest: testContactHubStoreCredential,
    },
  };

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const request = this.getRequestObject();
    const response = this.getResponseObject();
    const rawBody = await readRawBody(this);

    let authError: JsonApiError | undefined;
    try {
      authError = checkRequest(readAuthSettings(await this.getCredentials('sohApi')), request.headers, rawBody);
    } catch (error) {
      this.logger.error('SOH Trigger cannot check requests: the SOH API credential is incomplete', { error: (error as Error).message });
      return sendErrors(response, 500, [jsonApiError(500, 'credential-invalid', 'Internal error', (error as Error).message)]);
    }
    if (authError) {
      this.logger.warn('SOH Trigger rejected a request that failed authentication', { code: authError.code });
      return sendErrors(response, 401, [authError]);
    }

    const responseMode = this.getNodeParameter('responseMode', 'immediately') as ResponseMode;
    const options = this.getNodeParameter('options', {}) as IDataObject;
    const routing = readRoutingSettings(
      this.getNodeParameter('formTypes', {}) as IDataObject,
      this.getNodeParameter('extraFormTypes', {}) as { formType?: [] },
      this.getNodeParameter('unknownFormTypes', 'manual') as string,
      options,
    );

    let store: ContactHubStore | undefined;
    const outcome = await receiveSubmission(
      async () => (store = await getStore(this)),
      rawBody,
      {
        source: 'standard-api',
        extraFormTypes: routing.extraFormTypes,
        limits: {
          ...(typeof options.maxBytes === 'number' ? { maxBytes: options.maxBytes } : {}),
          ...(typeof options.maxDepth === 'number' ? { maxDepth: options.maxDepth } : {}),
        },
      },
    );

    switch (outcome.kind) {
      case 'rejected':
        this.logger.info('SOH Trigger rejected an invalid submission', { status: outcome.status, code: outcome.errors[0]?.code });
        return sendErrors(response, outcome.status, outcome.errors);
      case 'store-unavailable': {
        const metadata = {
          submissionId: outcome.contact.submission.id,
          error: outcome.cause instanceof Error ? outcome.cause.message : String(outcome.cause),
        };
        this.logger.error(withIds('SOH Trigger could not store a submission and responded 503 so iHub retries', metadata), metadata);
        return sendErrors(response, 503, [outcome.error]);
      }
      case 'conflict': {
        const metadata = {
          submissionId: outcome.contact.submission.id,
          conflictCount: outcome.entry.conflictCount,
        };
        this.logger.warn(withIds('SOH Trigger received a submission id again with a different body and responded 409', metadata), metadata);
        return sendErrors(response, 409, [outcome.error]);
      }
      case 'duplicate': {
        const entry = outcome.entry;
        const metadata = {
          submissionId: entry.submissionId,
          reference: entry.reference ?? undefined,
          deliveryCount: entry.deliveryCount,
        };
        this.logger.info(withIds('SOH Trigger received a re-delivery and responded from the ledger without a new execution', metadata), metadata);
        response.setHeader(REPLAYED_RESPONSE_HEADER, 'true');
        const manualHandling = entry.state === 'manual-handling' && !entry.reference;
        send(response, entry.response ?? acceptanceReceipt(entry.submissionId, entry.receivedAt, entry.reference, { manualHandling }));
        return { noWebhookResponse: true };
      }
      case 'accepted':
        break;
    }

    const { contact } = outcome;
    const submissionId = contact.submission.id;
    const manualHandling = routeContact(contact, routing);
    const item: INodeExecutionData = { json: (manualHandling ? { ...contact, manualHandling } : contact) as unknown as IDataObject };

    try {
      if (manualHandling) {
        await store!.intake.markState(submissionId, 'manual-handling', { manualReason: manualHandling.reason });
      }
      if (responseMode === 'immediately' || manualHandling) {
        const receipt = acceptanceReceipt(submissionId, contact.receivedAt, null, { manualHandling: Boolean(manualHandling) });
        await store!.intake.setResponse(submissionId, receipt);
        send(response, receipt);
      }
    } catch (error) {
      // The submission is in the ledger, so iHub's retry is treated as a re-delivery and the
      // reconciler picks the entry up. No execution starts for it now.
      const metadata = { submissionId, error: (error as Error).message };
      this.logger.error(withIds('SOH Trigger stored a submission but could not record its routing, so it responded 503', metadata), metadata);
      return sendErrors(response, 503, [
        jsonApiError(503, 'store-unavailable', 'Service unavailable', `Submission ${submissionId} was stored but its response could not be recorded. Retry later.`),
      ]);
    }

    const metadata = {
      submissionId,
      formType: contact.formType,
      output: manualHandling ? 'manual-handling' : 'accepted',
      needsReview: contact.drift.needsReview,
    };
    const accepted = manualHandling ? 'SOH Trigger accepted a submission for manual handling' : 'SOH Trigger accepted a submission';
    this.logger.info(withIds(accepted, metadata), metadata);
    const workflowData = manualHandling ? [[], [item]] : [[item], []];
    if (responseMode === 'afterReference' && !manualHandling) return { workflowData };
    return { noWebhookResponse: true, workflowData };
  }
}
