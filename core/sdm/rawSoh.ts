/**
 * Raw SOH form JSON: the nested document a force without iHub receives. Field names follow the raw
 * SOH column of the SDM mapping tables in the public, unofficial test copy of the SDM schemas
 * (github.com/hm8632/iHub_test_schema, docs/simplifiedMapping/SOH).
 */
// NOTE: the envelope around the form sections (where submissionId, category and submitTime sit) is not
// in public material. We accept them at the top level or inside a `submission` object; confirm against
// a real export before relying on raw SOH intake.
import { z } from 'zod/v4';
import type { ContactIncident, ContactLocation, ContactObject, ContactPerson, ContactSubmission, PersonRole } from '../contact/types';
import type { JsonApiError } from './errors';
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
import type { NormalisedParts } from './normaliseSdm';
import { summariseObject } from './summaries';

const section = z.record(z.string(), z.unknown());
const sectionOrList = z.union([section, z.array(section)]);

export const rawSohDocumentSchema = z.looseObject({
  submissionId: z.string().min(1).optional(),
  submission: section.optional(),
  incidentDetails: section,
  personReporting: section.optional(),
  victimDetailsImTheVictim: section.optional(),
  victimDetailsFromWitness: section.optional(),
  victimIsBusiness: section.optional(),
  witness: sectionOrList.optional(),
  known: sectionOrList.optional(),
  unknown: sectionOrList.optional(),
  vehicle: sectionOrList.optional(),
  stolenItem: sectionOrList.optional(),
  stolenFrom: section.optional(),
  evidence: section.optional(),
  threatAbuseOrAssault: section.optional(),
});
export type RawSohDocument = z.infer<typeof rawSohDocumentSchema>;

/** True when a parsed body looks like a raw SOH form rather than an SDM document. */
export function looksLikeRawSoh(value: Record<string, unknown>): boolean {
  return !('data' in value) && typeof value.incidentDetails === 'object' && value.incidentDetails !== null;
}

const SUBMISSION_FIELDS = [
  'submissionId', 'customerReferenceNumber', 'externalReferenceId', 'forceIdentifier', 'category', 'formType',
  'categorySubcode', 'submitTime', 'howInvolvedInCrime', 'highHarmFlag', 'ipAddress', 'userAgent',
];
const TOP_LEVEL_SECTIONS = new Set([
  ...SUBMISSION_FIELDS, 'submission', 'incidentDetails', 'personReporting', 'victimDetailsImTheVictim',
  'victimDetailsFromWitness', 'victimIsBusiness', 'witness', 'known', 'unknown', 'vehicle', 'stolenItem',
  'stolenFrom', 'evidence', 'threatAbuseOrAssault',
]);
const ADDRESS_FIELDS = [
  'buildingName', 'buildingNumber', 'subBuildingName', 'flat', 'streetName', 'street', 'locality', 'townOrCity',
  'county', 'postcode', 'country', 'latitude', 'longitude', 'easting', 'northing', 'osUprn', 'uprn', 'fullAddress',
  'addressDescription', 'locationDescription',
];
const INCIDENT_FIELDS = new Set([
  'whosLocation', 'yourLocationConnectionDetails', 'theirLocationConnectionDetails', 'hadWeapon', 'subjectedToHateCrime',
  'subjectedToHateCrimeDetails', 'mapLocation', 'mapLocationCorrect', 'mapLocationAdditionalDetails', 'incidentLocation',
  'currentAddress', 'locationDescription', 'incidentEventsPreceeding', 'incidentExactTimeKnown', 'incidentApproximateDate',
  'incidentApproximateTime', 'incidentDescription', 'incidentDateTimeDescription', 'incidentOnPublicTransport',
  'incidentStillHappening', 'incidentInfluencedByDrugsOrAlcohol', 'incidentInfluencedByDrugsOrAlcoholDetails',
  'incidentDateRange', 'incidentStartTime', 'incidentEndTime', 'incidentStartDateTime', 'incidentEndDateTime',
  'incidentReportedAlready', 'incidentReportedAlreadyReference', 'incidentAnyWitnesses', 'physicallyAssaulted',
  'physicallyAssaultedDetails', 'modusOperandi', 'weaponTypeList', 'weaponDetails',
]);
const PERSON_FIELDS = new Set([
  'title', 'titleList', 'titleListOther', 'firstName', 'middleName1', 'middleName2', 'surname', 'surnameUnknown',
  'dateOfBirth', 'dateOfBirthKnown', 'gender', 'genderSelfDescribe', 'emailAddress', 'phoneNumber', 'daytimeTelephone',
  'eveningTelephone', 'preferredPhoneNumber', 'workPhoneNumber', 'workEmailAddress', 'telephoneCountryCode',
  'personDescription', 'ageKnown', 'ageDetails', 'ageRangeOcr', 'ageRangeAdult', 'ageRangeChild', 'approximateAgeString',
  'inVehicle', 'approximateHeight', 'alias', 'build', 'buildList', 'clothingAtTimeOfIncident', 'complexion', 'eyeColour',
  'eyeColourList', 'eyeColourListLeft', 'eyeColourListRight', 'eyewear', 'facialHair', 'facialHairType', 'hairColour',
  'hairColourList', 'hairDescription', 'hairLength', 'hairStyleList', 'identifyingMarks', 'distinguishingFeature',
  'ethnicity', 'ethnicityAsian', 'ethnicityBlack', 'ethnicityMixed', 'ethnicityWhite', 'ethnicityAnother',
  'contactPreference', 'communicationNeeds', 'communicationNeedsDescription', 'preferredLanguageSpokenList',
  'preferredLanguageWrittenList', 'occupation', 'personUnder18', 'victimSuspectRelationship',
  'victimSuspectRelationshipList', 'suspectKnown', 'currentAddress', 'permanentAddress', 'sameAddressAsPersonReporting',
  'businessName', 'businessDescription', 'connectionToBusiness', 'businessAddress', 'insuranceCompany',
  'insurancePolicyNumber', 'accent', 'speechDescriptionList', 'pncId',
]);

/** Normalises a raw SOH form, or returns 422 errors when the submission id is missing. */
export function normaliseRawSoh(
  document: RawSohDocument,
  ctx: FieldContext,
): { ok: true; parts: NormalisedParts } | { ok: false; errors: JsonApiError[] } {
  const meta = (document.submission ?? document) as Record<string, unknown>;
  const metaPath: Path = document.submission ? ['submission'] : [];
  const rawId = meta.submissionId;
  const idError = checkSubmissionId(rawId, '/' + [...metaPath, 'submissionId'].join('/'), 'The raw SOH form');
  if (idError) return { ok: false, errors: [idError] };

  for (const name of Object.keys(document)) {
    if (!TOP_LEVEL_SECTIONS.has(name)) ctx.drift.add('unknown-attribute', [name], `"${name}" is not a raw SOH section we know; it is kept as received.`);
  }

  const submission = readRawSubmission((rawId as string).trim(), meta, metaPath, ctx);
  const incident = readRawIncident(document.incidentDetails, ctx);
  const people = readRawPeople(document, ctx);
  const objects = readRawObjects(document, ctx);
  const locations: ContactLocation[] = [];
  if (incident.location) locations.push({ id: 'raw.incidentDetails.location', kind: 'incident', address: incident.location });
  for (const person of people) {
    if (person.homeAddress) locations.push({ id: `${person.id}.currentAddress`, kind: person.kind === 'business' ? 'business' : 'home', address: person.homeAddress });
  }
  if (document.stolenFrom) {
    locations.push({ id: 'raw.stolenFrom', kind: 'stolenFrom', address: readAddress(ctx, document.stolenFrom, ['stolenFrom']) });
  }
  return { ok: true, parts: { submission, incident, people, objects, locations, attachments: [] } };
}

function readRawSubmission(id: string, meta: Record<string, unknown>, path: Path, ctx: FieldContext): ContactSubmission {
  const at = (name: string): Path => [...path, name];
  const submission: ContactSubmission = { id };
  const assign = <K extends keyof ContactSubmission>(key: K, value: ContactSubmission[K] | undefined): void => {
    if (value !== undefined) submission[key] = value;
  };
  assign('externalReferenceId', readText(ctx, meta.externalReferenceId, at('externalReferenceId')));
  assign('customerReferenceNumber', readText(ctx, meta.customerReferenceNumber, at('customerReferenceNumber')));
  assign('forceIdentifier', readNumber(ctx, meta.forceIdentifier, at('forceIdentifier')));
  assign('category', readText(ctx, meta.category ?? meta.formType, at(meta.category !== undefined ? 'category' : 'formType')));
  assign('categorySubcode', readText(ctx, meta.categorySubcode, at('categorySubcode')));
  assign('submitTime', readTime(ctx, meta.submitTime, at('submitTime')));
  assign('highHarmFlag', readBoolean(ctx, meta.highHarmFlag, at('highHarmFlag')));
  assign('howInvolvedInCrime', ctx.drift.code(meta.howInvolvedInCrime, at('howInvolvedInCrime')));
  if (submission.category === undefined) ctx.drift.add('missing-field', at('category'), 'The raw SOH form has no "category" (form type).');
  if (meta.submitTime === undefined) ctx.drift.add('missing-field', at('submitTime'), 'The raw SOH form has no "submitTime".');
  return submission;
}

function checkFields(section: Record<string, unknown>, known: Set<string>, path: Path, ctx: FieldContext): void {
  for (const [name, value] of Object.entries(section)) {
    ctx.drift.codesIn(value, [...path, name]);
    if (!known.has(name)) {
      ctx.drift.add('unknown-attribute', [...path, name], `"${name}" is not a raw SOH field we know; it is kept as received.`, value);
    }
  }
}

function readAddressSection(value: unknown, path: Path, ctx: FieldContext) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    ctx.drift.add('unexpected-type', path, 'Expected an address object; the value is kept as received.', value);
    return undefined;
  }
  checkFields(value as Record<string, unknown>, new Set(ADDRESS_FIELDS), path, ctx);
  return readAddress(ctx, value as Record<string, unknown>, path);
}

/** Joins a date (`YYYY-MM-DD`) and a time (`HH:mm`) into a London wall-clock date-time, which the time reader flags as having no offset. */
function joinDateAndTime(date: unknown, time: unknown): string | undefined {
  if (typeof date !== 'string' || date === '') return undefined;
  const clock = typeof time === 'string' && /^\d{2}:\d{2}(:\d{2})?$/.test(time) ? time : '00:00';
  return `${date}T${clock.length === 5 ? clock + ':00' : clock}`;
}

function readRawIncident(details: Record<string, unknown>, ctx: FieldContext): ContactIncident {
  const path: Path = ['incidentDetails'];
  const at = (name: string): Path => [...path, name];
  checkFields(details, INCIDENT_FIELDS, path, ctx);
  const incident: ContactIncident = { id: 'raw.incidentDetails', attributes: details };
  const assign = <K extends keyof ContactIncident>(key: K, value: ContactIncident[K] | undefined): void => {
    if (value !== undefined) incident[key] = value;
  };
  const range = (details.incidentDateRange ?? {}) as Record<string, unknown>;
  const start = details.incidentStartDateTime ?? joinDateAndTime(range.dateFrom, details.incidentStartTime);
  const end = details.incidentEndDateTime ?? joinDateAndTime(range.dateTo ?? range.dateFrom, details.incidentEndTime);
  assign('description', readText(ctx, details.incidentDescription, at('incidentDescription')));
  assign('startTime', readTime(ctx, start, at(details.incidentStartDateTime !== undefined ? 'incidentStartDateTime' : 'incidentDateRange')));
  assign('endTime', readTime(ctx, end, at(details.incidentEndDateTime !== undefined ? 'incidentEndDateTime' : 'incidentDateRange')));
  readIncidentFacts(ctx, details, at, incident);
  const locationName = ['incidentLocation', 'currentAddress', 'mapLocation'].find((name) => details[name] !== undefined);
  if (locationName) assign('location', readAddressSection(details[locationName], at(locationName), ctx));
  if (details.incidentDescription === undefined) ctx.drift.add('missing-field', at('incidentDescription'), 'The incident has no description.');
  return incident;
}

function asList(value: Record<string, unknown> | Array<Record<string, unknown>> | undefined): Array<Record<string, unknown>> {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function readRawPeople(document: RawSohDocument, ctx: FieldContext): ContactPerson[] {
  const people: ContactPerson[] = [];
  const add = (section: Record<string, unknown>, path: Path, roles: PersonRole[], kind: 'person' | 'business' = 'person'): void => {
    people.push(readRawPerson(section, path, roles, kind, ctx));
  };
  const involvement = (document.submission ?? document as Record<string, unknown>).howInvolvedInCrime;
  if (document.personReporting) {
    // "I'm a victim" (IVLD_0001) makes the person reporting the victim too, as iHub does in the SDM.
    add(document.personReporting, ['personReporting'], involvement === 'IVLD_0001' ? ['personReporting', 'victim'] : ['personReporting']);
  }
  if (document.victimDetailsImTheVictim) add(document.victimDetailsImTheVictim, ['victimDetailsImTheVictim'], ['victim']);
  if (document.victimDetailsFromWitness) add(document.victimDetailsFromWitness, ['victimDetailsFromWitness'], ['victim']);
  if (document.victimIsBusiness) add(document.victimIsBusiness, ['victimIsBusiness'], ['victim'], 'business');
  const lists: Array<[keyof RawSohDocument, PersonRole]> = [
    ['witness', 'witness'],
    ['known', 'knownSuspect'],
    ['unknown', 'unknownSuspect'],
  ];
  for (const [name, role] of lists) {
    const value = document[name] as Record<string, unknown> | Array<Record<string, unknown>> | undefined;
    asList(value).forEach((section, index) => add(section, Array.isArray(value) ? [name, index] : [name], [role]));
  }
  return people;
}

function readRawPerson(section: Record<string, unknown>, path: Path, roles: PersonRole[], kind: 'person' | 'business', ctx: FieldContext): ContactPerson {
  const at = (name: string): Path => [...path, name];
  checkFields(section, PERSON_FIELDS, path, ctx);
  const person: ContactPerson = {
    id: 'raw.' + path.join('.'),
    kind,
    roles,
    emails: [],
    phones: [],
    description: {},
    policeIdentifiers: {},
    attributes: section,
  };
  const assign = <K extends keyof ContactPerson>(key: K, value: ContactPerson[K] | undefined): void => {
    if (value !== undefined) person[key] = value;
  };
  const describe = <K extends keyof ContactPerson['description']>(key: K, value: string | undefined): void => {
    if (value !== undefined) person.description[key] = value;
  };
  assign('title', readLabel(ctx, section.titleList ?? section.title, at(section.titleList !== undefined ? 'titleList' : 'title')));
  assign('givenName', readNameParts(ctx, section.firstName, at('firstName')));
  const middle = [section.middleName1, section.middleName2].filter((part) => part !== undefined && part !== '');
  assign('middleNames', middle.length > 0 ? readNameParts(ctx, middle, at('middleName1')) : undefined);
  assign('familyName', readText(ctx, section.surname, at('surname')));
  assign('dateOfBirth', readDate(ctx, section.dateOfBirth, at('dateOfBirth')));
  assign('age', readNumber(ctx, section.ageDetails, at('ageDetails')));
  assign('gender', ctx.drift.code(section.gender, at('gender')));
  assign('organisationName', readText(ctx, section.businessName, at('businessName')));
  const pnc = readText(ctx, section.pncId, at('pncId'));
  if (pnc) person.policeIdentifiers.pnc = pnc;

  describe('build', readLabel(ctx, section.buildList, at('buildList')) ?? readText(ctx, section.build, at('build')));
  describe('complexion', readLabel(ctx, section.complexion, at('complexion')));
  describe('distinguishingFeatures', readText(ctx, section.identifyingMarks, at('identifyingMarks')));
  describe('leftEyeColour', readLabel(ctx, section.eyeColourListLeft ?? section.eyeColourList, at('eyeColourListLeft')));
  describe('rightEyeColour', readLabel(ctx, section.eyeColourListRight ?? section.eyeColourList, at('eyeColourListRight')));
  const ethnicityName = ['ethnicityWhite', 'ethnicityBlack', 'ethnicityAsian', 'ethnicityMixed', 'ethnicityAnother', 'ethnicity'].find(
    (name) => section[name] !== undefined,
  );
  if (ethnicityName) describe('ethnicity', readLabel(ctx, section[ethnicityName], at(ethnicityName)));
  describe('height', readText(ctx, section.approximateHeight, at('approximateHeight')));
  describe('hairColour', readLabel(ctx, section.hairColourList, at('hairColourList')) ?? readText(ctx, section.hairColour, at('hairColour')));
  describe('clothing', readText(ctx, section.clothingAtTimeOfIncident, at('clothingAtTimeOfIncident')));
  describe('freeText', readText(ctx, section.personDescription ?? section.businessDescription, at('personDescription')));

  for (const name of ['phoneNumber', 'daytimeTelephone', 'eveningTelephone', 'preferredPhoneNumber', 'workPhoneNumber']) {
    const phone = readText(ctx, section[name], at(name));
    if (phone && !person.phones.includes(phone)) person.phones.push(phone);
  }
  for (const name of ['emailAddress', 'workEmailAddress']) {
    const email = readText(ctx, section[name], at(name));
    if (email && !person.emails.includes(email)) person.emails.push(email);
  }
  const addressName = ['currentAddress', 'businessAddress', 'permanentAddress'].find((name) => section[name] !== undefined);
  if (addressName) assign('homeAddress', readAddressSection(section[addressName], at(addressName), ctx));
  return person;
}

const STOLEN_ITEM_TYPES: Record<string, string> = {
  SITP_0001: 'bankCard',
  SITP_0002: 'bicycle',
  SITP_0004: 'mobile',
  SITP_0006: 'vehicle',
};

function readRawObjects(document: RawSohDocument, ctx: FieldContext): ContactObject[] {
  const objects: ContactObject[] = [];
  const add = (id: string, type: string, attributes: Record<string, unknown>): void => {
    objects.push({ id, type, summary: summariseObject(type, attributes), attributes });
  };
  asList(document.vehicle).forEach((section, index) => add(`raw.vehicle.${index}`, 'vehicle', section));
  asList(document.stolenItem).forEach((section, index) => {
    const itemType = section.stolenItemType;
    if (itemType !== undefined) ctx.drift.code(itemType, ['stolenItem', index, 'stolenItemType']);
    add(`raw.stolenItem.${index}`, STOLEN_ITEM_TYPES[String(itemType)] ?? 'property', section);
  });
  if (document.evidence) add('raw.evidence', 'evidence', document.evidence);
  if (document.threatAbuseOrAssault) add('raw.threatAbuseOrAssault', 'threatAbuseOrAssault', document.threatAbuseOrAssault);
  return objects;
}
