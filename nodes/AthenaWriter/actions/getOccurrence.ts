/** Get Occurrence: read an occurrence with its locations, objects, nominal links and descriptions. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import { AthenaClient } from '../api';
import { readRetryOptions, type ItemResult } from '../common';
import { getItemParameter } from '../../shared/parameters';

export const getOccurrenceProperties: INodeProperties[] = [
  {
    displayName: 'Occurrence ID',
    name: 'occurrenceId',
    type: 'string',
    default: '={{ $json.athena?.occurrenceId }}',
    required: true,
    displayOptions: { show: { operation: ['getOccurrence'] } },
  },
];

export async function getOccurrence(context: IExecuteFunctions, itemIndex: number, _item: INodeExecutionData, baseUrl: string): Promise<ItemResult> {
  const occurrenceId = getItemParameter(context, 'occurrenceId', itemIndex);
  if (typeof occurrenceId !== 'string' || occurrenceId.trim() === '') {
    throw new NodeOperationError(context.getNode(), `Occurrence ID is missing for item ${itemIndex}`, { itemIndex, description: 'Set Occurrence ID or map it from an earlier node.' });
  }
  const client = new AthenaClient(context, { baseUrl, itemIndex, logContext: { occurrenceId }, ...readRetryOptions(context, itemIndex) });
  const occurrence = await client.getOccurrence(occurrenceId.trim());
  return { json: occurrence as unknown as IDataObject };
}
