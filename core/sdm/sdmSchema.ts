/**
 * Zod schemas for the SDM JSON:API document iHub sends to `POST /incidents`: an `incident` resource in
 * `data`, linked through `relationships` to resources in `included`. The schemas check structure only;
 * attribute names and values are checked as drift so a changed form still flows.
 */
import { z } from 'zod/v4';

export const resourceIdentifierSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
});

export const relationshipSchema = z.looseObject({
  data: z.union([z.array(resourceIdentifierSchema), resourceIdentifierSchema, z.null()]),
});

export const resourceSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  attributes: z.record(z.string(), z.unknown()).optional(),
  relationships: z.record(z.string(), relationshipSchema).optional(),
});

export const sdmDocumentSchema = z.looseObject({
  data: resourceSchema.extend({ type: z.literal('incident') }),
  included: z.array(resourceSchema).optional(),
});

export type ResourceIdentifier = z.infer<typeof resourceIdentifierSchema>;
export type Relationship = z.infer<typeof relationshipSchema>;
export type SdmResource = z.infer<typeof resourceSchema>;
export type SdmDocument = z.infer<typeof sdmDocumentSchema>;

/** Relationship names the SDM uses from the incident, with the role or link each one expresses. */
export const INCIDENT_RELATIONSHIPS = new Set([
  'submission',
  'personReporting',
  'victim',
  'witness',
  'knownSuspect',
  'unknownSuspect',
  'incidentLocation',
  'incidentEvidence',
  'stolen',
  'damaged',
  'attachments',
  'incidentWeapon',
  'incidentVehicle',
]);

/** Relationship names seen between included resources (person to address, phone, vehicle, …). */
export const RESOURCE_RELATIONSHIPS = new Set([
  'currentAddress',
  'permanentAddress',
  'personalTelephone',
  'personalEmail',
  'businessTelephone',
  'businessEmail',
  'businessAddress',
  'employee',
  'ownershipOf',
  'driverOf',
  'stolenFrom',
  'yourMediaUploads',
  'otherPartyMediaUploads',
  'attachments',
  'socialMedia',
  'guardian',
  'nextOfKin',
]);

/** Top-level members JSON:API allows beside `data` and `included`. */
export const JSON_API_TOP_LEVEL = new Set(['data', 'included', 'jsonapi', 'meta', 'links']);

/** Returns the resource identifiers of a relationship as an array, whichever JSON:API form it uses. */
export function relationshipTargets(relationship: Relationship | undefined): ResourceIdentifier[] {
  if (!relationship || relationship.data === null) return [];
  return Array.isArray(relationship.data) ? relationship.data : [relationship.data];
}
