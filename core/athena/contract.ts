/**
 * The contract this package speaks to Athena (NEC's records management system). Athena's own
 * interfaces are not public, so this is the package's side of the bargain: a force's integration
 * team maps it onto their Athena interface, or puts an adapter in between. The zod schemas are the
 * single source: the simulator validates with them and `docs/contracts/athena.openapi.yaml` is
 * generated from them.
 */
import { z } from 'zod/v4';
import type { ApiContract } from '../http/openapi';

export const ATHENA_API_VERSION = '1.0.0';
export const ATHENA_API_PREFIX = '/api/v1';

const E164 = /^\+[1-9]\d{7,14}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const NominalRoleSchema = z
  .enum(['victim', 'witness', 'personReporting', 'knownSuspect', 'unknownSuspect'])
  .describe('Role of a nominal in an occurrence, as the SDM incident-to-person link reasons.');
export type NominalRole = z.infer<typeof NominalRoleSchema>;

export const ExternalKeysSchema = z
  .object({
    submissionId: z.string().min(1).max(200).describe('SDM `submissionId` of the submission that caused this record.'),
    forceReference: z.string().min(1).max(100).optional().describe('Reference the force gave the person reporting, when allocated.'),
    sourceId: z.string().min(1).max(200).optional().describe('SDM id of the entity this record came from, e.g. `person.witness.713148239`.'),
  })
  .strict()
  .describe('Keys from the sending system, stored on every record so it can be traced back and found again.');
export type ExternalKeys = z.infer<typeof ExternalKeysSchema>;

export const AddressSchema = z
  .object({
    uprn: z.string().max(12).optional(),
    buildingName: z.string().max(200).optional(),
    buildingNumber: z.string().max(50).optional(),
    flat: z.string().max(50).optional(),
    street: z.string().max(200).optional(),
    locality: z.string().max(200).optional(),
    town: z.string().max(200).optional(),
    county: z.string().max(200).optional(),
    postcode: z.string().max(10).optional(),
    country: z.string().max(100).optional(),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
    easting: z.number().optional(),
    northing: z.number().optional(),
    description: z.string().max(2000).optional().describe('Free text given instead of, or beside, a structured address.'),
  })
  .strict();
export type Address = z.infer<typeof AddressSchema>;

export const LocationKindSchema = z.enum(['incident', 'home', 'stolenFrom', 'business', 'other']);

export const LocationInputSchema = z.object({ kind: LocationKindSchema, address: AddressSchema, externalKeys: ExternalKeysSchema }).strict();
export const LocationSchema = LocationInputSchema.extend({ id: z.string() });

export const ObjectTypeSchema = z
  .enum(['property', 'vehicle', 'bicycle', 'bankCard', 'phone', 'weapon', 'other'])
  .describe('POLE object type. SDM `mobile` and `telephone` map to `phone`; types Athena does not model go to `other`.');
export type ObjectType = z.infer<typeof ObjectTypeSchema>;

export const OccurrenceObjectInputSchema = z
  .object({
    type: ObjectTypeSchema,
    summary: z.string().min(1).max(500).describe('One line a person can read, e.g. "Bicycle: Raleigh, red, frame 12345".'),
    attributes: z.record(z.string(), z.unknown()).describe('The SDM attributes as received.'),
    externalKeys: ExternalKeysSchema,
  })
  .strict();
export const OccurrenceObjectSchema = OccurrenceObjectInputSchema.extend({ id: z.string() });

export const NominalLinkInputSchema = z
  .object({
    nominalId: z.string().min(1),
    roles: z.array(NominalRoleSchema).min(1),
    externalKeys: ExternalKeysSchema,
  })
  .strict();
export type NominalLinkInput = z.infer<typeof NominalLinkInputSchema>;
export const NominalLinkSchema = NominalLinkInputSchema.extend({ id: z.string(), createdAt: z.string() });
export type NominalLink = z.infer<typeof NominalLinkSchema>;

export const DescriptionKindSchema = z
  .enum(['person-below-threshold', 'additional-information'])
  .describe('`person-below-threshold`: a person described by the reporter who did not meet the Minimum POLE Data Standards for a person record.');

export const DescriptionInputSchema = z
  .object({
    kind: DescriptionKindSchema,
    text: z.string().min(1).max(20_000),
    externalKeys: ExternalKeysSchema,
  })
  .strict();
export type DescriptionInput = z.infer<typeof DescriptionInputSchema>;
export const DescriptionSchema = DescriptionInputSchema.extend({ id: z.string(), createdAt: z.string() });
export type Description = z.infer<typeof DescriptionSchema>;

export const CreateOccurrenceRequestSchema = z
  .object({
    externalKeys: ExternalKeysSchema,
    occurrenceType: z.string().min(1).max(50).describe('SOH service code, e.g. `OCR`, `RTI`, `ASB`.'),
    title: z.string().min(1).max(200),
    description: z.string().max(50_000).describe("The incident description in the reporter's words."),
    occurredFrom: z.iso.datetime({ offset: true }).optional(),
    occurredTo: z.iso.datetime({ offset: true }).optional(),
    reportedAt: z.iso.datetime({ offset: true }),
    howReported: z.literal('online').describe('Always `online` for Single Online Home contact.'),
    locations: z.array(LocationInputSchema),
    objects: z.array(OccurrenceObjectInputSchema),
    nominalLinks: z.array(NominalLinkInputSchema).optional().describe('Links to existing nominals. The Athena Writer links people afterwards instead.'),
  })
  .strict();
export type CreateOccurrenceRequest = z.infer<typeof CreateOccurrenceRequestSchema>;

export const OccurrenceSchema = CreateOccurrenceRequestSchema.omit({ nominalLinks: true, locations: true, objects: true }).extend({
  id: z.string(),
  occurrenceNumber: z.string().describe('Athena occurrence number shown to people.'),
  createdAt: z.string(),
  locations: z.array(LocationSchema),
  objects: z.array(OccurrenceObjectSchema),
  nominalLinks: z.array(NominalLinkSchema),
  descriptions: z.array(DescriptionSchema),
});
export type Occurrence = z.infer<typeof OccurrenceSchema>;

export const OccurrenceListSchema = z.object({ items: z.array(OccurrenceSchema) });
export type OccurrenceList = z.infer<typeof OccurrenceListSchema>;

export const OccurrenceQuerySchema = z.object({
  externalReference: z.string().min(1).max(200).describe('A submission id or force reference from `externalKeys`.'),
});

export const PersonDescriptionSchema = z
  .object({
    build: z.string().max(200).optional(),
    complexion: z.string().max(200).optional(),
    distinguishingFeatures: z.string().max(2000).optional(),
    leftEyeColour: z.string().max(100).optional(),
    rightEyeColour: z.string().max(100).optional(),
    ethnicity: z.string().max(100).optional(),
    height: z.string().max(100).optional(),
    hairColour: z.string().max(100).optional(),
    clothing: z.string().max(2000).optional(),
    freeText: z.string().max(5000).optional(),
  })
  .strict();

export const CreateNominalRequestSchema = z
  .object({
    kind: z.enum(['known', 'unknown']).describe('`unknown` for an unknown suspect described by physical attributes.'),
    title: z.string().max(50).optional(),
    givenName: z.string().min(1).max(100).optional(),
    middleNames: z.string().max(200).optional(),
    familyName: z.string().min(1).max(100).optional(),
    dateOfBirth: z.string().regex(ISO_DATE, 'must be YYYY-MM-DD').optional(),
    age: z.number().int().min(0).max(130).optional(),
    gender: z.string().regex(/^GNDR_\d{4}$/, 'must be an SDM gender code such as GNDR_0001').optional(),
    emails: z.array(z.email()),
    phones: z.array(z.string().regex(E164, 'must be E.164, e.g. +447700900123')),
    homeAddress: AddressSchema.optional(),
    description: PersonDescriptionSchema.optional(),
    policeIdentifiers: z.record(z.string(), z.string()).describe('For example `{ "pnc": "96/123456A" }`.'),
    externalKeys: ExternalKeysSchema,
  })
  .strict();
export type CreateNominalRequest = z.infer<typeof CreateNominalRequestSchema>;

export const NominalSchema = CreateNominalRequestSchema.omit({ externalKeys: true }).extend({
  id: z.string(),
  nominalNumber: z.string(),
  createdAt: z.string(),
  externalKeys: z.array(ExternalKeysSchema).describe('Keys of every submission that created or linked this nominal.'),
});
export type Nominal = z.infer<typeof NominalSchema>;

export const SearchKeySchema = z.enum(['email', 'phone', 'name', 'name+dateOfBirth', 'policeIdentifier']);
export type SearchKey = z.infer<typeof SearchKeySchema>;

export const NominalSearchRequestSchema = z
  .object({
    emails: z.array(z.email()).max(10).optional(),
    phones: z.array(z.string().regex(E164, 'must be E.164, e.g. +447700900123')).max(10).optional(),
    familyName: z.string().min(1).max(100).optional(),
    givenName: z.string().min(1).max(100).optional(),
    dateOfBirth: z.string().regex(ISO_DATE, 'must be YYYY-MM-DD').optional(),
    policeIdentifiers: z.record(z.string(), z.string()).optional(),
    limit: z.number().int().min(1).max(50).optional().describe('Maximum candidates returned (default 20).'),
  })
  .strict()
  .refine(
    (search) =>
      (search.emails?.length ?? 0) > 0 ||
      (search.phones?.length ?? 0) > 0 ||
      (search.familyName !== undefined && search.givenName !== undefined) ||
      Object.keys(search.policeIdentifiers ?? {}).length > 0,
    { message: 'Give at least one search key: emails, phones, familyName with givenName, or policeIdentifiers.' },
  )
  .describe(
    'Any key may match (OR). Names match without case, diacritics, spaces, hyphens or apostrophes; `dateOfBirth` narrows a name search to `name+dateOfBirth`.',
  );
export type NominalSearchRequest = z.infer<typeof NominalSearchRequestSchema>;

export const NominalSearchResultSchema = z.object({
  candidates: z.array(z.object({ nominal: NominalSchema, matchedOn: z.array(SearchKeySchema) })),
});
export type NominalSearchResult = z.infer<typeof NominalSearchResultSchema>;

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string() });

export const ErrorSchema = z.object({
  errors: z.array(
    z.object({
      status: z.string(),
      code: z.string(),
      title: z.string(),
      detail: z.string().optional(),
      source: z.object({ pointer: z.string().optional(), parameter: z.string().optional(), header: z.string().optional() }).optional(),
      meta: z.object({ retryable: z.boolean() }).optional(),
    }),
  ),
});

export const TokenRequestSchema = z.object({
  grant_type: z.literal('client_credentials'),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  scope: z.string().optional(),
});

export const TokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});

const json = (schema: string, description: string) => ({ schema, description });
const error = (description: string) => ({ schema: 'Error', description });
const p = ATHENA_API_PREFIX;

export const athenaContract: ApiContract = {
  name: 'athena',
  title: 'Athena records interface used by n8n-nodes-contact-hub',
  version: ATHENA_API_VERSION,
  simulatorPort: 5682,
  description:
    'Occurrences, nominals and links as the Athena Writer sends them. Every record carries the external keys of the submission; every write needs an Idempotency-Key. See docs/contracts/athena-mapping.md for how the canonical contact item maps onto it.',
  schemas: {
    ExternalKeys: ExternalKeysSchema,
    Address: AddressSchema,
    NominalRole: NominalRoleSchema,
    CreateOccurrenceRequest: CreateOccurrenceRequestSchema,
    Occurrence: OccurrenceSchema,
    OccurrenceList: OccurrenceListSchema,
    DescriptionInput: DescriptionInputSchema,
    Description: DescriptionSchema,
    NominalLinkInput: NominalLinkInputSchema,
    NominalLink: NominalLinkSchema,
    CreateNominalRequest: CreateNominalRequestSchema,
    Nominal: NominalSchema,
    NominalSearchRequest: NominalSearchRequestSchema,
    NominalSearchResult: NominalSearchResultSchema,
    Health: HealthSchema,
    Error: ErrorSchema,
    TokenRequest: TokenRequestSchema,
    TokenResponse: TokenResponseSchema,
  },
  securitySchemes: {
    apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    oauth2: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: {} } } },
  },
  commonResponses: {
    '401': error('Missing or invalid credentials.'),
    '429': error('Too many requests; wait for `Retry-After` seconds.'),
    '500': error('Server error; retry with the same Idempotency-Key.'),
    '503': error('Unavailable; retry with the same Idempotency-Key after `Retry-After` seconds.'),
  },
  operations: [
    {
      operationId: 'getToken',
      method: 'post',
      path: '/oauth/token',
      summary: 'Get an access token (OAuth2 client credentials)',
      requestBody: { schema: 'TokenRequest', contentType: 'application/x-www-form-urlencoded' },
      authenticated: false,
      responses: { '200': json('TokenResponse', 'Access token.'), '401': error('Unknown client or wrong secret.') },
    },
    {
      operationId: 'getHealth',
      method: 'get',
      path: `${p}/health`,
      summary: 'Check the service is up',
      authenticated: false,
      responses: { '200': json('Health', 'Service is up.') },
    },
    {
      operationId: 'createOccurrence',
      method: 'post',
      path: `${p}/occurrences`,
      summary: 'Create an occurrence with its locations and objects',
      tags: ['occurrences'],
      requestBody: { schema: 'CreateOccurrenceRequest' },
      idempotent: true,
      responses: {
        '201': json('Occurrence', 'Occurrence created.'),
        '409': error('Idempotency-Key reused for a different request.'),
        '422': error('Invalid request body, or a linked nominal does not exist.'),
      },
    },
    {
      operationId: 'findOccurrences',
      method: 'get',
      path: `${p}/occurrences`,
      summary: 'Find occurrences by an external reference',
      tags: ['occurrences'],
      query: OccurrenceQuerySchema,
      responses: { '200': json('OccurrenceList', 'Matching occurrences, oldest first; empty when none.'), '400': error('Missing or invalid query parameter.') },
    },
    {
      operationId: 'getOccurrence',
      method: 'get',
      path: `${p}/occurrences/{id}`,
      summary: 'Get an occurrence with its links and descriptions',
      tags: ['occurrences'],
      pathParameters: { id: 'Occurrence id.' },
      responses: { '200': json('Occurrence', 'The occurrence.'), '404': error('No occurrence with this id.') },
    },
    {
      operationId: 'addOccurrenceDescription',
      method: 'post',
      path: `${p}/occurrences/{id}/descriptions`,
      summary: 'Add description text to an occurrence',
      tags: ['occurrences'],
      pathParameters: { id: 'Occurrence id.' },
      requestBody: { schema: 'DescriptionInput' },
      idempotent: true,
      responses: { '201': json('Description', 'Description added.'), '404': error('No occurrence with this id.'), '409': error('Idempotency-Key reused.'), '422': error('Invalid request body.') },
    },
    {
      operationId: 'linkNominal',
      method: 'post',
      path: `${p}/occurrences/{id}/nominal-links`,
      summary: 'Link an existing nominal to an occurrence with roles',
      description: 'Linking a nominal that is already linked adds any new roles to the existing link and returns it with 200.',
      tags: ['occurrences', 'nominals'],
      pathParameters: { id: 'Occurrence id.' },
      requestBody: { schema: 'NominalLinkInput' },
      idempotent: true,
      responses: {
        '200': json('NominalLink', 'Nominal already linked; roles merged.'),
        '201': json('NominalLink', 'Link created.'),
        '404': error('No occurrence with this id.'),
        '409': error('Idempotency-Key reused.'),
        '422': error('Invalid body, or no nominal with this id.'),
      },
    },
    {
      operationId: 'searchNominals',
      method: 'post',
      path: `${p}/nominals/search`,
      summary: 'Search nominals by deterministic keys',
      tags: ['nominals'],
      requestBody: { schema: 'NominalSearchRequest' },
      responses: { '200': json('NominalSearchResult', 'Candidates with the keys they matched on; empty when none.'), '422': error('Invalid search.') },
    },
    {
      operationId: 'createNominal',
      method: 'post',
      path: `${p}/nominals`,
      summary: 'Create a nominal',
      description: 'A `known` nominal needs givenName, familyName, gender and dateOfBirth or age; the simulator rejects one without them with 422.',
      tags: ['nominals'],
      requestBody: { schema: 'CreateNominalRequest' },
      idempotent: true,
      responses: { '201': json('Nominal', 'Nominal created.'), '409': error('Idempotency-Key reused.'), '422': error('Invalid request body.') },
    },
    {
      operationId: 'getNominal',
      method: 'get',
      path: `${p}/nominals/{id}`,
      summary: 'Get a nominal',
      tags: ['nominals'],
      pathParameters: { id: 'Nominal id.' },
      responses: { '200': json('Nominal', 'The nominal.'), '404': error('No nominal with this id.') },
    },
  ],
};
