/** Field readers shared by the SDM and raw SOH normalisers. Each records drift instead of dropping a value. */
import type { ContactAddress, ContactIncident, ContactTime } from '../contact/types';
import { looksLikeCode } from './codes';
import { jsonApiError, type JsonApiError } from './errors';
import type { DriftCollector } from './drift';
import { parseContactTime } from './time';

export type Path = ReadonlyArray<string | number>;

export interface FieldContext {
  drift: DriftCollector;
  receivedAt: Date;
}

/** Submission ids in iHub documents seen so far are UUIDs (36 characters). Far longer text is not an id and would bloat logs and the ledger. */
export const MAX_SUBMISSION_ID_LENGTH = 200;

/**
 * Returns why a value cannot be a submission id, as a phrase such as "is missing", or undefined
 * when it can. The intake, the writers, the Reference Allocator and the Audit Logger share this
 * rule. An object id would become "[object Object]", so two submissions would share one ledger
 * entry, reference and idempotency key.
 */
export function submissionIdProblem(value: unknown): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return 'is missing';
  if (typeof value !== 'string') return `is ${Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `a ${typeof value}`}, not text`;
  const length = value.trim().length;
  if (length > MAX_SUBMISSION_ID_LENGTH) return `is ${length} characters long; the limit is ${MAX_SUBMISSION_ID_LENGTH}`;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) return 'contains control characters such as line breaks';
  // An id is written into logs, CHS and the audit trail, where these would change how a line reads.
  if (/[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/.test(value)) return 'contains invisible or bidirectional formatting characters';
  return undefined;
}

/** Checks a submission id, returning the 422 error for a missing, empty, over-long or non-text one. */
export function checkSubmissionId(rawId: unknown, pointer: string, documentName: string): JsonApiError | undefined {
  if (submissionIdProblem(rawId) === undefined) return undefined;
  const missing = rawId === undefined;
  return jsonApiError(
    422,
    missing ? 'missing-submission-id' : 'invalid-submission-id',
    missing ? 'Missing submission id' : 'Invalid submission id',
    `${documentName} needs a "submissionId" as non-empty text of at most ${MAX_SUBMISSION_ID_LENGTH} characters without control or formatting characters; it identifies the submission for idempotent re-delivery.`,
    { pointer },
  );
}

/** Reads a text field; numbers are accepted as text, other types are reported. */
export function readText(ctx: FieldContext, value: unknown, path: Path): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  ctx.drift.add('unexpected-type', path, 'Expected text; the value is kept as received.', value);
  return undefined;
}

/** Reads a name given either as text or as an array of parts (the SDM sends `givenName` as an array). */
export function readNameParts(ctx: FieldContext, value: unknown, path: Path): string | undefined {
  if (Array.isArray(value)) {
    const parts = value.map((part, index) => readText(ctx, part, [...path, index])).filter((part): part is string => !!part);
    return parts.length > 0 ? parts.join(' ') : undefined;
  }
  return readText(ctx, value, path);
}

const TRUE_TEXT = new Set(['true', 'yes', 'y']);
const FALSE_TEXT = new Set(['false', 'no', 'n']);

/** Reads a yes/no field. The SDM sends some as booleans and some as text such as `"FALSE"`. */
export function readBoolean(ctx: FieldContext, value: unknown, path: Path): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (TRUE_TEXT.has(lower)) return true;
    if (FALSE_TEXT.has(lower)) return false;
  }
  ctx.drift.add('unexpected-type', path, 'Expected true or false; the value is kept as received.', value);
  return undefined;
}

/** Reads a number given as a number or as numeric text (the SDM sends coordinates as text). */
export function readNumber(ctx: FieldContext, value: unknown, path: Path): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  ctx.drift.add('unexpected-type', path, 'Expected a number; the value is kept as received.', value);
  return undefined;
}

/** Reads a date-time and reports a value that cannot be read. */
export function readTime(ctx: FieldContext, value: unknown, path: Path): ContactTime | undefined {
  const time = parseContactTime(value, ctx.receivedAt);
  if (time?.flags.includes('unparseable')) {
    ctx.drift.add('unexpected-type', path, 'Expected an ISO 8601 date-time such as 2023-06-12T15:09:33.880+01:00.', value);
  }
  return time;
}

/** Reads `YYYY-MM-DD`; anything else is reported. */
export function readDate(ctx: FieldContext, value: unknown, path: Path): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value + 'T00:00:00Z'))) {
    return value;
  }
  ctx.drift.add('unexpected-type', path, 'Expected a date as YYYY-MM-DD; the value is kept as received.', value);
  return undefined;
}

/** Reads a coded or free-text value as a label a person can read: the English label, else the code, else the text. */
export function readLabel(ctx: FieldContext, value: unknown, path: Path): string | undefined {
  if (Array.isArray(value)) {
    const labels = value.map((item, index) => readLabel(ctx, item, [...path, index])).filter((label): label is string => !!label);
    return labels.length > 0 ? labels.join(', ') : undefined;
  }
  if (looksLikeCode(value)) {
    const coded = ctx.drift.code(value, path);
    return coded?.en ?? coded?.code;
  }
  return readText(ctx, value, path);
}

function firstText(ctx: FieldContext, attributes: Record<string, unknown>, path: Path, names: string[]): string | undefined {
  for (const name of names) {
    const text = readText(ctx, attributes[name], [...path, name]);
    if (text !== undefined) return text;
  }
  return undefined;
}

/**
 * Reads an address from SDM location attributes. Raw SOH names (`streetName`, `townOrCity`, `osUprn`)
 * are accepted too because the raw normaliser shares this reader.
 */
export function readAddress(ctx: FieldContext, attributes: Record<string, unknown>, path: Path): ContactAddress {
  const address: ContactAddress = {};
  const set = <K extends keyof ContactAddress>(key: K, value: ContactAddress[K] | undefined): void => {
    if (value !== undefined) address[key] = value;
  };
  set('uprn', firstText(ctx, attributes, path, ['uprn', 'osUprn']));
  set('buildingName', firstText(ctx, attributes, path, ['buildingName']));
  set('buildingNumber', firstText(ctx, attributes, path, ['buildingNumber']));
  set('flat', firstText(ctx, attributes, path, ['subBuildingName', 'flat']));
  set('street', firstText(ctx, attributes, path, ['street', 'streetName']));
  set('locality', firstText(ctx, attributes, path, ['locality', 'dependentLocality']));
  set('town', firstText(ctx, attributes, path, ['cityOrTown', 'townOrCity', 'town']));
  set('county', firstText(ctx, attributes, path, ['county']));
  set('postcode', firstText(ctx, attributes, path, ['postcode']));
  set('country', readLabel(ctx, attributes.country, [...path, 'country']));
  set('latitude', readNumber(ctx, attributes.latitude, [...path, 'latitude']));
  set('longitude', readNumber(ctx, attributes.longitude, [...path, 'longitude']));
  set('easting', readNumber(ctx, attributes.easting, [...path, 'easting']));
  set('northing', readNumber(ctx, attributes.northing, [...path, 'northing']));
  set(
    'description',
    firstText(ctx, attributes, path, ['fullAddress', 'addressDescription', 'locationDetails', 'mapLocationAdditionalDetails', 'locationDescription']),
  );
  return address;
}

/**
 * Reads the incident facts that the SDM incident and the raw SOH `incidentDetails` section name
 * alike, from `exactTimeKnown` to `modusOperandi`, into `incident`. Description and times differ
 * between the two shapes, so their readers take those themselves.
 */
export function readIncidentFacts(ctx: FieldContext, source: Record<string, unknown>, at: (name: string) => Path, incident: ContactIncident): void {
  const assign = <K extends keyof ContactIncident>(key: K, value: ContactIncident[K] | undefined): void => {
    if (value !== undefined) incident[key] = value;
  };
  assign('exactTimeKnown', readBoolean(ctx, source.incidentExactTimeKnown, at('incidentExactTimeKnown')));
  const approximate = [source.incidentDateTimeDescription, source.incidentApproximateDate, source.incidentApproximateTime]
    .filter((value): value is string => typeof value === 'string' && value.trim() !== '')
    .join(' ');
  assign('approximateTimeText', approximate || undefined);
  assign('stillHappening', readBoolean(ctx, source.incidentStillHappening, at('incidentStillHappening')));
  assign('onPublicTransport', readBoolean(ctx, source.incidentOnPublicTransport, at('incidentOnPublicTransport')));
  assign('reportedAlready', readBoolean(ctx, source.incidentReportedAlready, at('incidentReportedAlready')));
  assign('previousReference', readText(ctx, source.incidentReportedAlreadyReference, at('incidentReportedAlreadyReference')));
  assign('hateCrime', readBoolean(ctx, source.subjectedToHateCrime, at('subjectedToHateCrime')));
  assign('physicallyAssaulted', readBoolean(ctx, source.physicallyAssaulted, at('physicallyAssaulted')));
  assign('hadWeapon', readBoolean(ctx, source.hadWeapon, at('hadWeapon')));
  assign('modusOperandi', readText(ctx, source.modusOperandi, at('modusOperandi')));
}
