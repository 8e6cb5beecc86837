/** Normalising a validated SDM JSON:API document into the parts of a canonical contact item. */
import type {
  ContactAttachment,
  ContactIncident,
  ContactLocation,
  ContactObject,
  ContactPerson,
  ContactSubmission,
  LocationKind,
  PersonRole,
} from '../contact/types';
import { isKnownEntityType } from './drift';
import { jsonApiError, toJsonPointer, type JsonApiError } from './errors';
import {
  checkSubmissionId,
  readAddress,
  readBoolean,
  readDate,
  readIncidentFacts,
  readLabel,
  readNameParts,
  readNumber,
  readText,
  readTime,
  type FieldContext,
  type Path,
} from './fields';
import {
  INCIDENT_RELATIONSHIPS,
  JSON_API_TOP_LEVEL,
  RESOURCE_RELATIONSHIPS,
  relationshipTargets,
  type SdmDocument,
  type SdmResource,
} from './sdmSchema';
import { summariseObject } from './summaries';

export interface NormalisedParts {
  submission: ContactSubmission;
  incident: ContactIncident;
  people: ContactPerson[];
  objects: ContactObject[];
  locations: ContactLocation[];
  attachments: ContactAttachment[];
}

interface Entry {
  resource: SdmResource;
  path: Path;
  /** Attributes with renamed names mapped to the names we read. */
  view: Record<string, unknown>;
}

const PERSON_ROLES: PersonRole[] = ['victim', 'witness', 'personReporting', 'knownSuspect', 'unknownSuspect'];
const PERSON_TYPES = new Set(['person', 'business']);
const LOCATION_TYPES = new Set(['location', 'stolenFromLocation']);
const PHONE_LINKS = ['personalTelephone', 'businessTelephone'];
const EMAIL_LINKS = ['personalEmail', 'businessEmail'];
const ADDRESS_LINKS = ['currentAddress', 'businessAddress', 'permanentAddress'];
/** At most this many errors go back in one response; more would only hide the first. */
const MAX_ERRORS = 20;

/** Normalises an SDM document, or returns 422 errors when it is structurally broken. */
export function normaliseSdm(
  document: SdmDocument,
  ctx: FieldContext,
): { ok: true; parts: NormalisedParts } | { ok: false; errors: JsonApiError[] } {
  const indexed = indexResources(document, ctx);
  if (!indexed.ok) return indexed;
  const { entries, errors } = indexed;

  checkRelationships(entries, errors, ctx);
  const submissionEntry = findSubmission(document, entries, errors);
  checkSingleIncidentAndSubmission(document, entries, submissionEntry, errors);
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_ERRORS) };

  const submission = readSubmission(submissionEntry!, ctx, errors);
  if (!submission) return { ok: false, errors };

  for (const name of Object.keys(document)) {
    if (!JSON_API_TOP_LEVEL.has(name)) {
      ctx.drift.add('unknown-attribute', [name], `"${name}" is not a JSON:API top-level member; it is kept as received.`);
    }
  }

  const incidentEntry = entries.get(document.data.id)!;
  const consumed = new Set<string>([document.data.id, submissionEntry!.resource.id]);
  const people = readPeople(incidentEntry, entries, consumed, ctx);
  const locations = readLocations(incidentEntry, entries, consumed, ctx);
  const attachments = readAttachments(entries, consumed, ctx);
  const incident = readIncident(incidentEntry, entries, ctx);
  const objects = readObjects(entries, consumed);
  return { ok: true, parts: { submission, incident, people, objects, locations, attachments } };
}

function indexResources(
  document: SdmDocument,
  ctx: FieldContext,
): { ok: true; entries: Map<string, Entry>; errors: JsonApiError[] } | { ok: false; errors: JsonApiError[] } {
  const entries = new Map<string, Entry>();
  const errors: JsonApiError[] = [];
  const all: Array<[SdmResource, Path]> = [
    [document.data, ['data']],
    ...(document.included ?? []).map((resource, index): [SdmResource, Path] => [resource, ['included', index]]),
  ];
  for (const [resource, path] of all) {
    const existing = entries.get(resource.id);
    if (existing) {
      errors.push(
        jsonApiError(
          422,
          'duplicate-id',
          'Duplicate resource id',
          `The id "${resource.id}" is used by ${toJsonPointer(existing.path)} and ${toJsonPointer(path)}; each resource needs its own id so relationships point to one of them.`,
          { pointer: toJsonPointer([...path, 'id']) },
        ),
      );
      continue;
    }
    if (!isKnownEntityType(resource.type)) {
      ctx.drift.add('unknown-entity-type', [...path, 'type'], `"${resource.type}" is not an SDM entity type we know; it is kept as an object.`, resource.type);
    }
    const view = ctx.drift.attributes(resource.type, resource.attributes ?? {}, [...path, 'attributes']);
    entries.set(resource.id, { resource, path, view });
  }
  return errors.length > 0 ? { ok: false, errors: errors.slice(0, MAX_ERRORS) } : { ok: true, entries, errors };
}

function checkRelationships(entries: Map<string, Entry>, errors: JsonApiError[], ctx: FieldContext): void {
  for (const entry of entries.values()) {
    const isIncident = entry.path[0] === 'data';
    for (const [name, relationship] of Object.entries(entry.resource.relationships ?? {})) {
      const relationshipPath = [...entry.path, 'relationships', name];
      const knownNames = isIncident ? INCIDENT_RELATIONSHIPS : RESOURCE_RELATIONSHIPS;
      if (!knownNames.has(name)) {
        ctx.drift.add('unknown-relationship', relationshipPath, `"${name}" is not a relationship we know; its targets are kept.`);
      }
      const targets = relationshipTargets(relationship);
      targets.forEach((target, index) => {
        if (entries.has(target.id)) return;
        const pointer = toJsonPointer(Array.isArray(relationship.data) ? [...relationshipPath, 'data', index, 'id'] : [...relationshipPath, 'data', 'id']);
        errors.push(
          jsonApiError(
            422,
            'dangling-relationship',
            'Relationship points to a missing resource',
            `The relationship "${name}" points to "${target.id}", which is not in "included".`,
            { pointer },
          ),
        );
      });
    }
  }
}

function findSubmission(document: SdmDocument, entries: Map<string, Entry>, errors: JsonApiError[]): Entry | undefined {
  const relationship = document.data.relationships?.submission;
  const targets = relationshipTargets(relationship);
  const pointer = '/data/relationships/submission';
  if (targets.length !== 1) {
    errors.push(
      jsonApiError(
        422,
        targets.length === 0 ? 'missing-submission' : 'multiple-submissions',
        targets.length === 0 ? 'Missing submission' : 'More than one submission',
        'The incident must link to exactly one submission resource through its "submission" relationship.',
        { pointer },
      ),
    );
    return undefined;
  }
  const entry = entries.get(targets[0].id);
  if (entry && entry.resource.type !== 'submission') {
    errors.push(
      jsonApiError(422, 'invalid-submission', 'Invalid submission', `"${targets[0].id}" has type "${entry.resource.type}", not "submission".`, {
        pointer: toJsonPointer([...entry.path, 'type']),
      }),
    );
  }
  return entry;
}

/**
 * Rejects a second submission or incident resource. Only the linked ones are read, so another one
 * would be dropped without a trace, and with it a second submission that iHub thinks it delivered.
 */
function checkSingleIncidentAndSubmission(
  document: SdmDocument,
  entries: Map<string, Entry>,
  submissionEntry: Entry | undefined,
  errors: JsonApiError[],
): void {
  for (const entry of entries.values()) {
    const { type, id } = entry.resource;
    if (type === 'submission' && entry !== submissionEntry) {
      errors.push(
        jsonApiError(
          422,
          'multiple-submissions',
          'More than one submission',
          `"${id}" is a second submission resource; the incident links to ${submissionEntry ? `"${submissionEntry.resource.id}"` : 'none'}. Send each submission as its own document.`,
          { pointer: toJsonPointer([...entry.path, 'type']) },
        ),
      );
    }
    if (type === 'incident' && id !== document.data.id) {
      errors.push(
        jsonApiError(
          422,
          'multiple-incidents',
          'More than one incident',
          `"${id}" is a second incident resource; a document describes the one incident in "data". Send each incident as its own document.`,
          { pointer: toJsonPointer([...entry.path, 'type']) },
        ),
      );
    }
  }
}

function readSubmission(entry: Entry, ctx: FieldContext, errors: JsonApiError[]): ContactSubmission | undefined {
  const attributes = entry.view;
  const path = [...entry.path, 'attributes'];
  const rawId = attributes.submissionId;
  const idError = checkSubmissionId(rawId, toJsonPointer([...path, 'submissionId']), 'The submission');
  if (idError) {
    errors.push(idError);
    return undefined;
  }
  const submission: ContactSubmission = { id: (rawId as string).trim() };
  const assign = <K extends keyof ContactSubmission>(key: K, value: ContactSubmission[K] | undefined): void => {
    if (value !== undefined) submission[key] = value;
  };
  assign('externalReferenceId', readText(ctx, attributes.externalReferenceId, [...path, 'externalReferenceId']));
  assign('customerReferenceNumber', readText(ctx, attributes.customerReferenceNumber, [...path, 'customerReferenceNumber']));
  assign('category', readText(ctx, attributes.category, [...path, 'category']));
  assign('categorySubcode', readText(ctx, attributes.categorySubcode, [...path, 'categorySubcode']));
  assign('submitTime', readTime(ctx, attributes.submitTime, [...path, 'submitTime']));
  assign('highHarmFlag', readBoolean(ctx, attributes.highHarmFlag, [...path, 'highHarmFlag']));
  assign('howInvolvedInCrime', ctx.drift.code(attributes.howInvolvedInCrime, [...path, 'howInvolvedInCrime']));

  const force = attributes.forceIdentifier;
  if (typeof force === 'string' && /^\d+$/.test(force)) {
    ctx.drift.add('unexpected-type', [...path, 'forceIdentifier'], 'Expected a number; read from text.', force);
    submission.forceIdentifier = Number(force);
  } else {
    assign('forceIdentifier', readNumber(ctx, force, [...path, 'forceIdentifier']));
  }

  for (const name of ['category', 'forceIdentifier', 'customerReferenceNumber', 'submitTime'] as const) {
    if (attributes[name] === undefined) {
      ctx.drift.add('missing-field', [...path, name], `The submission has no "${name}".`);
    }
  }
  return submission;
}

function readIncident(entry: Entry, entries: Map<string, Entry>, ctx: FieldContext): ContactIncident {
  const a = entry.view;
  const path = [...entry.path, 'attributes'];
  const at = (name: string): Path => [...path, name];
  const incident: ContactIncident = { id: entry.resource.id, attributes: entry.resource.attributes ?? {} };
  const assign = <K extends keyof ContactIncident>(key: K, value: ContactIncident[K] | undefined): void => {
    if (value !== undefined) incident[key] = value;
  };
  assign('description', readText(ctx, a.incidentDescription, at('incidentDescription')));
  assign('startTime', readTime(ctx, a.incidentStartDateTime, at('incidentStartDateTime')));
  assign('endTime', readTime(ctx, a.incidentEndDateTime, at('incidentEndDateTime')));
  readIncidentFacts(ctx, a, at, incident);
  assign('nsirOpeningCode', readText(ctx, a.nsirOpeningCode, at('nsirOpeningCode')));
  assign('nsirClosingCode', readText(ctx, a.nsirClosingCode, at('nsirClosingCode')));
  if (a.incidentDescription === undefined) ctx.drift.add('missing-field', at('incidentDescription'), 'The incident has no description.');

  const locationTarget = relationshipTargets(entry.resource.relationships?.incidentLocation)[0];
  const locationEntry = locationTarget ? entries.get(locationTarget.id) : undefined;
  if (locationEntry) assign('location', readAddress(ctx, locationEntry.view, [...locationEntry.path, 'attributes']));
  return incident;
}

function linkedEntries(entry: Entry, entries: Map<string, Entry>, names: string[]): Entry[] {
  return names.flatMap((name) =>
    relationshipTargets(entry.resource.relationships?.[name])
      .map((target) => entries.get(target.id))
      .filter((linked): linked is Entry => linked !== undefined),
  );
}

function readPeople(incident: Entry, entries: Map<string, Entry>, consumed: Set<string>, ctx: FieldContext): ContactPerson[] {
  const roles = new Map<string, PersonRole[]>();
  for (const role of PERSON_ROLES) {
    for (const target of relationshipTargets(incident.resource.relationships?.[role])) {
      const list = roles.get(target.id) ?? [];
      if (!list.includes(role)) list.push(role);
      roles.set(target.id, list);
    }
  }
  const people: ContactPerson[] = [];
  for (const entry of entries.values()) {
    const personRoles = roles.get(entry.resource.id);
    if (entry.resource.type !== 'person' && !(personRoles && PERSON_TYPES.has(entry.resource.type))) continue;
    people.push(readPerson(entry, personRoles ?? [], entries, consumed, ctx));
    consumed.add(entry.resource.id);
  }
  return people;
}

function readPerson(entry: Entry, roles: PersonRole[], entries: Map<string, Entry>, consumed: Set<string>, ctx: FieldContext): ContactPerson {
  const a = entry.view;
  const path = [...entry.path, 'attributes'];
  const at = (name: string): Path => [...path, name];
  const isBusiness = entry.resource.type === 'business';
  const person: ContactPerson = {
    id: entry.resource.id,
    kind: isBusiness ? 'business' : 'person',
    roles,
    emails: [],
    phones: [],
    description: {},
    policeIdentifiers: {},
    attributes: entry.resource.attributes ?? {},
  };
  const assign = <K extends keyof ContactPerson>(key: K, value: ContactPerson[K] | undefined): void => {
    if (value !== undefined) person[key] = value;
  };
  const describe = <K extends keyof ContactPerson['description']>(key: K, value: string | undefined): void => {
    if (value !== undefined) person.description[key] = value;
  };

  assign('title', readLabel(ctx, a.title, at('title')) ?? readText(ctx, a.titleOther, at('titleOther')));
  assign('givenName', readNameParts(ctx, a.givenName, at('givenName')));
  assign('middleNames', readNameParts(ctx, a.middleName, at('middleName')));
  assign('familyName', readNameParts(ctx, a.surname, at('surname')));
  assign('dateOfBirth', readDate(ctx, a.dateOfBirth, at('dateOfBirth')));
  assign('age', readNumber(ctx, a.age, at('age')));
  assign('gender', ctx.drift.code(a.gender, at('gender')));
  assign('organisationName', readText(ctx, a.businessName, at('businessName')));
  const pnc = readText(ctx, a.pncId, at('pncId'));
  if (pnc) person.policeIdentifiers.pnc = pnc;

  describe('build', readLabel(ctx, a.build, at('build')) ?? readText(ctx, a.buildDetails, at('buildDetails')));
  describe('complexion', readLabel(ctx, a.complexion, at('complexion')));
  describe('distinguishingFeatures', readLabel(ctx, a.distinguishingFeatureDetails ?? a.distinguishingFeature, at('distinguishingFeatureDetails')));
  describe('leftEyeColour', readLabel(ctx, a.eyeColourLeft, at('eyeColourLeft')));
  describe('rightEyeColour', readLabel(ctx, a.eyeColourRight, at('eyeColourRight')));
  describe('ethnicity', readLabel(ctx, a.ethnicityObserved ?? a.ethnicitySelfDefined ?? a.ethnicityGroup, at('ethnicity')));
  describe('height', readText(ctx, a.approximateHeight, at('approximateHeight')));
  describe('hairColour', readLabel(ctx, a.hairColourList, at('hairColourList')) ?? readText(ctx, a.hairColourDetails, at('hairColourDetails')));
  describe('clothing', readText(ctx, a.clothingAtTimeOfIncident, at('clothingAtTimeOfIncident')));
  describe('freeText', readText(ctx, a.personDescription ?? a.businessDescription, at('personDescription')));

  for (const phone of linkedEntries(entry, entries, PHONE_LINKS)) {
    const number = readText(ctx, phone.view.telephoneNumberFull ?? phone.view.telephoneNumber, [...phone.path, 'attributes', 'telephoneNumber']);
    if (number && !person.phones.includes(number)) person.phones.push(number);
    consumed.add(phone.resource.id);
  }
  for (const email of linkedEntries(entry, entries, EMAIL_LINKS)) {
    const address = readText(ctx, email.view.emailAddress, [...email.path, 'attributes', 'emailAddress']);
    if (address && !person.emails.includes(address)) person.emails.push(address);
    consumed.add(email.resource.id);
  }
  const home = linkedEntries(entry, entries, ADDRESS_LINKS)[0];
  if (home) person.homeAddress = readAddress(ctx, home.view, [...home.path, 'attributes']);
  return person;
}

function locationKind(name: string | undefined, id: string, type: string): LocationKind {
  if (type === 'stolenFromLocation' || name === 'stolenFrom') return 'stolenFrom';
  if (name === 'incidentLocation' || id.includes('.incidentLocation.')) return 'incident';
  if (name === 'businessAddress' || id.includes('.businessAddress.')) return 'business';
  if (name === 'currentAddress' || name === 'permanentAddress' || id.includes('.currentAddress.')) return 'home';
  return 'other';
}

function readLocations(incident: Entry, entries: Map<string, Entry>, consumed: Set<string>, ctx: FieldContext): ContactLocation[] {
  const linkName = new Map<string, string>();
  for (const entry of [incident, ...entries.values()]) {
    for (const [name, relationship] of Object.entries(entry.resource.relationships ?? {})) {
      for (const target of relationshipTargets(relationship)) if (!linkName.has(target.id)) linkName.set(target.id, name);
    }
  }
  const locations: ContactLocation[] = [];
  for (const entry of entries.values()) {
    if (!LOCATION_TYPES.has(entry.resource.type)) continue;
    const kind = locationKind(linkName.get(entry.resource.id), entry.resource.id, entry.resource.type);
    locations.push({ id: entry.resource.id, kind, address: readAddress(ctx, entry.view, [...entry.path, 'attributes']) });
    consumed.add(entry.resource.id);
  }
  return locations;
}

function readAttachments(entries: Map<string, Entry>, consumed: Set<string>, ctx: FieldContext): ContactAttachment[] {
  const attachments: ContactAttachment[] = [];
  for (const entry of entries.values()) {
    if (entry.resource.type !== 'attachment') continue;
    const path = [...entry.path, 'attributes'];
    const url = readText(ctx, entry.view.attachmentContent, [...path, 'attachmentContent']);
    if (!url || !/^https?:\/\//i.test(url)) {
      ctx.drift.add(
        'unexpected-type',
        [...path, 'attachmentContent'],
        'Expected the attachment as a link (https://…); the attachment is kept as received in the original document.',
      );
      continue;
    }
    const attachment: ContactAttachment = { id: entry.resource.id, url };
    const fileName = readText(ctx, entry.view.attachmentName, [...path, 'attachmentName']);
    const contentType = readText(ctx, entry.view.attachmentMimeType, [...path, 'attachmentMimeType']);
    const sizeBytes = readNumber(ctx, entry.view.attachmentSize, [...path, 'attachmentSize']);
    const description = readText(ctx, entry.view.attachmentDescription, [...path, 'attachmentDescription']);
    if (fileName) attachment.fileName = fileName;
    if (contentType) attachment.contentType = contentType;
    if (sizeBytes !== undefined) attachment.sizeBytes = sizeBytes;
    if (description) attachment.description = description;
    attachments.push(attachment);
    consumed.add(entry.resource.id);
  }
  return attachments;
}

/** Everything not read as a person, location, attachment or contact detail of a person becomes an object. */
function readObjects(entries: Map<string, Entry>, consumed: Set<string>): ContactObject[] {
  const objects: ContactObject[] = [];
  for (const entry of entries.values()) {
    if (consumed.has(entry.resource.id) || entry.resource.type === 'submission' || entry.resource.type === 'incident') continue;
    objects.push({
      id: entry.resource.id,
      type: entry.resource.type,
      summary: summariseObject(entry.resource.type, entry.view),
      attributes: entry.resource.attributes ?? {},
    });
  }
  return objects;
}
