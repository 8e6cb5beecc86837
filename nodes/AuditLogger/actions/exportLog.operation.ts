/** Export: writes the audit log as a JSON Lines or CSV file in a binary property, and logs the export. */
import type { INodeProperties } from 'n8n-workflow';
import { withIds } from '../../shared/logging';
import { optionalString, readActor, type OperationExecutor } from './context';

const show = { show: { operation: ['export'] } };

export const exportProperties: INodeProperties[] = [
  {
    displayName: 'Format',
    name: 'format',
    type: 'options',
    options: [
      { name: 'JSON Lines', value: 'jsonl', description: 'One event per line, byte for byte as hashed' },
      { name: 'CSV', value: 'csv', description: 'One event per row, with a header row' },
    ],
    default: 'jsonl',
    displayOptions: show,
  },
  {
    displayName: 'From',
    name: 'from',
    type: 'dateTime',
    default: '',
    description: 'Earliest event time to include; leave empty for the start of the log. A time without an offset is read in the n8n server\'s time zone.',
    displayOptions: show,
  },
  {
    displayName: 'To',
    name: 'to',
    type: 'dateTime',
    default: '',
    description: 'Events at or after this time are left out; leave empty for the end of the log. A time without an offset is read in the n8n server\'s time zone.',
    displayOptions: show,
  },
  {
    displayName: 'Submission ID',
    name: 'exportSubmissionId',
    type: 'string',
    default: '',
    description: 'Export only this submission; leave empty for all',
    displayOptions: show,
  },
  {
    displayName: 'Recipient',
    name: 'exportRecipient',
    type: 'string',
    default: '',
    placeholder: 'ICO',
    description: 'Who the export is for. When set, the export is logged as a disclosure to them; otherwise as a consultation.',
    displayOptions: show,
  },
  {
    displayName: 'Put Output File in Field',
    name: 'binaryPropertyName',
    type: 'string',
    default: 'data',
    displayOptions: show,
  },
];

export const executeExport: OperationExecutor = async (ctx, audit, _item, itemIndex) => {
  const actor = readActor(ctx, itemIndex);
  const format = ctx.getNodeParameter('format', itemIndex) as 'jsonl' | 'csv';
  const from = optionalString(ctx, 'from', itemIndex);
  const to = optionalString(ctx, 'to', itemIndex);
  const submissionId = optionalString(ctx, 'exportSubmissionId', itemIndex);
  const recipient = optionalString(ctx, 'exportRecipient', itemIndex);
  const binaryPropertyName = optionalString(ctx, 'binaryPropertyName', itemIndex) ?? 'data';

  const exported = await audit.log.export({ format, from, to, submissionId });
  const eventCount = exported.eventCount;

  const [logged] = await audit.log.append([
    {
      step: 'other',
      action: recipient ? 'disclosure' : 'consultation',
      actor,
      recipient,
      submissionId,
      targetSystem: 'contact-hub-audit-log',
      outcome: 'success',
      details: { operation: 'export', format, from: from ?? null, to: to ?? null, eventsExported: eventCount },
    },
  ]);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const fileName = `contact-hub-audit-${stamp}.${exported.fileExtension}`;
  const binary = await ctx.helpers.prepareBinaryData(Buffer.from(exported.content, 'utf8'), fileName, exported.mimeType);
  const metadata = { format, events: eventCount, submissionId, exportEventId: logged.eventId };
  ctx.logger.info(withIds(`Audit log exported and recorded as audit event ${logged.eventId}`, metadata), metadata);

  return [
    {
      json: { format, fileName, eventsExported: eventCount, exportEventId: logged.eventId },
      binary: { [binaryPropertyName]: binary },
      pairedItem: { item: itemIndex },
    },
  ];
};
