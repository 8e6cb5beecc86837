import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { processItems } from '../shared/items';
import { retryInfoFromError } from '../shared/http';
import { addToOccurrence } from './actions/addToOccurrence';
import { createOccurrence } from './actions/createOccurrence';
import { getOccurrence } from './actions/getOccurrence';
import { athenaWriterDescription } from './description';

type Operation = 'createOccurrence' | 'addToOccurrence' | 'getOccurrence';

export class AthenaWriter implements INodeType {
  description: INodeTypeDescription = athenaWriterDescription;

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
        describeFailure: (error, item) => {
          const submission = item.json.submission as { id?: unknown } | undefined;
          return {
            ...(typeof submission?.id === 'string' ? { submissionId: submission.id } : {}),
            retryable: retryInfoFromError(error).retryable,
          };
        },
      },
    );
    return [written, review];
  }
}
