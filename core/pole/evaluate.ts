/**
 * The Minimum POLE Data Standards (NPCC, v1.1, 2023) thresholds for creating a person record:
 * "4+1" for a known person, "at least 4 of 7" physical attributes for an unknown suspect.
 */
import type { CodedValue, ContactAddress, ContactPerson, PersonRole } from '../contact/types';
import { checkPlaceholder, DEFAULT_PLACEHOLDER_RULES, type PlaceholderKind, type PlaceholderRules } from './placeholders';
import { normalisePhone } from './phone';

export type PoleRule = '4+1' | 'unknown-suspect-4-of-7';

export type KnownPersonField = 'givenName' | 'familyName' | 'dateOfBirthOrAge' | 'gender' | 'contactReference';
export type ContactReferenceKind = 'homeAddress' | 'phone' | 'email';
export type UnknownSuspectField =
  | 'gender'
  | 'build'
  | 'complexion'
  | 'distinguishingFeatures'
  | 'leftEyeColour'
  | 'rightEyeColour'
  | 'ethnicity';

export const UNKNOWN_SUSPECT_FIELDS: readonly UnknownSuspectField[] = [
  'gender', 'build', 'complexion', 'distinguishingFeatures', 'leftEyeColour', 'rightEyeColour', 'ethnicity',
];

/** A value that was present but did not count. The value itself is left out because it may be personal data. */
export interface RejectedValue {
  field: string;
  kind: PlaceholderKind | 'invalid-date' | 'invalid-age' | 'invalid-phone' | 'invalid-email' | 'incomplete-address' | 'invalid-gender';
}

export interface PersonEvaluation {
  eligible: boolean;
  rule: PoleRule;
  /** Every field the rule considers, with whether it counted. */
  counted: Record<string, boolean>;
  /** Contact references that counted for the "+1" of 4+1. Empty for the unknown-suspect rule. */
  contactReferences: ContactReferenceKind[];
  /** Fields that are absent or did not count. */
  missing: string[];
  rejectedPlaceholders: RejectedValue[];
  /** How many of the rule's fields counted, and how many the rule needs. */
  countedTotal: number;
  required: number;
}

export interface EvaluateOptions {
  placeholderRules?: PlaceholderRules;
  /** Gender codes that mean "not known" or "not stated" in the force's tables. */
  unknownGenderCodes?: string[];
  /** Dates of birth that systems use as fillers rather than a real date. */
  placeholderDatesOfBirth?: string[];
  /** Reference date for "date of birth in the future" checks, `YYYY-MM-DD`; defaults to today (UTC). */
  today?: string;
}

export const DEFAULT_PLACEHOLDER_DATES_OF_BIRTH = ['1900-01-01', '1901-01-01', '1800-01-01', '0001-01-01', '9999-12-31'];

/** Picks the rule for a set of roles: the unknown-suspect rule when every role is `unknownSuspect`. */
export function ruleForRoles(roles: PersonRole[]): PoleRule {
  return roles.length > 0 && roles.every((role) => role === 'unknownSuspect') ? 'unknown-suspect-4-of-7' : '4+1';
}

/** Evaluate a person against the threshold for the given role. */
export function evaluatePerson(person: ContactPerson, role: PersonRole, options: EvaluateOptions = {}): PersonEvaluation {
  return role === 'unknownSuspect' ? evaluateUnknownSuspect(person, options) : evaluateKnownPerson(person, options);
}

function evaluateKnownPerson(person: ContactPerson, options: EvaluateOptions): PersonEvaluation {
  const rules = options.placeholderRules ?? DEFAULT_PLACEHOLDER_RULES;
  const rejected: RejectedValue[] = [];

  const givenName = countText('givenName', person.givenName, 'name', rules, rejected);
  const familyName = countText('familyName', person.familyName, 'name', rules, rejected);
  const dateOfBirthOrAge = countDateOfBirth(person.dateOfBirth, options, rejected) || countAge(person.age, rejected);
  const gender = countGender(person.gender, options, rejected);

  const contactReferences: ContactReferenceKind[] = [];
  if (countAddress(person.homeAddress, rules, rejected)) contactReferences.push('homeAddress');
  if (countPhones(person.phones, rejected)) contactReferences.push('phone');
  if (countEmails(person.emails, rules, rejected)) contactReferences.push('email');

  const counted: Record<KnownPersonField, boolean> = {
    givenName,
    familyName,
    dateOfBirthOrAge,
    gender,
    contactReference: contactReferences.length > 0,
  };
  const missing = (Object.keys(counted) as KnownPersonField[]).filter((field) => !counted[field]);
  const countedTotal = Object.values(counted).filter(Boolean).length;

  return {
    eligible: missing.length === 0,
    rule: '4+1',
    counted,
    contactReferences,
    missing,
    rejectedPlaceholders: rejected,
    countedTotal,
    required: 5,
  };
}

function evaluateUnknownSuspect(person: ContactPerson, options: EvaluateOptions): PersonEvaluation {
  const rules = options.placeholderRules ?? DEFAULT_PLACEHOLDER_RULES;
  const rejected: RejectedValue[] = [];
  const description = person.description ?? {};

  const counted: Record<UnknownSuspectField, boolean> = {
    gender: countGender(person.gender, options, rejected),
    build: countText('build', description.build, 'description', rules, rejected),
    complexion: countText('complexion', description.complexion, 'description', rules, rejected),
    distinguishingFeatures: countText('distinguishingFeatures', description.distinguishingFeatures, 'description', rules, rejected),
    leftEyeColour: countText('leftEyeColour', description.leftEyeColour, 'description', rules, rejected),
    rightEyeColour: countText('rightEyeColour', description.rightEyeColour, 'description', rules, rejected),
    ethnicity: countText('ethnicity', description.ethnicity, 'description', rules, rejected),
  };
  const missing = UNKNOWN_SUSPECT_FIELDS.filter((field) => !counted[field]);
  const countedTotal = UNKNOWN_SUSPECT_FIELDS.length - missing.length;

  return {
    eligible: countedTotal >= 4,
    rule: 'unknown-suspect-4-of-7',
    counted,
    contactReferences: [],
    missing,
    rejectedPlaceholders: rejected,
    countedTotal,
    required: 4,
  };
}

function countText(
  field: string,
  value: string | undefined,
  context: 'name' | 'description',
  rules: PlaceholderRules,
  rejected: RejectedValue[],
): boolean {
  if (value === undefined || value === null) return false;
  const check = checkPlaceholder(value, context, rules);
  if (!check.rejected) return true;
  if (check.kind !== 'empty') rejected.push({ field, kind: check.kind! });
  return false;
}

/** Checks for a valid calendar date, not in the future, not a filler date, and not more than 130 years ago. */
export function isUsableDateOfBirth(value: string, options: EvaluateOptions = {}): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;

  const fillers = options.placeholderDatesOfBirth ?? DEFAULT_PLACEHOLDER_DATES_OF_BIRTH;
  if (fillers.includes(value)) return false;
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  if (value > today) return false;
  return year >= Number(today.slice(0, 4)) - 130;
}

function countDateOfBirth(value: string | undefined, options: EvaluateOptions, rejected: RejectedValue[]): boolean {
  if (value === undefined || value.trim() === '') return false;
  if (isUsableDateOfBirth(value.trim(), options)) return true;
  rejected.push({ field: 'dateOfBirth', kind: 'invalid-date' });
  return false;
}

function countAge(value: number | undefined, rejected: RejectedValue[]): boolean {
  if (value === undefined || value === null) return false;
  if (Number.isInteger(value) && value >= 0 && value <= 130) return true;
  rejected.push({ field: 'age', kind: 'invalid-age' });
  return false;
}

/** Counts a gender when it is an SDM `GNDR_nnnn` code, not one of the force's "not known" codes, and its label is not a placeholder. */
function countGender(value: CodedValue | undefined, options: EvaluateOptions, rejected: RejectedValue[]): boolean {
  if (value === undefined || value === null || !value.code) return false;
  const unknownCodes = options.unknownGenderCodes ?? [];
  const label = value.en ?? '';
  const labelIsPlaceholder = label !== '' && checkPlaceholder(label, 'description', options.placeholderRules).kind === 'placeholder';
  if (!/^GNDR_\d{4}$/.test(value.code) || unknownCodes.includes(value.code) || labelIsPlaceholder) {
    rejected.push({ field: 'gender', kind: 'invalid-gender' });
    return false;
  }
  return true;
}

function countPhones(phones: string[] | undefined, rejected: RejectedValue[]): boolean {
  let anyCounted = false;
  for (const phone of phones ?? []) {
    if (normalisePhone(phone)) anyCounted = true;
    else if (phone.trim() !== '') rejected.push({ field: 'phones', kind: 'invalid-phone' });
  }
  return anyCounted;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

function countEmails(emails: string[] | undefined, rules: PlaceholderRules, rejected: RejectedValue[]): boolean {
  let anyCounted = false;
  for (const email of emails ?? []) {
    const trimmed = email.trim();
    if (trimmed === '') continue;
    const localPart = trimmed.split('@')[0];
    if (EMAIL_SHAPE.test(trimmed) && !checkPlaceholder(localPart, 'description', rules).rejected) anyCounted = true;
    else rejected.push({ field: 'emails', kind: 'invalid-email' });
  }
  return anyCounted;
}

/**
 * Counts an address when it can be found again: a UPRN, a postcode, a street with a building
 * number, name or flat, or a free-text description that is not a placeholder.
 */
function countAddress(address: ContactAddress | undefined, rules: PlaceholderRules, rejected: RejectedValue[]): boolean {
  if (!address) return false;
  const usable = (value: string | undefined) => value !== undefined && !checkPlaceholder(value, 'description', rules).rejected;

  if (usable(address.uprn) || usable(address.postcode)) return true;
  if (usable(address.street) && (usable(address.buildingNumber) || usable(address.buildingName) || usable(address.flat))) return true;
  if (usable(address.description)) return true;

  const anyGiven = Object.values(address).some((value) => value !== undefined && value !== '');
  if (anyGiven) rejected.push({ field: 'homeAddress', kind: 'incomplete-address' });
  return false;
}
