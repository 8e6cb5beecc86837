/**
 * Add to Occurrence: add description text, link an existing nominal (for example after a person
 * reviewed an unsure match), or create a nominal for a reviewed person and link it.
 */
import { createHash } from 'node:crypto';
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import type { NominalRole } from '../../../core/athena/contract';
import { toCreateNominalRequest } from '../../../core/athena/mapping';
import type { ContactPerson } from '../../../core/contact/types';
import { evaluatePerson, thresholdRole } from '../../../core/pole';
import { submissionIdProblem } from '../../../core/sdm/fields';
import { AthenaClient, athenaIdempotencyKey } from '../api';
import { readRetryOptions, type ItemResult } from '../common';
import { withIds } from '../../shared/logging';
import { getItemParameter } from '../../shared/parameters';

const show = { operation: ['addToOccurrence'] };
const ROLE_OPTIONS = [
  { name: 'Known Suspect', value: 'knownSuspect' },
  { name: 'Person Reporting', value: 'personReporting' },
  { name: 'Unknown Suspect', value: 'unknownSuspect' },
  { name: 'Victim', value: 'victim' },
  { name: 'Witness', value: 'witness' },
];

export const addToOccurrenceProperties: INodeProperties[] = [
  {
    displayName: 'Occurrence ID',
    name: 'occurrenceId',
    type: 'string',
    default: '={{ $json.athena?.occurrenceId ?? $json.review?.occurrenceId }}',
    required: true,
    description: 'Athena occurrence to add to. The default reads it from the Create Occurrence output or from a Person Review item.',
    displayOptions: { show },
  },
  {
    displayName: 'Submission ID',
    name: 'submissionId',
    type: 'string',
    default: '={{ $json.submission?.id }}',
    required: true,
    description: 'Submission stored as the external key of the new record and used for its idempotency key',
    displayOptions: { show },
  },
  {
    displayName: 'Add',
    name: 'addType',
    type: 'options',
    noDataExpression: true,
    options: [
      { name: 'Description Text', value: 'description', description: 'Add text to the occurrence' },
      { name: 'Link to Existing Nominal', value: 'linkNominal', description: 'Link a nominal that already exists in Athena, with roles' },
      { name: 'New Nominal for a Reviewed Person', value: 'createNominal', description: 'Create a nominal for a person a reviewer found to be new, and link it' },
    ],
    default: 'description',
    displayOptions: { show },
  },
  {
    displayName: 'Text',
    name: 'text',
    type: 'string',
    typeOptions: { rows: 4 },
    default: '',
    required: true,
    displayOptions: { show: { ...show, addType: ['description'] } },
  },
  {
    displayName: 'Nominal ID',
    name: 'nominalId',
    type: 'string',
    default: '={{ $json.review?.candidate?.id }}',
    required: true,
    description: 'Nominal to link. The default takes the candidate from a Person Review item.',
    displayOptions: { show: { ...show, addType: ['linkNominal'] } },
  },
  {
    displayName: 'Roles',
    name: 'roles',
    type: 'multiOptions',
    options: ROLE_OPTIONS,
    default: [],
    description: 'Roles of the nominal in the occurrence. Leave empty to use the roles of a Person Review item.',
    displayOptions: { show: { ...show, addType: ['linkNominal', 'createNominal'] } },
  },
  {
    displayName: 'Person Field',
    name: 'personField',
    type: 'string',
    default: 'review.person',
    description: 'Dot path to the person as submitted (a canonical contact person). Person Review items keep it in review.person.',
    displayOptions: { show: { ...show, addType: ['createNominal'] } },
  },
];

function requireText(context: IExecuteFunctions, itemIndex: number, name: string, label: string): string {
  const value = getItemParameter(context, name, itemIndex);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new NodeOperationError(context.getNode(), `${label} is missing for item ${itemIndex}`, { itemIndex, description: `Set ${label} or map it from an earlier node.` });
  }
  return value.trim();
}

/** Reads the Submission ID parameter by the intake's rule, because the idempotency keys are derived from it. */
function readSubmissionIdParameter(context: IExecuteFunctions, itemIndex: number): string {
  const value = getItemParameter(context, 'submissionId', itemIndex);
  const problem = submissionIdProblem(typeof value === 'number' ? String(value) : value);
  if (problem !== undefined) {
    throw new NodeOperationError(context.getNode(), `Submission ID for item ${itemIndex} ${problem}`, {
      itemIndex,
      description: 'Set Submission ID or map it from an earlier node; the default reads submission.id from the item.',
    });
  }
  return String(value).trim();
}

function readRoles(context: IExecuteFunctions, itemIndex: number, json: IDataObject): NominalRole[] {
  const chosen = context.getNodeParameter('roles', itemIndex, []) as NominalRole[];
  if (chosen.length > 0) return chosen;
  const fromItem = (json.review as IDataObject | undefined)?.roles;
  if (Array.isArray(fromItem) && fromItem.length > 0) return fromItem as NominalRole[];
  throw new NodeOperationError(context.getNode(), `Roles are missing for item ${itemIndex}`, {
    itemIndex,
    description: 'Choose at least one role, or use a Person Review item, which carries the roles.',
  });
}

export async function addToOccurrence(context: IExecuteFunctions, itemIndex: number, item: INodeExecutionData, baseUrl: string): Promise<ItemResult> {
  const occurrenceId = requireText(context, itemIndex, 'occurrenceId', 'Occurrence ID');
  const submissionId = readSubmissionIdParameter(context, itemIndex);
  const addType = context.getNodeParameter('addType', itemIndex) as 'description' | 'linkNominal' | 'createNominal';
  const reference = typeof item.json.reference === 'string' ? item.json.reference : undefined;
  const logContext = { submissionId, ...(reference ? { reference } : {}), occurrenceId };
  const client = new AthenaClient(context, { baseUrl, itemIndex, logContext, ...readRetryOptions(context, itemIndex) });
  const previous = (item.json.athena ?? {}) as IDataObject;

  if (addType === 'description') {
    const text = requireText(context, itemIndex, 'text', 'Text');
    const textHash = createHash('sha256').update(text).digest('hex');
    const result = await client.addDescription(
      occurrenceId,
      { kind: 'additional-information', text, externalKeys: { submissionId } },
      athenaIdempotencyKey('add-description-text', submissionId, occurrenceId, textHash),
    );
    const metadata = { ...logContext, descriptionId: result.body.id };
    context.logger.info(withIds('Athena Writer: description added to the occurrence', metadata), metadata);
    return { json: { ...item.json, athena: { ...previous, occurrenceId, added: { type: 'description', id: result.body.id, replayed: result.replayed } } } };
  }

  let nominalId: string;
  let personId: string | undefined;
  if (addType === 'linkNominal') {
    nominalId = requireText(context, itemIndex, 'nominalId', 'Nominal ID');
    const reviewPersonId = (item.json.review as IDataObject | undefined)?.personId;
    personId = typeof reviewPersonId === 'string' ? reviewPersonId : undefined;
  } else {
    const person = readPerson(context, itemIndex, item.json);
    personId = person.id;
    const evaluation = evaluatePerson(person, thresholdRole(person));
    if (!evaluation.eligible) {
      throw new NodeOperationError(context.getNode(), `Person ${person.id} does not meet the ${evaluation.rule} standard (missing ${evaluation.missing.join(', ')})`, {
        itemIndex,
        description: 'Add the description to the occurrence as text instead of creating a nominal.',
      });
    }
    const kind = evaluation.rule === 'unknown-suspect-4-of-7' ? 'unknown' : 'known';
    const created = await client.createNominal(toCreateNominalRequest(person, kind, { submissionId, sourceId: person.id }), athenaIdempotencyKey('create-nominal', submissionId, person.id));
    nominalId = created.body.id;
  }

  const roles = readRoles(context, itemIndex, item.json);
  // The key includes the nominal, so a reviewer who links one nominal and then another is not refused with 409.
  const keys = { submissionId, ...(personId ? { sourceId: personId } : {}) };
  const link = await client.linkNominal(occurrenceId, { nominalId, roles, externalKeys: keys }, athenaIdempotencyKey('add-nominal-link', submissionId, occurrenceId, nominalId, personId ?? ''));
  const metadata = { ...logContext, nominalId };
  context.logger.info(withIds('Athena Writer: nominal linked to the occurrence', metadata), metadata);
  return {
    json: { ...item.json, athena: { ...previous, occurrenceId, added: { type: addType, nominalId, linkId: link.body.id, roles, replayed: link.replayed } } },
  };
}

function readPerson(context: IExecuteFunctions, itemIndex: number, json: IDataObject): ContactPerson {
  const field = context.getNodeParameter('personField', itemIndex, 'review.person') as string;
  const person = field.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as IDataObject)[key] : undefined), json) as ContactPerson | undefined;
  if (!person || typeof person !== 'object' || typeof person.id !== 'string' || !Array.isArray(person.roles)) {
    throw new NodeOperationError(context.getNode(), `Item ${itemIndex} has no person in field "${field}"`, {
      itemIndex,
      description: 'Set Person Field to the path of a canonical contact person; Person Review items keep it in review.person.',
    });
  }
  return {
    ...person,
    emails: person.emails ?? [],
    phones: person.phones ?? [],
    description: person.description ?? {},
    policeIdentifiers: person.policeIdentifiers ?? {},
    attributes: person.attributes ?? {},
  };
}
