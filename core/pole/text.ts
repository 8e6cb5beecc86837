/**
 * The text attached to an occurrence for a person below the creation threshold, so what the
 * public wrote is kept with the occurrence without creating a junk person record.
 */
import type { ContactAddress, ContactPerson } from '../contact/types';
import { checkPlaceholder } from './placeholders';
import { describePersonForAudit } from './plan';

const DESCRIPTION_LABELS: Array<[keyof ContactPerson['description'], string]> = [
  ['build', 'Build'],
  ['height', 'Height'],
  ['complexion', 'Complexion'],
  ['ethnicity', 'Ethnicity'],
  ['hairColour', 'Hair colour'],
  ['leftEyeColour', 'Left eye colour'],
  ['rightEyeColour', 'Right eye colour'],
  ['distinguishingFeatures', 'Distinguishing features'],
  ['clothing', 'Clothing'],
  ['freeText', 'Further description'],
];

/**
 * Builds one line per attribute given, leaving out placeholder names ("unknown", "XX"). Free-text
 * description fields are kept as written, because they are the reporter's own words.
 */
export function describePersonAsText(person: ContactPerson): string {
  const lines: string[] = [`${describePersonForAudit(person)}, below the threshold for a person record:`];
  const addName = (label: string, value: string | undefined) => {
    if (value !== undefined && !checkPlaceholder(value, 'name').rejected) lines.push(`${label}: ${value.trim()}`);
  };

  addName('Title', person.title);
  addName('Given name', person.givenName);
  addName('Middle names', person.middleNames);
  addName('Family name', person.familyName);
  if (person.organisationName) lines.push(`Organisation: ${person.organisationName}`);
  if (person.dateOfBirth) lines.push(`Date of birth: ${formatDate(person.dateOfBirth)}`);
  if (person.age !== undefined) lines.push(`Age: ${person.age}`);
  if (person.gender) lines.push(`Gender: ${person.gender.en ?? person.gender.code}`);
  for (const phone of person.phones ?? []) if (phone.trim() !== '') lines.push(`Phone: ${phone.trim()}`);
  for (const email of person.emails ?? []) if (email.trim() !== '') lines.push(`Email: ${email.trim()}`);
  if (person.homeAddress) {
    const address = formatAddress(person.homeAddress);
    if (address !== '') lines.push(`Home address: ${address}`);
  }

  for (const [field, label] of DESCRIPTION_LABELS) {
    const value = person.description?.[field];
    if (value !== undefined && value.trim() !== '') lines.push(`${label}: ${value.trim()}`);
  }
  if (lines.length === 1) lines.push('No identifying details or physical description were given.');
  return lines.join('\n');
}

/** `YYYY-MM-DD` to the dd/mm/yyyy people read; other values are returned unchanged. */
function formatDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
}

function formatAddress(address: ContactAddress): string {
  const parts = [address.flat, address.buildingName, address.buildingNumber, address.street, address.locality, address.town, address.county, address.postcode, address.description];
  return parts.filter((part) => part !== undefined && part.trim() !== '').join(', ');
}
