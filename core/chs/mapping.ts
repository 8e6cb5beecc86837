/**
 * Maps the canonical contact item to a CHS create-incident request. Pure and free of n8n imports,
 * so the CHS Writer, the tests and a force's own tooling build the same request.
 */
import type { CanonicalContact, ContactAddress, ContactPerson, ContactTime, PersonRole } from '../contact/types';
import {
  CreateIncidentRequestSchema,
  EXTERNAL_REFERENCE_SYSTEMS,
  type ChsPriority,
  type CreateIncidentRequest,
} from './contract';
import { EXAMPLE_FALLBACK_OPENING_CODE, EXAMPLE_OPENING_CODE_TABLE, resolveOpeningCode, type OpeningCodeRule } from './openingCodes';

export const CHS_SOURCE_SINGLE_ONLINE_HOME = 'single-online-home';
const MAX_NARRATIVE_LENGTH = 32_000;

const ROLE_LABELS: Record<PersonRole, string> = {
  victim: 'victim',
  witness: 'witness',
  personReporting: 'person reporting',
  knownSuspect: 'suspect (known)',
  unknownSuspect: 'suspect (unknown)',
};

/** Values that replace the mapped ones; undefined keeps the mapped value. */
export interface CreateIncidentOverrides {
  openingCode?: string;
  priority?: ChsPriority;
  narrative?: string;
  locationText?: string;
  informantName?: string;
  informantPhone?: string;
  informantEmail?: string;
}

export interface CreateIncidentMappingOptions {
  openingCodeTable?: readonly OpeningCodeRule[];
  fallbackOpeningCode?: string;
  /** The force reference given to the public, sent as a `force-reference` external reference. */
  reference?: string;
  /** Priority when the submission is neither high harm nor still happening. Default `scheduled`. */
  defaultPriority?: ChsPriority;
  overrides?: CreateIncidentOverrides;
}

export interface CreateIncidentMapping {
  request: CreateIncidentRequest;
  /** False when the opening code came from the fallback because the table has no rule for the form type. */
  openingCodeMatched: boolean;
}

/** Invalid mapped request: each issue names the field (JSON pointer) and the problem. */
export class ChsMappingError extends Error {
  constructor(
    readonly submissionId: string,
    readonly issues: Array<{ pointer: string; message: string }>,
  ) {
    super(
      `The CHS request built for submission ${submissionId} is invalid: ${issues.map((issue) => `${issue.pointer} ${issue.message}`).join('; ')}`,
    );
    this.name = 'ChsMappingError';
  }
}

/** Formats a contact time for people: `dd/mm/yyyy HH:mm` in Europe/London, or the original text. */
export function formatLondonTime(time: ContactTime | undefined): string | undefined {
  if (!time) return undefined;
  const match = time.londonLocal?.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/);
  if (!match) return time.original;
  const [, year, month, day, hour, minute] = match;
  return `${day}/${month}/${year} ${hour}:${minute}`;
}

export function formatAddress(address: ContactAddress | undefined): string | undefined {
  if (!address) return undefined;
  const firstLine = [address.flat, address.buildingName, [address.buildingNumber, address.street].filter(Boolean).join(' ')]
    .filter((part) => part !== undefined && part !== '')
    .join(', ');
  const parts = [firstLine, address.locality, address.town, address.county, address.postcode].filter(
    (part): part is string => part !== undefined && part.trim() !== '',
  );
  if (parts.length === 0) return address.description?.trim() || undefined;
  const text = parts.join(', ');
  const description = address.description?.trim();
  // Raw SOH forms often repeat the address as its description, so the text gives it once.
  return description && !text.includes(description) ? `${text} (${description})` : text;
}

function incidentAddress(contact: CanonicalContact): ContactAddress | undefined {
  return contact.incident.location ?? contact.locations.find((location) => location.kind === 'incident')?.address;
}

export function personName(person: ContactPerson): string | undefined {
  const name = [person.title, person.givenName, person.middleNames, person.familyName].filter(Boolean).join(' ');
  return name || person.organisationName || undefined;
}

/** Describes a person in one line: name, age or date of birth, contact details and description. */
export function describePerson(person: ContactPerson): string {
  const parts: string[] = [];
  const name = personName(person);
  parts.push(name ?? 'name not given');
  if (person.organisationName && name !== person.organisationName) parts.push(`for ${person.organisationName}`);
  if (person.dateOfBirth) parts.push(`born ${person.dateOfBirth.split('-').reverse().join('/')}`);
  else if (person.age !== undefined) parts.push(`age ${person.age}`);
  if (person.gender?.en) parts.push(person.gender.en.toLowerCase());
  if (person.phones.length > 0) parts.push(`phone ${person.phones.join(', ')}`);
  if (person.emails.length > 0) parts.push(`email ${person.emails.join(', ')}`);
  const home = formatAddress(person.homeAddress);
  if (home) parts.push(`lives at ${home}`);

  const description = person.description;
  const features = [
    description.height && `height ${description.height}`,
    description.build && `build ${description.build}`,
    description.ethnicity && `ethnicity ${description.ethnicity}`,
    description.hairColour && `hair ${description.hairColour}`,
    description.clothing && `clothing ${description.clothing}`,
    description.distinguishingFeatures && `features ${description.distinguishingFeatures}`,
    description.freeText,
  ].filter(Boolean);
  if (features.length > 0) parts.push(`description: ${features.join('; ')}`);
  return parts.join(', ');
}

function rolesText(person: ContactPerson): string {
  return person.roles.length > 0 ? person.roles.map((role) => ROLE_LABELS[role]).join(' and ') : 'person';
}

/** Finds the informant: the person reporting, else the victim, else the first person. */
export function findInformant(contact: CanonicalContact): ContactPerson | undefined {
  return (
    contact.people.find((person) => person.roles.includes('personReporting')) ??
    contact.people.find((person) => person.roles.includes('victim')) ??
    contact.people[0]
  );
}

export function derivePriority(contact: CanonicalContact, defaultPriority: ChsPriority = 'scheduled'): ChsPriority {
  if (contact.submission.highHarmFlag === true || contact.incident.stillHappening === true) return 'priority';
  return defaultPriority;
}

/**
 * Builds the narrative an operator reads: the description, then the key facts (when, where, people
 * by role, objects, attachments as links) and a drift warning when the form differed from the model.
 */
export function buildNarrative(contact: CanonicalContact, reference?: string): string {
  const lines: string[] = [];
  const incident = contact.incident;

  lines.push(incident.description?.trim() || '(No description given.)');
  lines.push('');
  lines.push(`Online report via Single Online Home: ${contact.formTypeLabel ?? contact.formType} (${contact.formType}).`);
  lines.push(`Submission ${contact.submission.id}${contact.submission.customerReferenceNumber ? `, receipt ${contact.submission.customerReferenceNumber}` : ''}${reference ? `, force reference ${reference}` : ''}.`);

  const start = formatLondonTime(incident.startTime);
  const end = formatLondonTime(incident.endTime);
  let when: string | undefined;
  if (start && end && end !== start) when = `between ${start} and ${end}`;
  else if (start) when = start;
  if (incident.approximateTimeText) when = when ? `${when} (${incident.approximateTimeText})` : incident.approximateTimeText;
  if (when) lines.push(`When: ${when}${incident.exactTimeKnown === false ? ', exact time not known' : ''}.`);
  if (incident.stillHappening) lines.push('The person reporting says it is still happening.');

  const where = formatAddress(incidentAddress(contact));
  if (where) lines.push(`Where: ${where}${incident.onPublicTransport ? ' (on public transport)' : ''}.`);

  const flags = [
    incident.physicallyAssaulted && 'physical assault reported',
    incident.hadWeapon && 'weapon reported',
    incident.hateCrime && 'reported as hate crime',
    contact.submission.highHarmFlag && 'high harm flag set',
    incident.reportedAlready && `reported before${incident.previousReference ? ` (reference ${incident.previousReference})` : ''}`,
  ].filter(Boolean);
  if (flags.length > 0) lines.push(`Flags: ${flags.join('; ')}.`);
  if (incident.modusOperandi) lines.push(`Method: ${incident.modusOperandi}`);

  if (contact.people.length > 0) {
    lines.push('', 'People:');
    for (const person of contact.people) lines.push(`- ${rolesText(person)}: ${describePerson(person)}`);
  }
  if (contact.objects.length > 0) {
    lines.push('', 'Objects:');
    for (const object of contact.objects) lines.push(`- ${object.summary}`);
  }
  if (contact.attachments.length > 0) {
    lines.push('', 'Attachments:');
    for (const attachment of contact.attachments) lines.push(`- ${attachment.fileName ? `${attachment.fileName}: ` : ''}${attachment.url}`);
  }
  if (contact.drift.findings.length > 0) {
    lines.push(
      '',
      `Warning: this submission differs from the SOH form this package knows (${contact.drift.findings.length} finding${contact.drift.findings.length === 1 ? '' : 's'}). Check the original form for details the mapping may have missed.`,
    );
  }

  const narrative = lines.join('\n');
  if (narrative.length <= MAX_NARRATIVE_LENGTH) return narrative;
  const notice = '\n[Narrative shortened to fit the CHS limit; see the original submission.]';
  return narrative.slice(0, MAX_NARRATIVE_LENGTH - notice.length) + notice;
}

/** Builds and validates the create-incident request; throws ChsMappingError naming each invalid field. */
export function buildCreateIncidentRequest(contact: CanonicalContact, options: CreateIncidentMappingOptions = {}): CreateIncidentMapping {
  const overrides = options.overrides ?? {};
  const opening = resolveOpeningCode(
    contact.formType ?? '',
    options.openingCodeTable ?? EXAMPLE_OPENING_CODE_TABLE,
    options.fallbackOpeningCode ?? EXAMPLE_FALLBACK_OPENING_CODE,
  );

  const address = incidentAddress(contact);
  const locationText = overrides.locationText ?? formatAddress(address);
  const informantPerson = findInformant(contact);

  const request: CreateIncidentRequest = {
    openingCode: overrides.openingCode ?? opening.openingCode,
    priority: overrides.priority ?? derivePriority(contact, options.defaultPriority),
    narrative: overrides.narrative ?? buildNarrative(contact, options.reference),
    externalReferences: [{ system: EXTERNAL_REFERENCE_SYSTEMS.sohSubmission, value: contact.submission.id }],
    source: CHS_SOURCE_SINGLE_ONLINE_HOME,
  };

  if (contact.submission.customerReferenceNumber) {
    request.externalReferences.push({ system: EXTERNAL_REFERENCE_SYSTEMS.sohReceipt, value: contact.submission.customerReferenceNumber });
  }
  if (options.reference) request.externalReferences.push({ system: EXTERNAL_REFERENCE_SYSTEMS.forceReference, value: options.reference });

  if (locationText) {
    request.location = {
      text: locationText.slice(0, 500),
      ...(address?.postcode ? { postcode: address.postcode } : {}),
      ...(address?.uprn ? { uprn: address.uprn } : {}),
      ...(address?.latitude !== undefined ? { latitude: address.latitude } : {}),
      ...(address?.longitude !== undefined ? { longitude: address.longitude } : {}),
      ...(address?.easting !== undefined ? { easting: address.easting } : {}),
      ...(address?.northing !== undefined ? { northing: address.northing } : {}),
    };
  }

  if (informantPerson) {
    request.informant = {
      ...(personName(informantPerson) ? { name: personName(informantPerson) } : {}),
      ...(informantPerson.phones[0] ? { phone: informantPerson.phones[0] } : {}),
      ...(informantPerson.emails[0] ? { email: informantPerson.emails[0] } : {}),
      ...(formatAddress(informantPerson.homeAddress) ? { address: formatAddress(informantPerson.homeAddress) } : {}),
      role: rolesText(informantPerson),
    };
  }
  if (overrides.informantName !== undefined || overrides.informantPhone !== undefined || overrides.informantEmail !== undefined) {
    request.informant = {
      ...(request.informant ?? {}),
      ...(overrides.informantName !== undefined ? { name: overrides.informantName } : {}),
      ...(overrides.informantPhone !== undefined ? { phone: overrides.informantPhone } : {}),
      ...(overrides.informantEmail !== undefined ? { email: overrides.informantEmail } : {}),
    };
  }

  const others = contact.people.filter((person) => person !== informantPerson);
  if (others.length > 0) {
    request.otherPeople = others.map((person) => ({ role: rolesText(person), text: describePerson(person).slice(0, 4000) }));
  }

  const links = contact.attachments.filter((attachment) => /^https?:\/\//i.test(attachment.url));
  if (links.length > 0) {
    request.attachments = links.map((attachment) => ({
      url: attachment.url,
      ...(attachment.fileName ? { fileName: attachment.fileName } : {}),
      ...(attachment.contentType ? { contentType: attachment.contentType } : {}),
      ...(attachment.description ? { description: attachment.description.slice(0, 1000) } : {}),
    }));
  }

  if (contact.submission.submitTime?.utc) request.reportedAt = contact.submission.submitTime.utc;

  const parsed = CreateIncidentRequestSchema.safeParse(request);
  if (!parsed.success) {
    throw new ChsMappingError(
      contact.submission.id,
      parsed.error.issues.map((issue) => ({ pointer: `/${issue.path.join('/')}`, message: issue.message })),
    );
  }
  return { request: parsed.data, openingCodeMatched: opening.matched };
}
