/** Get Incident: reads the incident and its log entries into `chs.incident`. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { Incident } from '../../../core/chs/contract';
import { chsRequest, type ChsSettings } from '../transport';
import { existingChs, logContext, readSubmissionId, requireString } from './common';

export async function getIncident(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, settings: ChsSettings): Promise<IDataObject> {
  const submissionId = readSubmissionId(context, itemIndex);
  const incidentId = requireString(context, 'incidentId', 'Incident ID', itemIndex, 'Set Incident ID, or run Create Incident first so the item has chs.incidentId.');

  const result = await chsRequest<Incident>(context, settings, itemIndex, {
    method: 'GET',
    path: `/incidents/${encodeURIComponent(incidentId)}`,
    action: `get incident ${incidentId} for submission ${submissionId}`,
    logContext: logContext(submissionId, item, { incidentId }),
  });

  return {
    ...item.json,
    chs: { ...existingChs(item), incidentId: result.body.id, openingCode: result.body.openingCode, incident: result.body as unknown as IDataObject },
  };
}
