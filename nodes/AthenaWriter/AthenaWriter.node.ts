import { NodeConnectionTypes, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import type { ManualHandling } from '../../core/contact/types';
import { processItems } from '../shared/items';
import { markManualHandlingForFailures } from '../shared/ledger';
import { withIds } from '../shared/logging';
import { retryInfoFromError } from '../shared/http';
import { testContactHubStoreCredential } from '../shared/store';
import { addToOccurrence } from './actions/addToOccurrence';
import { createOccurrence } from './actions/createOccurrence';
import { getOccurrence } from './actions/getOccurrence';
import { athenaWriterProperties } from './description';

type Operation = 'createOccurrence' | 'addToOccurrence' | 'getOccurrence';

export class AthenaWriter implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Athena Writer',
    name: 'athenaWriter',
    icon: { light: 'file:athenaWriter.svg', dark: 'file:athenaWriter.dark.svg' },
    group: ['output'],
    version: 1,
    subtitle: '={{ { createOccurrence: "Create occurrence", addToOccurrence: "Add to occurrence", getOccurrence: "Get occurrence" }[$parameter["operation"]] }}',
    description:
      'Writes a contact into Athena as an occurrence and its people, following the Minimum POLE Data Standards',
    defaults: { name: 'Athena Writer' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    outputNames: ['Written', 'Person Review'],
    credentials: [
      { name: 'athenaApi', required: true },
      { name: 'contactHubStoreApi', required: false, testedBy: 'contactHubStoreTest' },
    ],
    properties: athenaWriterProperties,
  };

  methods = {
    credentialTest: { contactHubStoreTest: testContactHubStoreCredential },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const credentials = await this.getCredentials('athenaApi');
    const baseUrl = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
    if (!/^https?:\/\//.test(baseUrl)) {
      throw new NodeOperationError(this.getNode(), `Athena API credential has an invalid Base URL "${baseUrl}"`, {
        description: 'Set Base URL to an http:// or https:// address, e.g. http://127.0.0.1:5682 for the simulator.',
      });
    }

    const review: INodeExecutionData[] = [];
    const written = await processItems(
      this,
      async (item, itemIndex) => {
        const operation = this.getNodeParameter('operation', itemIndex) as Operation;
        if (operation === 'createOccurrence') {
          const result = await createOccurrence(this, itemIndex, item, baseUrl);
          review.push(...result.review);
          return result.json;
        }
        if (operation === 'addToOccurrence') return (await addToOccurrence(this, itemIndex, item, baseUrl)).json;
        if (operation === 'getOccurrence') return (await getOccurrence(this, itemIndex, item, baseUrl)).json;
        throw new NodeOperationError(this.getNode(), `Unknown operation "${String(operation)}"`, { itemIndex });
      },
      {
        describeFailure: (error, item, itemIndex) => {
          const info = error instanceof NodeOperationError ? { retryable: false } : retryInfoFromError(error);
          const submission = item.json.submission as { id?: unknown } | undefined;
          const submissionId = typeof submission?.id === 'string' ? submission.id : null;
          const reference = typeof item.json.reference === 'string' ? item.json.reference : undefined;
          const metadata = { submissionId, reference, itemIndex, retryable: info.retryable, error: (error as Error).message };
          this.logger.warn(withIds('Athena Writer: item failed; continuing because continue-on-fail is on', metadata), metadata);
          return {
            submissionId,
            operation: this.getNodeParameter('operation', itemIndex, '') as string,
            retryable: info.retryable,
            ...(info.attempts !== undefined ? { attempts: info.attempts } : {}),
          };
        },
        failureFields: (_error, _item, details) => {
          if (details.retryable !== false) return {};
          const manualHandling: ManualHandling = {
            code: 'athena-write-failed',
            reason: `The Athena Writer failed on submission ${String(details.submissionId ?? 'unknown')}, and a retry will not help: ${String(details.message)}. Enter it in Athena by hand, or correct the data and run the item again.`,
            at: new Date().toISOString(),
          };
          return { manualHandling: manualHandling as unknown as IDataObject };
        },
      },
    );
    await markManualHandlingForFailures(this, written, 'Athena Writer');
    return [written, review];
  }
}
