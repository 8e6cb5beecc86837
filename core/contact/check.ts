/** Shape check of a canonical contact item received from another node. No n8n imports. */
import { MAX_SUBMISSION_ID_LENGTH, submissionIdProblem } from '../sdm/fields';
import type { PersonRole } from './types';

/** The first field of an item that does not have the canonical contact shape, and what it should be. */
export interface ContactShapeProblem {
  /** Path in the item, e.g. `people[2]`. */
  field: string;
  expected: string;
}

/**
 * Top-level fields of the canonical contact item and the fields that nodes add to it. A node that
 * lets an analyst name its output field rejects these, so a typo cannot overwrite the contact.
 */
export const RESERVED_ITEM_FIELDS: ReadonlySet<string> = new Set([
  'contactItemVersion',
  'source',
  'receivedVia',
  'formType',
  'formTypeLabel',
  'formTypeLabelWelsh',
  'submission',
  'incident',
  'people',
  'objects',
  'locations',
  'attachments',
  'drift',
  'receivedAt',
  'bodySha256',
  'original',
  'chs',
  'athena',
  'audit',
  'manualHandling',
  'error',
]);

const PERSON_ROLES: readonly PersonRole[] = ['victim', 'witness', 'personReporting', 'knownSuspect', 'unknownSuspect'];
const PERSON_TEXT_FIELDS = ['title', 'givenName', 'middleNames', 'familyName', 'dateOfBirth', 'organisationName'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the parts of a canonical contact item that the writers read, so an item from a Code or
 * Set node that changed them fails with the field named, not with a TypeError deep in a mapping.
 * `attachments` and `drift` are checked only when present, because the Athena Writer does not read them.
 */
export function contactShapeProblem(json: unknown): ContactShapeProblem | undefined {
  if (!isRecord(json)) return { field: 'item', expected: 'a JSON object' };

  const submission = json.submission;
  const idProblem = submissionIdProblem(isRecord(submission) ? submission.id : undefined);
  if (idProblem !== undefined) {
    return { field: 'submission.id', expected: `a non-empty string of at most ${MAX_SUBMISSION_ID_LENGTH} characters without control or formatting characters, but it ${idProblem}` };
  }
  if (typeof json.formType !== 'string' || json.formType === '') return { field: 'formType', expected: 'an SOH service code such as OCR' };
  if (!isRecord(json.incident)) return { field: 'incident', expected: 'an object' };

  for (const name of ['people', 'objects', 'locations'] as const) {
    if (!Array.isArray(json[name])) return { field: name, expected: 'an array' };
  }
  if (json.attachments !== undefined && !Array.isArray(json.attachments)) return { field: 'attachments', expected: 'an array' };
  if (json.drift !== undefined && !isRecord(json.drift)) return { field: 'drift', expected: 'an object' };
  if (typeof json.receivedAt !== 'string') return { field: 'receivedAt', expected: 'an ISO 8601 time' };

  const people = json.people as unknown[];
  for (let index = 0; index < people.length; index += 1) {
    const problem = personShapeProblem(people[index]);
    if (problem !== undefined) return { field: `people[${index}]${problem.field}`, expected: problem.expected };
  }
  return undefined;
}

/** Checks the person fields that the POLE rules and the mappings read as text; `field` is relative, e.g. `.roles`. */
function personShapeProblem(person: unknown): ContactShapeProblem | undefined {
  if (!isRecord(person) || typeof person.id !== 'string' || person.id === '') return { field: '', expected: 'a person with an id and at least one role' };
  const roles = person.roles;
  if (!Array.isArray(roles) || roles.length === 0) return { field: '.roles', expected: 'at least one role' };
  const unknownRole = roles.find((role) => !PERSON_ROLES.includes(role as PersonRole));
  if (unknownRole !== undefined) return { field: '.roles', expected: `roles from ${PERSON_ROLES.join(', ')}, not ${JSON.stringify(unknownRole)}` };

  for (const name of PERSON_TEXT_FIELDS) {
    if (person[name] !== undefined && typeof person[name] !== 'string') return { field: `.${name}`, expected: 'text' };
  }
  for (const name of ['phones', 'emails'] as const) {
    const values = person[name];
    if (values !== undefined && (!Array.isArray(values) || values.some((value) => typeof value !== 'string'))) {
      return { field: `.${name}`, expected: 'an array of text' };
    }
  }
  if (person.age !== undefined && (typeof person.age !== 'number' || !Number.isFinite(person.age))) return { field: '.age', expected: 'a number' };
  return undefined;
}
