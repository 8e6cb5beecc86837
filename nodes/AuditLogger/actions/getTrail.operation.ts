/** Get Trail: returns the events of one submission or reference in order, and logs the consultation. */
import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { withIds } from '../../shared/logging';
import { optionalString, readActor, type OperationExecutor } from './context';

const show = { show: { operation: ['getTrail'] } };

export const getTrailProperties: INodeProperties[] = [
  {
    displayName: 'Find By',
    name: 'trailBy',
    type: 'options',
    options: [
      { name: 'Submission ID', value: 'submissionId' },
      { name: 'Reference', value: 'reference' },
    ],
    default: 'submissionId',
    displayOptions: show,
  },
  {
    displayName: 'Submission ID',
    name: 'trailSubmissionId',
    type: 'string',
    default: '={{ $json.submission?.id }}',
    displayOptions: { show: { operation: ['getTrail'], trailBy: ['submissionId'] } },
  },
  {
    displayName: 'Reference',
    name: 'trailReference',
    type: 'string',
    default: '={{ $json.reference }}',
    displayOptions: { show: { operation: ['getTrail'], trailBy: ['reference'] } },
  },
  {
    displayName: 'Include Content',
    name: 'includeContent',
    type: 'boolean',
    default: false,
    description: 'Whether to return the personal data kept as content, where it has not been erased',
    displayOptions: show,
  },
  {
    displayName: 'Justification',
    name: 'trailJustification',
    type: 'string',
    default: '',
    description: 'Why the trail is being read; stored in the consultation event',
    displayOptions: show,
  },
];

export const executeGetTrail: OperationExecutor = async (ctx, audit, _item, itemIndex) => {
  const actor = readActor(ctx, itemIndex);
  const by = ctx.getNodeParameter('trailBy', itemIndex) as 'submissionId' | 'reference';
  const value = optionalString(ctx, by === 'submissionId' ? 'trailSubmissionId' : 'trailReference', itemIndex);
  if (!value) {
    const label = by === 'submissionId' ? 'Submission ID' : 'Reference';
    throw new NodeOperationError(ctx.getNode(), `${label} is empty; enter the ${label.toLowerCase()} whose audit trail you need.`, { itemIndex });
  }
  const includeContent = ctx.getNodeParameter('includeContent', itemIndex, false) as boolean;

  const trail = await audit.log.trail(by === 'submissionId' ? { submissionId: value } : { reference: value }, { includeContent });

  // Reading a trail is a consultation, which section 62 requires to be logged with who read it.
  const [consultation] = await audit.log.append([
    {
      step: 'other',
      action: 'consultation',
      actor,
      submissionId: by === 'submissionId' ? value : undefined,
      reference: by === 'reference' ? value : undefined,
      targetSystem: 'contact-hub-audit-log',
      outcome: 'success',
      justification: optionalString(ctx, 'trailJustification', itemIndex),
      details: { operation: 'get-trail', eventsReturned: trail.length, includeContent },
    },
  ]);
  const metadata = { [by]: value, events: trail.length, consultationEventId: consultation.eventId };
  ctx.logger.info(withIds(`Audit trail read and recorded as audit event ${consultation.eventId}`, metadata), metadata);

  return trail.map((entry) => ({
    json: { ...entry.event, ...(entry.content ? { content: entry.content } : {}), consultationEventId: consultation.eventId },
    pairedItem: { item: itemIndex },
  }));
};
