/**
 * Add Log Entry: adds a line to the incident log. The idempotency key includes a digest of the
 * entry, so the same text, category and author on the same incident is written once however
 * often the item is re-run.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { LogEntryRequestSchema, type LogEntry, type LogEntryRequest } from '../../../core/chs/contract';
import { deriveIdempotencyKey } from '../../shared/http';
import { withIds } from '../../shared/logging';
import { chsRequest, type ChsSettings } from '../transport';
import { bodyDigest, existingChs, logContext, optionalString, readSubmissionId, requireString } from './common';

export async function addLogEntry(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, settings: ChsSettings): Promise<IDataObject> {
  const submissionId = readSubmissionId(context, itemIndex);
  const incidentId = requireString(context, 'incidentId', 'Incident ID', itemIndex, 'Set Incident ID, or run Create Incident first so the item has chs.incidentId.');
  const text = requireString(context, 'logText', 'Log entry text', itemIndex, 'Set Text to the line to add to the incident log.');
  const author = optionalString(context, 'logAuthor', itemIndex);
  const request: LogEntryRequest = {
    text,
    category: context.getNodeParameter('logCategory', itemIndex, 'note') as LogEntryRequest['category'],
    ...(author ? { author } : {}),
  };

  const parsed = LogEntryRequestSchema.safeParse(request);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new NodeOperationError(context.getNode(), `Invalid log entry for incident ${incidentId} (submission ${submissionId}): ${problems}`, { itemIndex });
  }

  const result = await chsRequest<LogEntry>(context, settings, itemIndex, {
    method: 'POST',
    path: `/incidents/${encodeURIComponent(incidentId)}/log-entries`,
    body: parsed.data as unknown as IDataObject,
    idempotencyKey: deriveIdempotencyKey('chs', 'add-log-entry', submissionId, incidentId, bodyDigest(parsed.data)),
    action: `add a log entry to incident ${incidentId} for submission ${submissionId}`,
    logContext: logContext(submissionId, item, { incidentId }),
  });

  const metadata = logContext(submissionId, item, { incidentId, logEntryId: result.body.id, replayed: result.replayed });
  context.logger.info(withIds('CHS Writer: log entry added', metadata), metadata);
  return {
    ...item.json,
    chs: { ...existingChs(item), incidentId, lastLogEntryId: result.body.id, replayed: result.replayed },
  };
}
