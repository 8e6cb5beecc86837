/** Append Event: records one audit event per item and adds `audit: { eventId, sequence, hash }` to it. */
import { NodeOperationError, jsonParse, type INodeProperties } from 'n8n-workflow';
import type { AuditAction, AuditEventInput, AuditOutcome, AuditStep } from '../../../core/audit';
import { submissionIdProblem } from '../../../core/sdm/fields';
import { optionalString, passThrough, readActor, readPath, splitFieldList, trimmedText, type OperationExecutor } from './context';
import { withIds } from '../../shared/logging';
import { getItemParameter } from '../../shared/parameters';

const show = { show: { operation: ['appendEvent'] } };


const numberAsText = (value: unknown): unknown => (typeof value === 'number' ? String(value) : value);
export const appendEventProperties: INodeProperties[] = [
  {
    displayName: 'Processing Step',
    name: 'step',
    type: 'options',
    // Values are AUDIT_STEPS; the test of this node checks that the two lists match.
    options: [
      { name: 'Erasure', value: 'erasure', description: 'Logged as erasure by default' },
      { name: 'Manual Handling', value: 'manual-handling', description: 'Routed to manual handling; logged as alteration by default' },
      { name: 'Operator Decision', value: 'operator-decision', description: 'Logged as alteration by default' },
      { name: 'Other', value: 'other', description: 'Choose the action' },
      { name: 'Person Decision', value: 'person-decision', description: 'Match or create decision for a person; logged as combination by default' },
      { name: 'Received', value: 'received', description: 'Logged as collection by default' },
      { name: 'Reference Allocated', value: 'reference-allocated', description: 'Logged as alteration by default' },
      { name: 'Retention Sweep', value: 'retention-sweep', description: 'Logged as erasure by default' },
      { name: 'Validated', value: 'validated', description: 'Logged as consultation by default' },
      { name: 'Written to Athena', value: 'written-to-athena', description: 'Logged as disclosure to Athena by default' },
      { name: 'Written to CHS', value: 'written-to-chs', description: 'Logged as disclosure to CHS by default' },
    ],
    default: 'received',
    displayOptions: show,
  },
  {
    displayName: 'Action',
    name: 'auditAction',
    type: 'options',
    options: [
      { name: 'Alteration', value: 'alteration' },
      { name: 'Collection', value: 'collection' },
      { name: 'Combination', value: 'combination' },
      { name: 'Consultation', value: 'consultation' },
      { name: 'Derived From Step', value: '', description: 'Use the usual action for the processing step' },
      { name: 'Disclosure', value: 'disclosure' },
      { name: 'Erasure', value: 'erasure' },
    ],
    default: '',
    description: 'The kind of processing that section 62 of the Data Protection Act 2018 requires to be logged',
    displayOptions: show,
  },
  {
    displayName: 'Outcome',
    name: 'outcome',
    type: 'options',
    options: [
      { name: 'Failure', value: 'failure' },
      { name: 'Partial', value: 'partial' },
      { name: 'Rejected', value: 'rejected' },
      { name: 'Success', value: 'success' },
    ],
    default: 'success',
    displayOptions: show,
  },
  {
    displayName: 'Submission ID',
    name: 'submissionId',
    type: 'string',
    default: '={{ $json.submission?.id }}',
    displayOptions: show,
  },
  {
    displayName: 'Reference',
    name: 'reference',
    type: 'string',
    default: '={{ $json.reference }}',
    description: 'The force reference, when one has been allocated',
    displayOptions: show,
  },
  {
    displayName: 'Target System',
    name: 'targetSystem',
    type: 'string',
    default: '',
    placeholder: 'CHS',
    description: 'The system written to or read from',
    displayOptions: show,
  },
  {
    displayName: 'Target Record ID',
    name: 'targetRecordId',
    type: 'string',
    default: '',
    placeholder: '={{ $json.chs.incidentId }}',
    description: 'The record ID in the target system',
    displayOptions: show,
  },
  {
    displayName: 'Recipient',
    name: 'recipient',
    type: 'string',
    default: '',
    description: 'Who received the data; required for a disclosure. Written to CHS and Written to Athena fill this in when empty.',
    displayOptions: show,
  },
  {
    displayName: 'Justification',
    name: 'justification',
    type: 'string',
    default: '',
    description: 'Why the processing was done (optional)',
    displayOptions: show,
  },
  {
    displayName: 'Fields to Digest',
    name: 'fieldsToDigest',
    type: 'string',
    default: '',
    placeholder: 'submission.people.0.phones, submission.people.0.emails',
    description:
      'Comma-separated item field paths whose values are stored only as keyed digests, so the log can show which data was involved without holding it',
    displayOptions: show,
  },
  {
    displayName: 'Fields Kept as Content',
    name: 'fieldsAsContent',
    type: 'string',
    default: '',
    placeholder: 'submission.people.0.familyName',
    description: 'Comma-separated item field paths stored beside the event as content, which erasure and the retention sweep can remove later',
    displayOptions: show,
  },
  {
    displayName: 'Details (JSON)',
    name: 'details',
    type: 'json',
    default: '{}',
    description: 'Metadata without personal data, such as codes or counts, stored in the hashed event',
    displayOptions: show,
  },
];

export const executeAppendEvent: OperationExecutor = async (ctx, audit, item, itemIndex) => {
  const actor = readActor(ctx, itemIndex);
  const detailsParameter = ctx.getNodeParameter('details', itemIndex, '{}') as unknown;
  const details = typeof detailsParameter === 'string' ? jsonParse<Record<string, unknown>>(detailsParameter || '{}', {
    errorMessage: 'Details (JSON) is not valid JSON; enter an object such as {"code": "OCR"}.',
  }) : (detailsParameter as Record<string, unknown>);
  if (details === null || typeof details !== 'object' || Array.isArray(details)) {
    throw new NodeOperationError(ctx.getNode(), 'Details (JSON) must be a JSON object such as {"code": "OCR"}.', { itemIndex });
  }

  const missingFields: string[] = [];
  const collect = (parameter: string) => {
    const values: Record<string, unknown> = {};
    for (const path of splitFieldList(ctx.getNodeParameter(parameter, itemIndex, '') as string)) {
      const value = readPath(item.json, path);
      if (value === undefined) missingFields.push(path);
      else values[path] = value;
    }
    return values;
  };
  const digestValues = collect('fieldsToDigest');
  const content = collect('fieldsAsContent');
  // Field names only, never values: the details are hashed and kept for the life of the log.
  const recordedDetails = missingFields.length > 0 ? { ...details, missingFields } : details;

  // Read once: an unresolved expression would otherwise be evaluated twice per item.
  const submissionIdValue = getItemParameter(ctx, 'submissionId', itemIndex, '');
  const submissionId = trimmedText(submissionIdValue);
  const submissionIdError = submissionId === undefined ? undefined : submissionIdProblem(numberAsText(submissionIdValue));
  if (submissionIdError !== undefined) {
    throw new NodeOperationError(ctx.getNode(), `Submission ID on item ${itemIndex} ${submissionIdError}`, {
      itemIndex,
      description: 'Map Submission ID to the text id of the submission (submission.id of a contact item), or leave it empty for an event about no submission.',
    });
  }
  const reference = optionalString(ctx, 'reference', itemIndex);
  const [event] = await audit.log.append([
    {
      step: ctx.getNodeParameter('step', itemIndex) as AuditStep,
      action: (optionalString(ctx, 'auditAction', itemIndex) as AuditAction | undefined) ?? undefined,
      actor,
      submissionId,
      reference,
      targetSystem: optionalString(ctx, 'targetSystem', itemIndex),
      targetRecordId: optionalString(ctx, 'targetRecordId', itemIndex),
      recipient: optionalString(ctx, 'recipient', itemIndex),
      outcome: ctx.getNodeParameter('outcome', itemIndex) as AuditOutcome,
      justification: optionalString(ctx, 'justification', itemIndex),
      details: recordedDetails as AuditEventInput['details'],
      digestValues: digestValues as AuditEventInput['details'],
      content: Object.keys(content).length > 0 ? (content as AuditEventInput['details']) : undefined,
    },
  ]);

  const metadata = {
    submissionId,
    reference,
    eventId: event.eventId,
    sequence: event.sequence,
    step: event.step,
    action: event.action,
  };
  ctx.logger.info(withIds('Audit event appended', metadata), metadata);
  return [passThrough(item, itemIndex, { audit: { eventId: event.eventId, sequence: event.sequence, hash: event.hash } })];
};
