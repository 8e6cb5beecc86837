/**
 * The Athena simulator: the contract in `core/athena/contract.ts` on 127.0.0.1, persisted in a
 * SQLite file, with the shared fault injection, idempotency keys and `/__sim/` control endpoints.
 * It also rejects nominals a real Athena would accept but the Minimum POLE Data Standards forbid
 * (placeholder names, known nominals below 4+1), so a writer bug shows up in tests as a 422.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ATHENA_API_PREFIX,
  ATHENA_API_VERSION,
  CreateNominalRequestSchema,
  CreateOccurrenceRequestSchema,
  DescriptionInputSchema,
  NominalLinkInputSchema,
  NominalSearchRequestSchema,
  OccurrenceQuerySchema,
  TokenRequestSchema,
  type CreateNominalRequest,
  type CreateOccurrenceRequest,
  type DescriptionInput,
  type NominalLinkInput,
  type NominalSearchRequest,
} from '../../core/athena/contract';
import { checkPlaceholder } from '../../core/pole/placeholders';
import {
  IdempotencyStore,
  openSimulatorDatabase,
  simError,
  startSimulatorServer,
  type RequestLogDestination,
  type Route,
  type SimError,
  type SimRequest,
  type SimulatorServer,
} from '../common';
import { AthenaStore } from './store';

export const ATHENA_API_KEY_HEADER = 'x-api-key';
export const DEFAULT_ATHENA_PORT = 5682;
const DEFAULT_TOKEN_TTL_SECONDS = 3600;

export interface AthenaSimulatorOptions {
  /** SQLite file, or `:memory:`. */
  databasePath: string;
  /** 0 picks a free port. Default 5682. */
  port?: number;
  /** Accepted `X-API-Key` values. Without API keys and OAuth2 clients, every request is accepted. */
  apiKeys?: string[];
  /** OAuth2 clients for `POST /oauth/token`: client id to secret. */
  oauthClients?: Record<string, string>;
  tokenTtlSeconds?: number;
  log?: RequestLogDestination;
}

export interface AthenaSimulator extends SimulatorServer {
  store: AthenaStore;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Checks a known nominal against 4+1 and every name against the placeholder list. */
function checkNominalStandard(request: CreateNominalRequest): SimError | undefined {
  for (const field of ['givenName', 'middleNames', 'familyName'] as const) {
    const value = request[field];
    if (value !== undefined && checkPlaceholder(value, 'name').rejected) {
      return {
        status: 422,
        code: 'placeholder-name',
        title: 'Placeholder in a name field',
        detail: `${field} is a placeholder or not a name; leave it out instead of writing it.`,
        source: { pointer: `/${field}` },
      };
    }
  }
  if (request.kind !== 'known') return undefined;

  const missing = [
    request.givenName ? undefined : 'givenName',
    request.familyName ? undefined : 'familyName',
    request.dateOfBirth || request.age !== undefined ? undefined : 'dateOfBirth or age',
    request.gender ? undefined : 'gender',
    request.emails.length > 0 || request.phones.length > 0 || request.homeAddress ? undefined : 'one of emails, phones or homeAddress',
  ].filter((field): field is string => field !== undefined);
  if (missing.length === 0) return undefined;
  return {
    status: 422,
    code: 'nominal-below-standard',
    title: 'Known nominal below the 4+1 standard',
    detail: `A known nominal needs ${missing.join(', ')}. Attach the description to the occurrence as text instead.`,
  };
}

/** Starts the simulator and resolves once it listens. `url` contains the base URL. */
export async function startAthenaSimulator(options: AthenaSimulatorOptions): Promise<AthenaSimulator> {
  const db = openSimulatorDatabase(options.databasePath);
  const store = new AthenaStore(db);
  const idempotency = new IdempotencyStore(db);
  const apiKeys = options.apiKeys ?? [];
  const oauthClients = options.oauthClients ?? {};
  const tokenTtlSeconds = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const tokens = new Map<string, number>();
  const now = () => new Date().toISOString();
  const p = ATHENA_API_PREFIX;

  const authenticationOff = apiKeys.length === 0 && Object.keys(oauthClients).length === 0;
  const authenticate = (request: SimRequest): SimError | undefined => {
    if (authenticationOff) return undefined;
    const apiKey = request.headers[ATHENA_API_KEY_HEADER];
    if (typeof apiKey === 'string' && apiKeys.some((key) => sameSecret(apiKey, key))) return undefined;

    const authorization = request.headers.authorization;
    const bearer = typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
    if (bearer !== undefined) {
      const expiresAt = tokens.get(bearer);
      if (expiresAt !== undefined && expiresAt > Date.now()) return undefined;
      return { status: 401, code: 'token-invalid', title: 'Access token invalid or expired', detail: 'Request a new token from /oauth/token.' };
    }
    return { status: 401, code: 'unauthorised', title: 'Missing or invalid credentials', detail: 'Send a valid X-API-Key header or an OAuth2 bearer token.' };
  };

  const occurrenceNotFound = (id: string) =>
    simError({ status: 404, code: 'occurrence-not-found', title: 'Occurrence not found', detail: `No occurrence with id ${id}.`, source: { parameter: 'id' } });

  const routes: Route[] = [
    {
      method: 'POST',
      path: '/oauth/token',
      requiresAuth: false,
      bodySchema: TokenRequestSchema,
      handler: (request) => {
        const body = request.body as { client_id: string; client_secret: string };
        const secret = oauthClients[body.client_id];
        if (secret === undefined || !sameSecret(body.client_secret, secret)) {
          return simError({ status: 401, code: 'invalid-client', title: 'Unknown client or wrong secret', detail: 'Check the client id and secret in the Athena API credential.' });
        }
        const token = randomBytes(24).toString('hex');
        tokens.set(token, Date.now() + tokenTtlSeconds * 1000);
        return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: tokenTtlSeconds } };
      },
    },
    { method: 'GET', path: `${p}/health`, requiresAuth: false, handler: () => ({ status: 200, body: { status: 'ok', version: ATHENA_API_VERSION } }) },
    {
      method: 'POST',
      path: `${p}/occurrences`,
      idempotent: true,
      bodySchema: CreateOccurrenceRequestSchema,
      handler: (request) => {
        const body = request.body as CreateOccurrenceRequest;
        const unknownNominal = (body.nominalLinks ?? []).find((link) => !store.getNominal(link.nominalId));
        if (unknownNominal) {
          return simError({ status: 422, code: 'nominal-not-found', title: 'Nominal not found', detail: `No nominal with id ${unknownNominal.nominalId} to link.` });
        }
        return { status: 201, body: store.createOccurrence(body, now()) };
      },
    },
    {
      method: 'GET',
      path: `${p}/occurrences`,
      querySchema: OccurrenceQuerySchema,
      handler: (request) => ({ status: 200, body: { items: store.findOccurrences(request.query.get('externalReference')!) } }),
    },
    {
      method: 'GET',
      path: `${p}/occurrences/:id`,
      handler: (request) => {
        const occurrence = store.getOccurrence(request.params.id);
        return occurrence ? { status: 200, body: occurrence } : occurrenceNotFound(request.params.id);
      },
    },
    {
      method: 'POST',
      path: `${p}/occurrences/:id/descriptions`,
      idempotent: true,
      bodySchema: DescriptionInputSchema,
      handler: (request) => {
        if (!store.getOccurrence(request.params.id)) return occurrenceNotFound(request.params.id);
        return { status: 201, body: store.addDescription(request.params.id, request.body as DescriptionInput, now()) };
      },
    },
    {
      method: 'POST',
      path: `${p}/occurrences/:id/nominal-links`,
      idempotent: true,
      bodySchema: NominalLinkInputSchema,
      handler: (request) => {
        const body = request.body as NominalLinkInput;
        if (!store.getOccurrence(request.params.id)) return occurrenceNotFound(request.params.id);
        if (!store.getNominal(body.nominalId)) {
          return simError({ status: 422, code: 'nominal-not-found', title: 'Nominal not found', detail: `No nominal with id ${body.nominalId}.`, source: { pointer: '/nominalId' } });
        }
        const { link, created } = store.linkNominal(request.params.id, body, now());
        return { status: created ? 201 : 200, body: link };
      },
    },
    {
      method: 'POST',
      path: `${p}/nominals/search`,
      bodySchema: NominalSearchRequestSchema,
      handler: (request) => ({ status: 200, body: store.searchNominals(request.body as NominalSearchRequest) }),
    },
    {
      method: 'POST',
      path: `${p}/nominals`,
      idempotent: true,
      bodySchema: CreateNominalRequestSchema,
      handler: (request) => {
        const body = request.body as CreateNominalRequest;
        const rejection = checkNominalStandard(body);
        if (rejection) return simError(rejection);
        return { status: 201, body: store.createNominal(body, now()) };
      },
    },
    {
      method: 'GET',
      path: `${p}/nominals/:id`,
      handler: (request) => {
        const nominal = store.getNominal(request.params.id);
        return nominal
          ? { status: 200, body: nominal }
          : simError({ status: 404, code: 'nominal-not-found', title: 'Nominal not found', detail: `No nominal with id ${request.params.id}.`, source: { parameter: 'id' } });
      },
    },
  ];

  const server = await startSimulatorServer({
    name: 'athena',
    port: options.port ?? DEFAULT_ATHENA_PORT,
    idempotency,
    authenticate,
    routes,
    controlRoutes: [{ method: 'GET', path: '/__sim/dump', handler: () => ({ status: 200, body: store.dump() }) }],
    extraStats: () => ({ ...store.counts() }),
    onReset: () => {
      store.clear();
      tokens.clear();
    },
    log: options.log ?? 'silent',
  });

  return {
    ...server,
    store,
    close: async () => {
      await server.close();
      db.close();
    },
  };
}
