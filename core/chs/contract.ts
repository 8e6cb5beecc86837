/**
 * The CHS contract: request and response schemas of the contact handling system API this package
 * speaks. CHS products are proprietary, so this is our contract and a force's integration team maps
 * it onto their product (see docs/contracts/chs-mapping.md). The simulator validates with these
 * schemas, the CHS Writer builds its requests from them, and docs/contracts/chs.openapi.yaml is
 * generated from them.
 */
import { z } from 'zod/v4';
import type { ApiContract } from '../http/openapi';

export const CHS_API_PREFIX = '/api/v1';
export const CHS_SIMULATOR_PORT = 5681;
export const CHS_API_KEY_HEADER = 'X-API-Key';

/** External reference systems this package sends. A force may accept others. */
export const EXTERNAL_REFERENCE_SYSTEMS = {
  sohSubmission: 'soh-submission',
  sohReceipt: 'soh-receipt',
  forceReference: 'force-reference',
} as const;

/** Call grading as used by UK forces: emergency, priority, scheduled, resolution without deployment. */
export const CHS_PRIORITIES = ['emergency', 'priority', 'scheduled', 'resolution-without-deployment'] as const;
export type ChsPriority = (typeof CHS_PRIORITIES)[number];

const OPENING_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.\/-]{0,31}$/;

export const OpeningCodeSchema = z
  .string()
  .regex(OPENING_CODE_PATTERN, 'must be 1 to 32 letters, digits or _ . / - and start with a letter or digit')
  .describe('Incident category code from the force’s NSIR-based list, e.g. `CRIME-THEFT`.');

const Timestamp = z.iso.datetime({ offset: true });

export const ExternalReferenceSchema = z
  .object({
    system: z.string().min(1).max(64).describe('Issuing system: `soh-submission` (SOH submission id), `soh-receipt` (the public’s receipt code) or `force-reference`.'),
    value: z.string().min(1).max(200),
  })
  .strict();

export const LocationSchema = z
  .object({
    text: z.string().min(1).max(500).describe('The address or place as one line a person can read.'),
    postcode: z.string().max(16).optional(),
    uprn: z.string().regex(/^\d{1,12}$/, 'must be 1 to 12 digits').optional(),
    latitude: z.number().min(-90).max(90).optional(),
    longitude: z.number().min(-180).max(180).optional(),
    easting: z.number().min(0).max(800_000).optional(),
    northing: z.number().min(0).max(1_400_000).optional(),
  })
  .strict();

export const InformantSchema = z
  .object({
    name: z.string().max(200).optional(),
    phone: z.string().max(50).optional(),
    email: z.string().max(254).optional(),
    address: z.string().max(500).optional(),
    role: z.string().max(100).optional().describe('How the informant is involved, e.g. `victim`, `witness`, `reporting for a business`.'),
    details: z.string().max(4000).optional(),
  })
  .strict()
  .describe('The person who made the report, as text.');

export const PersonTextSchema = z
  .object({
    role: z.string().min(1).max(100).describe('E.g. `victim`, `witness`, `suspect (known)`, `suspect (unknown)`.'),
    text: z.string().min(1).max(4000).describe('Name, description and contact details as one text.'),
  })
  .strict();

export const AttachmentLinkSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    fileName: z.string().max(255).optional(),
    contentType: z.string().max(100).optional(),
    description: z.string().max(1000).optional(),
  })
  .strict();

export const CreateIncidentRequestSchema = z
  .object({
    openingCode: OpeningCodeSchema,
    priority: z.enum(CHS_PRIORITIES),
    location: LocationSchema.optional(),
    narrative: z.string().min(1).max(32_000),
    informant: InformantSchema.optional(),
    otherPeople: z.array(PersonTextSchema).max(100).optional(),
    externalReferences: z
      .array(ExternalReferenceSchema)
      .min(1)
      .max(20)
      .describe('At least one; this package always sends the SOH submission id, so a lost response can be recovered by lookup.'),
    attachments: z.array(AttachmentLinkSchema).max(100).optional(),
    reportedAt: Timestamp.optional().describe('When the public submitted the report (ISO 8601 with offset).'),
    source: z.string().max(64).optional().describe('Channel, e.g. `single-online-home`.'),
  })
  .strict();
export type CreateIncidentRequest = z.infer<typeof CreateIncidentRequestSchema>;

export const CrimeDecisionSchema = z
  .object({
    decision: z.enum(['crime', 'not-crime']),
    rationale: z.string().min(1).max(8000).optional().describe('Required when the decision is `not-crime`.'),
    actions: z.string().max(8000).optional().describe('Actions taken, recorded with a not-crime decision.'),
  })
  .strict()
  .superRefine((value, context) => {
    if (value.decision === 'not-crime' && value.rationale === undefined) {
      context.addIssue({ code: 'custom', path: ['rationale'], message: 'a not-crime decision needs a rationale' });
    }
  });

export const ClassificationSchema = z
  .object({
    code: z.string().min(1).max(32).describe('Home Office classification code as the force records it.'),
    crimeType: z.string().max(200).optional(),
    description: z.string().max(1000).optional(),
  })
  .strict();

export const DeployDecisionSchema = z
  .object({
    decision: z.enum(['deploy', 'no-deploy']),
    rationale: z.string().max(8000).optional(),
  })
  .strict();

export const UpdateIncidentRequestSchema = z
  .object({
    openingCode: OpeningCodeSchema.optional().describe('Amended opening code after the operator’s review.'),
    classification: ClassificationSchema.optional(),
    crimeDecision: CrimeDecisionSchema.optional(),
    deployDecision: DeployDecisionSchema.optional(),
    decidedBy: z.string().max(200).optional().describe('Operator who made the review decision (name or collar number).'),
  })
  .strict()
  .refine((value) => value.openingCode !== undefined || value.classification !== undefined || value.crimeDecision !== undefined || value.deployDecision !== undefined, {
    message: 'an update needs at least one of openingCode, classification, crimeDecision or deployDecision',
  })
  .describe('At least one of openingCode, classification, crimeDecision or deployDecision.');
export type UpdateIncidentRequest = z.infer<typeof UpdateIncidentRequestSchema>;

export const LOG_ENTRY_CATEGORIES = ['note', 'review', 'contact', 'system'] as const;

export const LogEntryRequestSchema = z
  .object({
    text: z.string().min(1).max(8000),
    author: z.string().max(200).optional(),
    category: z.enum(LOG_ENTRY_CATEGORIES).optional().describe('Default `note`.'),
  })
  .strict();
export type LogEntryRequest = z.infer<typeof LogEntryRequestSchema>;

export const LogEntrySchema = z.object({
  id: z.string(),
  incidentId: z.string(),
  text: z.string(),
  author: z.string().optional(),
  category: z.enum(LOG_ENTRY_CATEGORIES),
  createdAt: Timestamp,
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

export const IncidentSchema = z.object({
  id: z.string().describe('CHS incident id, e.g. `INC-000042`.'),
  url: z.string().describe('Link to the incident in this API.'),
  status: z.enum(['open', 'closed']),
  openingCode: z.string(),
  priority: z.enum(CHS_PRIORITIES),
  location: LocationSchema.optional(),
  narrative: z.string(),
  informant: InformantSchema.optional(),
  otherPeople: z.array(PersonTextSchema),
  externalReferences: z.array(ExternalReferenceSchema),
  attachments: z.array(AttachmentLinkSchema),
  reportedAt: Timestamp.optional(),
  source: z.string().optional(),
  classification: ClassificationSchema.optional(),
  crimeDecision: z
    .object({
      decision: z.enum(['crime', 'not-crime']),
      rationale: z.string().optional(),
      actions: z.string().optional(),
      decidedBy: z.string().optional(),
      decidedAt: Timestamp,
    })
    .optional(),
  deployDecision: z
    .object({ decision: z.enum(['deploy', 'no-deploy']), rationale: z.string().optional(), decidedBy: z.string().optional(), decidedAt: Timestamp })
    .optional(),
  logEntries: z.array(LogEntrySchema),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Incident = z.infer<typeof IncidentSchema>;

export const IncidentSearchQuerySchema = z
  .object({
    externalReference: z.string().min(1).max(200).describe('Value of an external reference, e.g. the SOH submission id.'),
    system: z.string().min(1).max(64).optional().describe('Restrict the match to one reference system, e.g. `soh-submission`.'),
  })
  .strict();

export const IncidentListSchema = z.object({ items: z.array(IncidentSchema) });

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string(), time: Timestamp });

export const TokenRequestSchema = z
  .object({
    grant_type: z.literal('client_credentials'),
    client_id: z.string().min(1).optional().describe('Omit when sent with HTTP Basic authentication.'),
    client_secret: z.string().min(1).optional(),
    scope: z.string().optional(),
  })
  .strict();

export const TokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().describe('Lifetime in seconds.'),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const OAuthErrorSchema = z.object({
  error: z.enum(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']),
  error_description: z.string().optional(),
});

export const ErrorSchema = z.object({
  errors: z
    .array(
      z.object({
        status: z.string().describe('HTTP status as a string, e.g. `422`.'),
        code: z.string().describe('Stable machine-readable code, e.g. `validation-failed`.'),
        title: z.string(),
        detail: z.string().optional(),
        source: z.object({ pointer: z.string().optional(), parameter: z.string().optional(), header: z.string().optional() }).optional(),
        meta: z.object({ retryable: z.boolean().describe('Whether the same request may succeed later (408, 429, 5xx).') }).optional(),
      }),
    )
    .min(1),
});
export type ChsErrorBody = z.infer<typeof ErrorSchema>;

const error = (description: string) => ({ description, schema: 'Error' });
const retryAfterHeader = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } };

export const chsContract: ApiContract = {
  name: 'chs',
  title: 'Contact Hub CHS API',
  version: '1.0.0',
  simulatorPort: CHS_SIMULATOR_PORT,
  description: [
    'The contact handling system (CHS) interface spoken by n8n-nodes-contact-hub. CHS products are proprietary,',
    'so a force maps this contract onto its own product (see chs-mapping.md beside this file).',
    'Every write carries an Idempotency-Key header. Errors use one JSON shape (`Error`), and `meta.retryable`',
    'separates application errors (408, 429, 5xx: retry with back-off) from business errors (other 4xx: do not retry).',
  ].join(' '),
  schemas: {
    CreateIncidentRequest: CreateIncidentRequestSchema,
    UpdateIncidentRequest: UpdateIncidentRequestSchema,
    LogEntryRequest: LogEntryRequestSchema,
    LogEntry: LogEntrySchema,
    Incident: IncidentSchema,
    IncidentList: IncidentListSchema,
    Health: HealthSchema,
    TokenRequest: TokenRequestSchema,
    TokenResponse: TokenResponseSchema,
    OAuthError: OAuthErrorSchema,
    Error: ErrorSchema,
  },
  securitySchemes: {
    apiKey: { type: 'apiKey', in: 'header', name: CHS_API_KEY_HEADER },
    oauth2: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: { 'incidents:write': 'Create and update incidents' } } } },
  },
  commonResponses: {
    '401': error('Missing or invalid credentials.'),
    '429': { ...error('Too many requests; retry after the `Retry-After` delay.'), headers: retryAfterHeader },
    '500': error('Server error; retry with back-off.'),
    '503': { ...error('Service unavailable; retry after the `Retry-After` delay.'), headers: retryAfterHeader },
  },
  operations: [
    {
      operationId: 'issueToken',
      method: 'post',
      path: '/oauth/token',
      summary: 'Issue an access token (OAuth2 client credentials)',
      description: 'Client id and secret go in the form body or in an HTTP Basic `Authorization` header.',
      tags: ['auth'],
      authenticated: false,
      requestBody: { schema: 'TokenRequest', contentType: 'application/x-www-form-urlencoded' },
      responses: { '200': { description: 'Token issued.', schema: 'TokenResponse' }, '400': { description: 'Invalid request.', schema: 'OAuthError' }, '401': { description: 'Unknown client or wrong secret.', schema: 'OAuthError' } },
    },
    {
      operationId: 'getHealth',
      method: 'get',
      path: `${CHS_API_PREFIX}/health`,
      summary: 'Check the API is up and the credentials are accepted',
      tags: ['health'],
      responses: { '200': { description: 'Up, credentials accepted.', schema: 'Health' } },
    },
    {
      operationId: 'createIncident',
      method: 'post',
      path: `${CHS_API_PREFIX}/incidents`,
      summary: 'Create an incident',
      description: 'Stores the incident durably before responding with 201. A repeated Idempotency-Key with the same body returns the first 201 response again.',
      tags: ['incidents'],
      idempotent: true,
      requestBody: { schema: 'CreateIncidentRequest' },
      responses: {
        '201': { description: 'Created.', schema: 'Incident' },
        '400': error('Missing Idempotency-Key or invalid JSON.'),
        '409': error('Idempotency-Key already used with a different body.'),
        '422': error('The body does not match the schema; `source.pointer` names the field.'),
      },
    },
    {
      operationId: 'findIncidents',
      method: 'get',
      path: `${CHS_API_PREFIX}/incidents`,
      summary: 'Find incidents by external reference',
      description: 'Lets a client that lost a create response find the incident it may have created.',
      tags: ['incidents'],
      query: IncidentSearchQuerySchema,
      responses: { '200': { description: 'Matching incidents, oldest first (possibly none).', schema: 'IncidentList' }, '400': error('Missing or invalid query parameter.') },
    },
    {
      operationId: 'getIncident',
      method: 'get',
      path: `${CHS_API_PREFIX}/incidents/{id}`,
      summary: 'Get an incident with its log entries',
      tags: ['incidents'],
      pathParameters: { id: 'CHS incident id.' },
      responses: { '200': { description: 'The incident.', schema: 'Incident' }, '404': error('No incident with this id.') },
    },
    {
      operationId: 'updateIncident',
      method: 'patch',
      path: `${CHS_API_PREFIX}/incidents/{id}`,
      summary: 'Record the operator’s review: opening code, classification, crime decision, deploy decision',
      tags: ['incidents'],
      idempotent: true,
      pathParameters: { id: 'CHS incident id.' },
      requestBody: { schema: 'UpdateIncidentRequest' },
      responses: {
        '200': { description: 'Updated incident.', schema: 'Incident' },
        '400': error('Missing Idempotency-Key or invalid JSON.'),
        '404': error('No incident with this id.'),
        '409': error('Idempotency-Key already used with a different body.'),
        '422': error('The body does not match the schema.'),
      },
    },
    {
      operationId: 'addLogEntry',
      method: 'post',
      path: `${CHS_API_PREFIX}/incidents/{id}/log-entries`,
      summary: 'Add a log entry to an incident',
      tags: ['incidents'],
      idempotent: true,
      pathParameters: { id: 'CHS incident id.' },
      requestBody: { schema: 'LogEntryRequest' },
      responses: {
        '201': { description: 'Log entry added.', schema: 'LogEntry' },
        '400': error('Missing Idempotency-Key or invalid JSON.'),
        '404': error('No incident with this id.'),
        '409': error('Idempotency-Key already used with a different body.'),
        '422': error('The body does not match the schema.'),
      },
    },
  ],
};
