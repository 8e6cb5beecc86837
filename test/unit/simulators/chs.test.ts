import axios, { type AxiosRequestConfig } from 'axios';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IncidentSchema, LogEntrySchema, type CreateIncidentRequest } from '../../../core/chs/contract';
import { SimulatorClient } from '../../../simulators/common';
import { createChsSimulator, type ChsSimulator } from '../../../simulators/chs';

const API_KEY = 'test-api-key';
const http = axios.create({ validateStatus: () => true, timeout: 5000 });

const createBody = (submissionId: string): CreateIncidentRequest => ({
  openingCode: 'CRIME-THEFT',
  priority: 'scheduled',
  narrative: 'Bicycle stolen from outside the library.',
  location: { text: '1 Example Street, Exampletown', postcode: 'ZZ1 1ZZ' },
  informant: { name: 'Alex Example', phone: '07700 900123', email: 'alex@example.com', role: 'victim' },
  otherPeople: [{ role: 'suspect (unknown)', text: 'Male, about 20, grey hoodie.' }],
  externalReferences: [{ system: 'soh-submission', value: submissionId }],
  attachments: [{ url: 'https://media.example.com/photo.jpg', fileName: 'photo.jpg' }],
  reportedAt: '2023-06-12T15:09:33.880+01:00',
  source: 'single-online-home',
});

describe('CHS simulator', () => {
  let dir: string;
  let chs: ChsSimulator;
  let control: SimulatorClient;

  const request = (config: AxiosRequestConfig & { key?: string }) =>
    http.request({
      ...config,
      baseURL: chs.url,
      headers: { 'X-API-Key': API_KEY, ...(config.key ? { 'Idempotency-Key': config.key } : {}), ...(config.headers ?? {}) },
    });
  const create = (body: unknown, key: string) => request({ method: 'POST', url: '/api/v1/incidents', data: body, key });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chs-sim-'));
    chs = await createChsSimulator({
      port: 0,
      databasePath: join(dir, 'chs.sqlite'),
      auth: { apiKey: API_KEY, clientId: 'client', clientSecret: 'secret', tokenTtlSeconds: 60 },
    });
    control = new SimulatorClient(chs.url);
  });

  afterAll(async () => {
    await chs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    await control.reset();
  });

  it('health needs credentials', async () => {
    const without = await http.get(`${chs.url}/api/v1/health`);
    expect(without.status).toBe(401);
    const withKey = await request({ method: 'GET', url: '/api/v1/health' });
    expect(withKey.status).toBe(200);
    expect(withKey.data.status).toBe('ok');
  });

  it('issues OAuth2 tokens for client credentials', async () => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: 'client', client_secret: 'secret' });
    const token = await http.post(`${chs.url}/oauth/token`, form.toString(), { headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(token.status).toBe(200);
    expect(token.data.token_type).toBe('Bearer');

    const health = await http.get(`${chs.url}/api/v1/health`, { headers: { authorization: `Bearer ${token.data.access_token}` } });
    expect(health.status).toBe(200);
  });

  it('accepts client credentials in HTTP Basic', async () => {
    const token = await http.post(`${chs.url}/oauth/token`, 'grant_type=client_credentials', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('client:secret').toString('base64')}` },
    });
    expect(token.status).toBe(200);
  });

  it('rejects a wrong client secret', async () => {
    const token = await http.post(`${chs.url}/oauth/token`, { grant_type: 'client_credentials', client_id: 'client', client_secret: 'nope' });
    expect(token.status).toBe(401);
    expect(token.data.error).toBe('invalid_client');
  });

  it('rejects an unknown bearer token', async () => {
    const health = await http.get(`${chs.url}/api/v1/health`, { headers: { authorization: 'Bearer made-up' } });
    expect(health.status).toBe(401);
    expect(health.data.errors[0].code).toBe('invalid-token');
  });

  it('creates, gets and finds an incident', async () => {
    const created = await create(createBody('sub-1'), 'key-1');
    expect(created.status).toBe(201);
    expect(IncidentSchema.parse(created.data).id).toMatch(/^INC-\d{6}$/);
    expect(created.headers.location).toBe(created.data.url);

    const fetched = await request({ method: 'GET', url: `/api/v1/incidents/${created.data.id}` });
    expect(fetched.status).toBe(200);
    expect(fetched.data.narrative).toBe('Bicycle stolen from outside the library.');

    const found = await request({ method: 'GET', url: '/api/v1/incidents', params: { externalReference: 'sub-1', system: 'soh-submission' } });
    expect(found.data.items.map((incident: { id: string }) => incident.id)).toEqual([created.data.id]);

    const none = await request({ method: 'GET', url: '/api/v1/incidents', params: { externalReference: 'sub-1', system: 'force-reference' } });
    expect(none.data.items).toEqual([]);
  });

  it('persists incidents in the SQLite file', async () => {
    await create(createBody('sub-persist'), 'key-persist');
    const reopened = await createChsSimulator({ port: 0, databasePath: join(dir, 'chs.sqlite') });
    try {
      expect(reopened.store.findByExternalReference('sub-persist')).toHaveLength(1);
    } finally {
      await reopened.close();
    }
  });

  it('search without externalReference is 400', async () => {
    const response = await request({ method: 'GET', url: '/api/v1/incidents' });
    expect(response.status).toBe(400);
    expect(response.data.errors[0].source.parameter).toBe('externalReference');
  });

  it.each([
    ['missing narrative', { narrative: undefined }, '/narrative'],
    ['bad opening code', { openingCode: 'has spaces' }, '/openingCode'],
    ['unknown priority', { priority: 'urgent' }, '/priority'],
    ['no external reference', { externalReferences: [] }, '/externalReferences'],
    ['non-http attachment', { attachments: [{ url: 'ftp://example.com/a' }] }, '/attachments/0/url'],
    ['unknown field', { colour: 'red' }, '/'],
  ])('create with %s is 422', async (_name, change, pointer) => {
    const response = await create({ ...createBody('sub-bad'), ...change }, `key-bad-${pointer}`);
    expect(response.status).toBe(422);
    expect(response.data.errors[0].code).toBe('validation-failed');
    expect(response.data.errors[0].source.pointer).toBe(pointer);
    expect(response.data.errors[0].meta.retryable).toBe(false);
    expect((await control.stats()).incidents).toBe(0);
  });

  it('invalid JSON is 400', async () => {
    const response = await request({ method: 'POST', url: '/api/v1/incidents', data: '{"openingCode":', key: 'k', headers: { 'content-type': 'application/json' }, transformRequest: [(data) => data] });
    expect(response.status).toBe(400);
    expect(response.data.errors[0].code).toBe('invalid-json');
  });

  it('write without Idempotency-Key is 400', async () => {
    const response = await request({ method: 'POST', url: '/api/v1/incidents', data: createBody('sub-nokey') });
    expect(response.status).toBe(400);
    expect(response.data.errors[0].source.header).toBe('Idempotency-Key');
  });

  it('same key and body replays the incident', async () => {
    const first = await create(createBody('sub-2'), 'key-2');
    const second = await create(createBody('sub-2'), 'key-2');
    expect(second.status).toBe(201);
    expect(second.data.id).toBe(first.data.id);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const stats = await control.stats();
    expect(stats.incidents).toBe(1);
    expect(stats.idempotentReplays).toBe(1);
  });

  it('same key with another body is 409', async () => {
    await create(createBody('sub-3'), 'key-3');
    const second = await create(createBody('sub-other'), 'key-3');
    expect(second.status).toBe(409);
    expect(second.data.errors[0].code).toBe('idempotency-key-reused');
    expect((await control.stats()).incidents).toBe(1);
  });

  it('records the operator review', async () => {
    const created = await create(createBody('sub-4'), 'key-4');
    const update = {
      openingCode: 'CRIME-THEFT-CYCLE',
      classification: { code: '44/1', crimeType: 'Theft of pedal cycle' },
      crimeDecision: { decision: 'crime' },
      deployDecision: { decision: 'no-deploy', rationale: 'No lines of enquiry needing attendance.' },
      decidedBy: 'Operator 1234',
    };
    const response = await request({ method: 'PATCH', url: `/api/v1/incidents/${created.data.id}`, data: update, key: 'key-4-review' });
    expect(response.status).toBe(200);
    expect(response.data.openingCode).toBe('CRIME-THEFT-CYCLE');
    expect(response.data.crimeDecision).toMatchObject({ decision: 'crime', decidedBy: 'Operator 1234' });
    expect(response.data.deployDecision.decision).toBe('no-deploy');
  });

  it('not-crime without rationale is 422', async () => {
    const created = await create(createBody('sub-5'), 'key-5');
    const response = await request({ method: 'PATCH', url: `/api/v1/incidents/${created.data.id}`, data: { crimeDecision: { decision: 'not-crime' } }, key: 'key-5-review' });
    expect(response.status).toBe(422);
    expect(response.data.errors[0].source.pointer).toBe('/crimeDecision/rationale');
  });

  it('empty update is 422', async () => {
    const created = await create(createBody('sub-6'), 'key-6');
    const response = await request({ method: 'PATCH', url: `/api/v1/incidents/${created.data.id}`, data: {}, key: 'key-6-review' });
    expect(response.status).toBe(422);
  });

  it('update of unknown incident is 404', async () => {
    const response = await request({ method: 'PATCH', url: '/api/v1/incidents/INC-999999', data: { openingCode: 'X' }, key: 'key-404' });
    expect(response.status).toBe(404);
    expect(response.data.errors[0].code).toBe('incident-not-found');
  });

  it('adds log entries shown on get', async () => {
    const created = await create(createBody('sub-7'), 'key-7');
    const entry = await request({ method: 'POST', url: `/api/v1/incidents/${created.data.id}/log-entries`, data: { text: 'Called the victim back.', category: 'contact' }, key: 'key-7-log' });
    expect(entry.status).toBe(201);
    expect(LogEntrySchema.parse(entry.data).incidentId).toBe(created.data.id);

    const fetched = await request({ method: 'GET', url: `/api/v1/incidents/${created.data.id}` });
    expect(fetched.data.logEntries).toHaveLength(1);
    expect((await control.stats()).logEntries).toBe(1);
  });

  it('log entry on unknown incident is 404', async () => {
    const response = await request({ method: 'POST', url: '/api/v1/incidents/INC-999999/log-entries', data: { text: 'x' }, key: 'key-log-404' });
    expect(response.status).toBe(404);
  });

  it.each(['429', '503'] as const)('%s fault sends Retry-After then recovers', async (mode) => {
    await control.setFault({ mode, count: 2, retryAfterSeconds: 3 });
    const first = await create(createBody('sub-f'), 'key-f');
    const second = await create(createBody('sub-f'), 'key-f');
    const third = await create(createBody('sub-f'), 'key-f');
    expect(first.status).toBe(Number(mode));
    expect(first.headers['retry-after']).toBe('3');
    expect(second.status).toBe(Number(mode));
    expect(third.status).toBe(201);
    expect((await control.stats()).incidents).toBe(1);
  });

  it('500 fault stores nothing', async () => {
    await control.setFault({ mode: '500', count: 1 });
    const failed = await create(createBody('sub-500'), 'key-500');
    expect(failed.status).toBe(500);
    expect((await control.stats()).incidents).toBe(0);
  });

  it('drop fault stores nothing', async () => {
    await control.setFault({ mode: 'drop', count: 1 });
    await expect(create(createBody('sub-drop'), 'key-drop')).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await control.stats()).incidents).toBe(0);
  });

  it('store-then-drop stores the incident', async () => {
    await control.setFault({ mode: 'store-then-drop', count: 1 });
    await expect(create(createBody('sub-std'), 'key-std')).rejects.toMatchObject({ code: 'ECONNRESET' });
    const incidents = await control.get<{ items: Array<{ id: string }> }>('/__sim/incidents');
    expect(incidents.items).toHaveLength(1);

    const retry = await create(createBody('sub-std'), 'key-std');
    expect(retry.data.id).toBe(incidents.items[0].id);
    expect((await control.stats()).incidents).toBe(1);
  });

  it('delay fault holds the response', async () => {
    await control.setFault({ mode: 'delay', count: 1, delayMs: 400 });
    await expect(http.get(`${chs.url}/api/v1/health`, { headers: { 'X-API-Key': API_KEY }, timeout: 100 })).rejects.toMatchObject({ code: 'ECONNABORTED' });
  });

  it('faults skip the control endpoints', async () => {
    await control.setFault({ mode: '500' });
    const stats = await control.stats();
    expect(stats.requests).toBe(0);
    await control.clearFaults();
  });

  it('stats count requests by status', async () => {
    await request({ method: 'GET', url: '/api/v1/health' });
    await http.get(`${chs.url}/api/v1/health`);
    const stats = await control.stats();
    expect(stats.requestsByStatus).toEqual({ '200': 1, '401': 1 });
  });
});
