/**
 * CHS simulator: implements docs/contracts/chs.openapi.yaml on 127.0.0.1 and persists what it
 * receives in SQLite. Authentication by API key (`X-API-Key`) or by a bearer token from
 * `POST /oauth/token` (client credentials); with neither configured every request is accepted.
 *
 *   const chs = await createChsSimulator({ port: 0, databasePath: '/tmp/chs.sqlite', auth: { apiKey: 'k' } });
 *   chs.url;  await chs.close();
 *
 * Besides the shared `/__sim/` endpoints it serves `GET /__sim/incidents` (everything stored).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  CHS_API_KEY_HEADER,
  CHS_API_PREFIX,
  CreateIncidentRequestSchema,
  IncidentSearchQuerySchema,
  LogEntryRequestSchema,
  TokenRequestSchema,
  UpdateIncidentRequestSchema,
  type CreateIncidentRequest,
  type Incident,
  type LogEntryRequest,
  type UpdateIncidentRequest,
} from '../../core/chs/contract';
import {
  IdempotencyStore,
  openSimulatorDatabase,
  simError,
  startSimulatorServer,
  type RequestLogDestination,
  type SimError,
  type SimRequest,
  type SimResponse,
  type SimulatorServer,
} from '../common';
import { ChsStore } from './store';

export interface ChsSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** SQLite file; `:memory:` (default) keeps nothing after close. */
  databasePath?: string;
  auth?: { apiKey?: string; clientId?: string; clientSecret?: string; tokenTtlSeconds?: number };
  log?: RequestLogDestination;
}

export interface ChsSimulator extends SimulatorServer {
  store: ChsStore;
}

export const CHS_SIMULATOR_VERSION = '1.0.0';
const DEFAULT_TOKEN_TTL_SECONDS = 3600;

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function oauthError(status: number, error: string, description: string): SimResponse {
  return { status, body: { error, error_description: description }, headers: { 'cache-control': 'no-store' } };
}

function notFound(id: string): SimResponse {
  return simError({ status: 404, code: 'incident-not-found', title: 'Incident not found', detail: `No incident with id ${id}.`, source: { parameter: 'id' } });
}

/** Starts the CHS simulator; resolves once it listens. */
export async function createChsSimulator(options: ChsSimulatorOptions = {}): Promise<ChsSimulator> {
  const db = openSimulatorDatabase(options.databasePath ?? ':memory:');
  const store = new ChsStore(db);
  const auth = options.auth ?? {};
  const tokenTtlSeconds = auth.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const tokens = new Map<string, number>();
  const authRequired = auth.apiKey !== undefined || auth.clientId !== undefined;

  const withUrl = (request: SimRequest, incident: Omit<Incident, 'url' | 'logEntries'> & { logEntries?: Incident['logEntries'] }): Incident => ({
    ...incident,
    url: `${request.baseUrl}${CHS_API_PREFIX}/incidents/${encodeURIComponent(incident.id)}`,
    logEntries: incident.logEntries ?? store.logEntries(incident.id),
  });

  function authenticate(request: SimRequest): SimError | undefined {
    if (!authRequired) return undefined;

    const apiKey = request.headers[CHS_API_KEY_HEADER.toLowerCase()];
    if (typeof apiKey === 'string' && auth.apiKey !== undefined && safeEqual(apiKey, auth.apiKey)) return undefined;

    const authorization = request.headers.authorization;
    if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
      const expiresAt = tokens.get(authorization.slice('Bearer '.length));
      if (expiresAt !== undefined && expiresAt > Date.now()) return undefined;
      return { status: 401, code: 'invalid-token', title: 'Invalid or expired access token', detail: 'Request a new token from POST /oauth/token.' };
    }
    return { status: 401, code: 'unauthorised', title: 'Missing or invalid credentials', detail: `Send the ${CHS_API_KEY_HEADER} header or a bearer token.` };
  }

  function issueToken(request: SimRequest): SimResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const parsed = TokenRequestSchema.safeParse(body);
    if (!parsed.success) {
      const grant = body.grant_type;
      if (grant !== undefined && grant !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
      return oauthError(400, 'invalid_request', parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    }

    let clientId = parsed.data.client_id;
    let clientSecret = parsed.data.client_secret;
    const authorization = request.headers.authorization;
    if (typeof authorization === 'string' && authorization.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8');
      const separator = decoded.indexOf(':');
      clientId = decodeURIComponent(decoded.slice(0, separator));
      clientSecret = decodeURIComponent(decoded.slice(separator + 1));
    }

    const valid =
      auth.clientId !== undefined &&
      auth.clientSecret !== undefined &&
      clientId !== undefined &&
      clientSecret !== undefined &&
      safeEqual(clientId, auth.clientId) &&
      safeEqual(clientSecret, auth.clientSecret);
    if (!valid) return oauthError(401, 'invalid_client', 'Unknown client id or wrong client secret.');

    const token = randomBytes(24).toString('base64url');
    tokens.set(token, Date.now() + tokenTtlSeconds * 1000);
    return {
      status: 200,
      body: { access_token: token, token_type: 'Bearer', expires_in: tokenTtlSeconds, ...(parsed.data.scope ? { scope: parsed.data.scope } : {}) },
      headers: { 'cache-control': 'no-store' },
    };
  }

  const incidentsPath = `${CHS_API_PREFIX}/incidents`;
  const server = await startSimulatorServer({
    name: 'chs',
    port: options.port ?? 0,
    host: options.host,
    log: options.log,
    idempotency: new IdempotencyStore(db),
    authenticate,
    routes: [
      { method: 'POST', path: '/oauth/token', requiresAuth: false, handler: issueToken },
      {
        method: 'GET',
        path: `${CHS_API_PREFIX}/health`,
        handler: () => ({ status: 200, body: { status: 'ok', version: CHS_SIMULATOR_VERSION, time: new Date().toISOString() } }),
      },
      {
        method: 'POST',
        path: incidentsPath,
        idempotent: true,
        bodySchema: CreateIncidentRequestSchema,
        handler: (request) => {
          const incident = withUrl(request, store.createIncident(request.body as CreateIncidentRequest, new Date().toISOString()));
          return { status: 201, body: incident, headers: { location: incident.url } };
        },
      },
      {
        method: 'GET',
        path: incidentsPath,
        querySchema: IncidentSearchQuerySchema,
        handler: (request) => {
          const { externalReference, system } = IncidentSearchQuerySchema.parse(Object.fromEntries(request.query));
          return { status: 200, body: { items: store.findByExternalReference(externalReference, system).map((incident) => withUrl(request, incident)) } };
        },
      },
      {
        method: 'GET',
        path: `${incidentsPath}/:id`,
        handler: (request) => {
          const incident = store.getIncident(request.params.id);
          return incident ? { status: 200, body: withUrl(request, incident) } : notFound(request.params.id);
        },
      },
      {
        method: 'PATCH',
        path: `${incidentsPath}/:id`,
        idempotent: true,
        bodySchema: UpdateIncidentRequestSchema,
        handler: (request) => {
          const updated = store.updateIncident(request.params.id, request.body as UpdateIncidentRequest, new Date().toISOString());
          return updated ? { status: 200, body: withUrl(request, updated) } : notFound(request.params.id);
        },
      },
      {
        method: 'POST',
        path: `${incidentsPath}/:id/log-entries`,
        idempotent: true,
        bodySchema: LogEntryRequestSchema,
        handler: (request) => {
          if (!store.getIncident(request.params.id)) return notFound(request.params.id);
          const entry = store.addLogEntry(request.params.id, request.body as LogEntryRequest, new Date().toISOString());
          return { status: 201, body: entry };
        },
      },
    ],
    controlRoutes: [
      {
        method: 'GET',
        path: '/__sim/incidents',
        handler: (request) => ({ status: 200, body: { items: store.allIncidents().map((incident) => withUrl(request, incident)) } }),
      },
    ],
    extraStats: () => store.counts(),
    onReset: () => {
      store.clear();
      tokens.clear();
    },
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
