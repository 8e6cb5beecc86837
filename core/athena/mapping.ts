/**
 * Mapping from the canonical contact item to the Athena contract: the occurrence with its
 * locations and objects, nominals, nominal searches, and nominals back into match candidates.
 * The field-by-field table for integration teams is in docs/contracts/athena-mapping.md.
 */
import { z } from 'zod/v4';
import type { CanonicalContact, ContactAddress, ContactObject, ContactPerson } from '../contact/types';
import { checkPlaceholder } from '../pole/placeholders';
import { toE164 } from '../pole/phone';
import { isUsableDateOfBirth } from '../pole/evaluate';
import type { NominalCandidate } from '../pole/match';
import type {
  Address,
  CreateNominalRequest,
  CreateOccurrenceRequest,
  ExternalKeys,
  Nominal,
  NominalSearchRequest,
  ObjectType,
} from './contract';

/** SDM object types that are contact details or files of a person, not property in an occurrence. */
const NON_PROPERTY_OBJECT_TYPES = new Set(['telephone', 'email', 'socialMedia', 'attachment', 'media', 'channelShift', 'evidence', 'business']);

const OBJECT_TYPES: Record<string, ObjectType> = {
  property: 'property',
  vehicle: 'vehicle',
  bicycle: 'bicycle',
  bankCard: 'bankCard',
  mobile: 'phone',
  mobilePhone: 'phone',
  phone: 'phone',
  weapon: 'weapon',
};

const ADDRESS_TEXT_FIELDS = ['uprn', 'buildingName', 'buildingNumber', 'flat', 'street', 'locality', 'town', 'county', 'postcode', 'country', 'description'] as const;
const ADDRESS_NUMBER_FIELDS = ['latitude', 'longitude', 'easting', 'northing'] as const;

/** Copies the address fields the contract defines, dropping empty strings and non-finite numbers. */
export function toAthenaAddress(address: ContactAddress): Address {
  const result: Address = {};
  for (const field of ADDRESS_TEXT_FIELDS) {
    const value = address[field];
    if (typeof value === 'string' && value.trim() !== '') result[field] = value.trim();
  }
  for (const field of ADDRESS_NUMBER_FIELDS) {
    const value = address[field];
    if (typeof value === 'number' && Number.isFinite(value)) result[field] = value;
  }
  return result;
}

/** Returns the Athena object type for an SDM object type, or `undefined` when the object is not property. */
export function toAthenaObjectType(sdmType: string): ObjectType | undefined {
  if (NON_PROPERTY_OBJECT_TYPES.has(sdmType)) return undefined;
  return OBJECT_TYPES[sdmType] ?? 'other';
}

export function externalKeysFor(contact: Pick<CanonicalContact, 'submission'>, forceReference?: string, sourceId?: string): ExternalKeys {
  return {
    submissionId: contact.submission.id,
    ...(forceReference ? { forceReference } : {}),
    ...(sourceId ? { sourceId } : {}),
  };
}

/** Maximum length of an occurrence's description in the Athena contract (CreateOccurrenceRequestSchema). */
export const OCCURRENCE_DESCRIPTION_MAX = 50_000;
/** Maximum length of a description added to an occurrence in the Athena contract (DescriptionInputSchema). */
export const ADDED_DESCRIPTION_MAX = 20_000;

/** Returns where to cut `text` at most `length` UTF-16 units in, one unit earlier when that would split a surrogate pair. */
function cutAt(text: string, length: number): number {
  if (length >= text.length) return text.length;
  const code = text.charCodeAt(length - 1);
  return code >= 0xd800 && code <= 0xdbff ? length - 1 : length;
}

/**
 * Splits an incident description that is longer than an occurrence description may be. The head
 * goes into the occurrence and ends with a note. Each continuation is added to the occurrence as
 * additional information, so none of the reporter's words are dropped.
 */
export function splitDescription(text: string): { head: string; continuations: string[] } {
  if (text.length <= OCCURRENCE_DESCRIPTION_MAX) return { head: text, continuations: [] };

  const note = '\n[Continued in the additional information descriptions of this occurrence.]';
  const headLength = cutAt(text, OCCURRENCE_DESCRIPTION_MAX - note.length);
  const chunks: string[] = [];
  const partLabelRoom = 60;
  for (let start = headLength; start < text.length; ) {
    const end = start + cutAt(text.slice(start), ADDED_DESCRIPTION_MAX - partLabelRoom);
    chunks.push(text.slice(start, end));
    start = end;
  }
  return {
    head: text.slice(0, headLength) + note,
    continuations: chunks.map((chunk, index) => `[Incident description, continued: part ${index + 1} of ${chunks.length}]\n${chunk}`),
  };
}

/** Builds the create-occurrence request: the incident, its locations and property, but no people. */
export function toCreateOccurrenceRequest(contact: CanonicalContact, forceReference?: string): CreateOccurrenceRequest {
  const keys = (sourceId?: string) => externalKeysFor(contact, forceReference, sourceId);

  const locations = contact.locations.map((location) => ({ kind: location.kind, address: toAthenaAddress(location.address), externalKeys: keys(location.id) }));
  if (contact.incident.location && !contact.locations.some((location) => location.kind === 'incident')) {
    locations.unshift({ kind: 'incident', address: toAthenaAddress(contact.incident.location), externalKeys: keys(contact.incident.id) });
  }

  const objects = contact.objects.flatMap((object: ContactObject) => {
    const type = toAthenaObjectType(object.type);
    if (!type) return [];
    return [{ type, summary: object.summary.slice(0, 500) || object.type, attributes: object.attributes ?? {}, externalKeys: keys(object.id) }];
  });

  const label = contact.formTypeLabel ?? contact.formType;
  return {
    externalKeys: keys(),
    occurrenceType: contact.formType,
    title: `${label}: reported online${contact.submission.customerReferenceNumber ? ` (${contact.submission.customerReferenceNumber})` : ''}`.slice(0, 200),
    description: splitDescription(contact.incident.description ?? '').head,
    ...(contact.incident.startTime?.utc ? { occurredFrom: contact.incident.startTime.utc } : {}),
    ...(contact.incident.endTime?.utc ? { occurredTo: contact.incident.endTime.utc } : {}),
    reportedAt: contact.submission.submitTime?.utc ?? contact.receivedAt,
    howReported: 'online',
    locations,
    objects,
  };
}

function usableName(value: string | undefined): string | undefined {
  return value !== undefined && !checkPlaceholder(value, 'name').rejected ? value.trim() : undefined;
}

const emailSchema = z.email();

function usableEmails(emails: string[]): string[] {
  return [...new Set(emails.map((email) => email.trim().toLowerCase()).filter((email) => emailSchema.safeParse(email).success))];
}

function usablePhones(phones: string[]): string[] {
  return [...new Set(phones.map((phone) => toE164(phone)).filter((phone): phone is string => phone !== undefined))];
}

/**
 * Builds the create-nominal request. Placeholder names, invalid dates of birth, phones that are
 * not E.164 after normalising and invalid emails are left out rather than written.
 */
export function toCreateNominalRequest(person: ContactPerson, kind: 'known' | 'unknown', externalKeys: ExternalKeys): CreateNominalRequest {
  const description = Object.fromEntries(
    Object.entries(person.description ?? {}).filter(([, value]) => typeof value === 'string' && !checkPlaceholder(value, 'description').rejected),
  );
  const gender = person.gender && /^GNDR_\d{4}$/.test(person.gender.code) ? person.gender.code : undefined;
  const dateOfBirth = person.dateOfBirth && isUsableDateOfBirth(person.dateOfBirth) ? person.dateOfBirth : undefined;
  const homeAddress = person.homeAddress ? toAthenaAddress(person.homeAddress) : undefined;

  const request: CreateNominalRequest = {
    kind,
    emails: kind === 'known' ? usableEmails(person.emails ?? []) : [],
    phones: kind === 'known' ? usablePhones(person.phones ?? []) : [],
    policeIdentifiers: { ...(person.policeIdentifiers ?? {}) },
    externalKeys,
  };
  if (kind === 'known') {
    const fields = { title: usableName(person.title), givenName: usableName(person.givenName), middleNames: usableName(person.middleNames), familyName: usableName(person.familyName) };
    for (const [field, value] of Object.entries(fields)) if (value !== undefined) (request as Record<string, unknown>)[field] = value;
    if (dateOfBirth) request.dateOfBirth = dateOfBirth;
    if (person.age !== undefined && Number.isInteger(person.age) && person.age >= 0 && person.age <= 130) request.age = person.age;
    if (homeAddress && Object.keys(homeAddress).length > 0) request.homeAddress = homeAddress;
  }
  if (gender) request.gender = gender;
  if (Object.keys(description).length > 0) request.description = description;
  return request;
}

/**
 * Builds the nominal search for a known person: every email, every phone in E.164, every police
 * identifier, and the given and family names. The date of birth is left out on purpose, so people
 * with the same name but another date of birth come back as candidates and the scoring can tell
 * them apart. Returns `undefined` when the person has no usable key.
 */
export function toNominalSearchRequest(person: ContactPerson): NominalSearchRequest | undefined {
  const search: NominalSearchRequest = {};
  const emails = usableEmails(person.emails ?? []);
  const phones = usablePhones(person.phones ?? []);
  const givenName = usableName(person.givenName?.trim().split(/\s+/)[0]);
  const familyName = usableName(person.familyName);
  const identifiers = Object.fromEntries(Object.entries(person.policeIdentifiers ?? {}).filter(([, value]) => String(value).trim() !== ''));

  if (emails.length > 0) search.emails = emails.slice(0, 10);
  if (phones.length > 0) search.phones = phones.slice(0, 10);
  if (givenName && familyName) {
    search.givenName = givenName;
    search.familyName = familyName;
  }
  if (Object.keys(identifiers).length > 0) search.policeIdentifiers = identifiers;
  return Object.keys(search).length > 0 ? search : undefined;
}

/** Converts a nominal into the shape the match scoring compares. */
export function toNominalCandidate(nominal: Nominal): NominalCandidate {
  return {
    id: nominal.id,
    givenName: nominal.givenName,
    familyName: nominal.familyName,
    dateOfBirth: nominal.dateOfBirth,
    age: nominal.age,
    gender: nominal.gender,
    emails: nominal.emails,
    phones: nominal.phones,
    homePostcode: nominal.homeAddress?.postcode,
    policeIdentifiers: nominal.policeIdentifiers,
  };
}
