/**
 * Create Occurrence: find or create the occurrence for the submission, then apply the person
 * rules to every person (search, link, create, attach as text, or hold for review).
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';
import type { Nominal, NominalRole, Occurrence } from '../../../core/athena/contract';
import {
  externalKeysFor,
  splitDescription,
  toCreateNominalRequest,
  toCreateOccurrenceRequest,
  toNominalCandidate,
  toNominalSearchRequest,
} from '../../../core/athena/mapping';
import type { CanonicalContact, ContactPerson } from '../../../core/contact/types';
import {
  DEFAULT_LINK_THRESHOLD,
  DEFAULT_REVIEW_THRESHOLD,
  evaluatePerson,
  planPerson,
  thresholdRole,
  describePersonAsText,
  type MatchOptions,
  type NominalCandidate,
  type PersonDecision,
} from '../../../core/pole';
import { AthenaClient, athenaIdempotencyKey } from '../api';
import { readContact, readRetryOptions, type ItemResult } from '../common';
import { markLedgerState, type LedgerOutcome } from '../../shared/ledger';
import { withIds } from '../../shared/logging';

export const createOccurrenceProperties: INodeProperties[] = [
  {
    displayName: 'Force Reference Field',
    name: 'referenceField',
    type: 'string',
    default: 'reference',
    description: 'Item field holding the reference the force gave the person reporting. It is stored as an external key on every Athena record. Leave empty when no reference is allocated before this node.',
    displayOptions: { show: { operation: ['createOccurrence'] } },
  },
  {
    displayName: 'Update Intake Ledger',
    name: 'updateLedger',
    type: 'boolean',
    default: true,
    description: 'Whether to mark the submission written-to-athena in the Contact Hub Store when that credential is set',
    displayOptions: { show: { operation: ['createOccurrence'] } },
  },
  {
    displayName: 'Matching',
    name: 'matching',
    type: 'collection',
    placeholder: 'Add Matching Option',
    default: {},
    displayOptions: { show: { operation: ['createOccurrence'] } },
    options: [
      {
        displayName: 'Link Threshold',
        name: 'linkThreshold',
        type: 'number',
        default: DEFAULT_LINK_THRESHOLD,
        description: 'Score at or above which a person is linked to an existing nominal. A starting value, not a calibrated one: tune it on reviewed decisions.',
      },
      {
        displayName: 'Review Threshold',
        name: 'reviewThreshold',
        type: 'number',
        default: DEFAULT_REVIEW_THRESHOLD,
        description: 'Score at or above which, but below the link threshold, the match goes to the Person Review output and nothing is written for that person',
      },
    ],
  },
];

/** Output of the node for one item: the written item, and the review items for unsure matches. */
export interface CreateOccurrenceOutput extends ItemResult {
  review: INodeExecutionData[];
}

interface PersonOutcome {
  decision: PersonDecision;
  review?: IDataObject;
}

export async function createOccurrence(context: IExecuteFunctions, itemIndex: number, item: INodeExecutionData, baseUrl: string): Promise<CreateOccurrenceOutput> {
  const contact = readContact(context, itemIndex, item);
  const submissionId = contact.submission.id;
  const referenceField = context.getNodeParameter('referenceField', itemIndex, 'reference') as string;
  const reference = referenceField ? readReference(context, itemIndex, item.json, referenceField) : undefined;
  const logContext = { submissionId, ...(reference ? { reference } : {}) };
  const client = new AthenaClient(context, { baseUrl, itemIndex, logContext, ...readRetryOptions(context, itemIndex) });
  const matching = context.getNodeParameter('matching', itemIndex, {}) as { linkThreshold?: number; reviewThreshold?: number };
  const matchOptions: MatchOptions = {
    linkThreshold: matching.linkThreshold ?? DEFAULT_LINK_THRESHOLD,
    reviewThreshold: matching.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD,
  };
  if (matchOptions.reviewThreshold! > matchOptions.linkThreshold!) {
    throw new NodeOperationError(context.getNode(), `Review Threshold ${matchOptions.reviewThreshold} is above Link Threshold ${matchOptions.linkThreshold}`, {
      itemIndex,
      description: 'Set the review threshold lower than or equal to the link threshold.',
    });
  }

  const { occurrence, replayed } = await findOrCreateOccurrence(client, contact, reference);
  const occurrenceMetadata = { ...logContext, occurrenceId: occurrence.id };
  context.logger.info(withIds(`Athena Writer: occurrence ${replayed ? 'already existed' : 'created'}`, occurrenceMetadata), occurrenceMetadata);

  const continuationIds = await addDescriptionContinuations(client, contact, occurrence);

  const outcomes: PersonOutcome[] = [];
  for (const person of contact.people) {
    outcomes.push(await handlePerson(client, contact, person, occurrence, reference, matchOptions));
  }
  const decisions = outcomes.map((outcome) => outcome.decision);
  const reviewCount = outcomes.filter((outcome) => outcome.review).length;
  const updateLedger = context.getNodeParameter('updateLedger', itemIndex, true) as boolean;
  let ledger: LedgerOutcome = 'disabled';
  if (updateLedger) {
    try {
      ledger = await markLedgerState(context, submissionId, 'written-to-athena', { athenaOccurrenceId: occurrence.id });
    } catch (error) {
      // The occurrence exists, so the item succeeds. The reconciler re-drives the entry, and the
      // replayed create then updates the ledger.
      ledger = 'failed';
      const ledgerMetadata = { ...logContext, occurrenceId: occurrence.id, error: (error as Error).message };
      context.logger.error(withIds('Athena Writer: occurrence written but the intake ledger update failed', ledgerMetadata), ledgerMetadata);
    }
  }
  const decisionsMetadata = {
    ...logContext,
    occurrenceId: occurrence.id,
    actions: decisions.map((decision) => decision.action).join(','),
    ledger,
  };
  context.logger.info(withIds(`Athena Writer: ${decisions.length} person decisions for the occurrence`, decisionsMetadata), decisionsMetadata);

  const json: IDataObject = {
    ...item.json,
    athena: {
      occurrenceId: occurrence.id,
      occurrenceNumber: occurrence.occurrenceNumber,
      replayed,
      personDecisions: decisions as unknown as IDataObject[],
      reviewCount,
      ...(continuationIds.length > 0 ? { descriptionContinuationIds: continuationIds } : {}),
    },
  };
  // A review item is the whole contact plus `review`, so a reviewer and the review queue see the
  // submission, the person as submitted and the candidate nominal side by side.
  const review = outcomes
    .filter((outcome) => outcome.review)
    .map((outcome) => ({ json: { ...json, review: outcome.review! }, pairedItem: { item: itemIndex } }));
  return { json, review };
}

function readReference(context: IExecuteFunctions, itemIndex: number, json: IDataObject, field: string): string | undefined {
  const value = json[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new NodeOperationError(context.getNode(), `Field "${field}" must be a text reference, got ${typeof value}`, {
      itemIndex,
      description: 'Set Force Reference Field to the field the Reference Allocator writes, or leave it empty.',
    });
  }
  return value;
}

/**
 * Adds the rest of an incident description that did not fit the occurrence. Each part has its own
 * idempotency key, so a re-run replays the parts already added instead of adding them again.
 */
async function addDescriptionContinuations(client: AthenaClient, contact: CanonicalContact, occurrence: Occurrence): Promise<string[]> {
  const { continuations } = splitDescription(contact.incident.description ?? '');
  const ids: string[] = [];
  for (const [index, text] of continuations.entries()) {
    const result = await client.addDescription(
      occurrence.id,
      { kind: 'additional-information', text, externalKeys: externalKeysFor(contact) },
      athenaIdempotencyKey('add-description-continuation', contact.submission.id, occurrence.id, String(index + 1)),
    );
    ids.push(result.body.id);
  }
  return ids;
}

async function findOrCreateOccurrence(client: AthenaClient, contact: CanonicalContact, reference: string | undefined): Promise<{ occurrence: Occurrence; replayed: boolean }> {
  const existing = await client.findOccurrences(contact.submission.id);
  if (existing.length > 0) return { occurrence: existing[0], replayed: true };

  const result = await client.createOccurrence(toCreateOccurrenceRequest(contact, reference), athenaIdempotencyKey('create-occurrence', contact.submission.id));
  return { occurrence: result.body, replayed: result.replayed };
}

/** True when the nominal was created for this very person of this submission, e.g. by an earlier run. */
function createdForPerson(nominal: Nominal, submissionId: string, personId: string): boolean {
  return nominal.externalKeys[0]?.submissionId === submissionId && nominal.externalKeys[0]?.sourceId === personId;
}

async function handlePerson(
  client: AthenaClient,
  contact: CanonicalContact,
  person: ContactPerson,
  occurrence: Occurrence,
  reference: string | undefined,
  matchOptions: MatchOptions,
): Promise<PersonOutcome> {
  const submissionId = contact.submission.id;
  const keys = externalKeysFor(contact, reference, person.id);
  const roles: NominalRole[] = person.roles;

  let candidates: Nominal[] = [];
  let ownNominal: Nominal | undefined;
  const evaluation = evaluatePerson(person, thresholdRole(person));
  if (evaluation.eligible && evaluation.rule === '4+1') {
    const search = toNominalSearchRequest(person);
    if (search) {
      const result = await client.searchNominals(search, athenaIdempotencyKey('search-nominals', submissionId, person.id), person.id);
      const found = result.candidates.map((candidate) => candidate.nominal);
      ownNominal = found.find((nominal) => createdForPerson(nominal, submissionId, person.id));
      candidates = found.filter((nominal) => nominal !== ownNominal);
    }
  }
  const byId = new Map(candidates.map((nominal) => [nominal.id, nominal]));
  const candidateList: NominalCandidate[] = candidates.map(toNominalCandidate);
  const decision = planPerson(person, { candidatesFor: () => candidateList, match: matchOptions });

  if (decision.action === 'attach-as-text') {
    const text = describePersonAsText(person);
    const added = await client.addDescription(occurrence.id, { kind: 'person-below-threshold', text, externalKeys: keys }, athenaIdempotencyKey('add-description', submissionId, person.id));
    return { decision: { ...decision, descriptionId: added.body.id } };
  }

  if (decision.action === 'review') {
    const candidate = decision.nominalId ? byId.get(decision.nominalId) : undefined;
    return {
      decision,
      review: {
        occurrenceId: occurrence.id,
        personId: person.id,
        roles,
        person: person as unknown as IDataObject,
        candidate: (candidate ?? null) as unknown as IDataObject,
        candidateNominalId: decision.nominalId ?? null,
        score: decision.match?.score ?? null,
        reasons: decision.match?.reasons ?? [],
        reason: decision.explanation,
      },
    };
  }

  let nominalId = decision.nominalId;
  let result = decision;
  if (decision.action === 'create') {
    if (ownNominal) {
      nominalId = ownNominal.id;
    } else {
      const kind = evaluation.rule === 'unknown-suspect-4-of-7' ? 'unknown' : 'known';
      const created = await client.createNominal(toCreateNominalRequest(person, kind, keys), athenaIdempotencyKey('create-nominal', submissionId, person.id));
      nominalId = created.body.id;
    }
    result = { ...decision, nominalId };
  }

  await client.linkNominal(occurrence.id, { nominalId: nominalId!, roles, externalKeys: keys }, athenaIdempotencyKey('link-nominal', submissionId, person.id));
  return { decision: result };
}
