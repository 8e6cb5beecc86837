import axios, { type AxiosInstance } from 'axios';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateNominalRequest, CreateOccurrenceRequest } from '../../../core/athena/contract';
import { SimulatorClient } from '../../../simulators/common';
import { startAthenaSimulator, type AthenaSimulator } from '../../../simulators/athena/server';

const API_KEY = 'test-key';
let directory: string;
let simulator: AthenaSimulator;
let http: AxiosInstance;
let control: SimulatorClient;

const occurrence = (submissionId = 'sub-1'): CreateOccurrenceRequest => ({
  externalKeys: { submissionId, forceReference: '42/00001/26' },
  occurrenceType: 'OCR',
  title: 'Report a crime: reported online',
  description: 'Bicycle stolen from outside the library.',
  reportedAt: '2026-12-04T10:00:00.000Z',
  howReported: 'online',
  locations: [{ kind: 'incident', address: { street: 'High Street', town: 'Chelmsford', postcode: 'CM1 1AA' }, externalKeys: { submissionId } }],
  objects: [{ type: 'bicycle', summary: 'Bicycle: Raleigh, red', attributes: { make: 'Raleigh' }, externalKeys: { submissionId, sourceId: 'object.bicycle.1' } }],
});

const nominal = (overrides: Partial<CreateNominalRequest> = {}): CreateNominalRequest => ({
  kind: 'known',
  givenName: 'Siân',
  familyName: 'Ap-Rhys',
  dateOfBirth: '1990-05-01',
  gender: 'GNDR_0001',
  emails: ['sian@example.com'],
  phones: ['+447700900001'],
  policeIdentifiers: { pnc: '90/123456A' },
  externalKeys: { submissionId: 'sub-1', sourceId: 'person.victim.1' },
  ...overrides,
});

const write = (path: string, body: unknown, key: string) => http.post(path, body, { headers: { 'Idempotency-Key': key } });

beforeEach(async () => {
  directory = mkdtempSync(join(tmpdir(), 'athena-sim-'));
  simulator = await startAthenaSimulator({ databasePath: join(directory, 'athena.sqlite'), port: 0, apiKeys: [API_KEY], oauthClients: { hub: 'secret' } });
  http = axios.create({ baseURL: simulator.url, headers: { 'X-API-Key': API_KEY }, validateStatus: () => true, timeout: 5000 });
  control = new SimulatorClient(simulator.url);
});

afterEach(async () => {
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('Athena simulator contract', () => {
  test('rejects requests without credentials', async () => {
    const response = await axios.get(`${simulator.url}/api/v1/occurrences/OCC-000001`, { validateStatus: () => true });
    expect(response.status).toBe(401);
    expect(response.data.errors[0].code).toBe('unauthorised');
  });

  test('no keys configured accepts every request', async () => {
    const open = await startAthenaSimulator({ databasePath: ':memory:', port: 0 });
    try {
      const response = await axios.get(`${open.url}/api/v1/occurrences?externalReference=x`);
      expect(response.status).toBe(200);
    } finally {
      await open.close();
    }
  });

  test('health needs no credentials', async () => {
    const response = await axios.get(`${simulator.url}/api/v1/health`);
    expect(response.data).toEqual({ status: 'ok', version: '1.0.0' });
  });

  test('OAuth2 client credentials give a working token', async () => {
    const token = await axios.post(`${simulator.url}/oauth/token`, new URLSearchParams({ grant_type: 'client_credentials', client_id: 'hub', client_secret: 'secret' }));
    expect(token.data.token_type).toBe('Bearer');
    const response = await axios.get(`${simulator.url}/api/v1/occurrences?externalReference=x`, { headers: { Authorization: `Bearer ${token.data.access_token}` } });
    expect(response.status).toBe(200);

    const wrong = await axios.post(`${simulator.url}/oauth/token`, new URLSearchParams({ grant_type: 'client_credentials', client_id: 'hub', client_secret: 'nope' }), { validateStatus: () => true });
    expect(wrong.status).toBe(401);
  });

  test('creates, finds and reads an occurrence', async () => {
    const created = await write('/api/v1/occurrences', occurrence(), 'k1');
    expect(created.status).toBe(201);
    expect(created.data.id).toBe('OCC-000001');
    expect(created.data.objects[0].id).toBe('OCC-000001-O1');

    const bySubmission = await http.get('/api/v1/occurrences', { params: { externalReference: 'sub-1' } });
    expect(bySubmission.data.items.map((item: { id: string }) => item.id)).toEqual(['OCC-000001']);
    const byReference = await http.get('/api/v1/occurrences', { params: { externalReference: '42/00001/26' } });
    expect(byReference.data.items).toHaveLength(1);

    const read = await http.get('/api/v1/occurrences/OCC-000001');
    expect(read.data.externalKeys).toEqual({ submissionId: 'sub-1', forceReference: '42/00001/26' });
    expect((await http.get('/api/v1/occurrences/OCC-999999')).status).toBe(404);
  });

  test('every write needs an Idempotency-Key', async () => {
    const response = await http.post('/api/v1/occurrences', occurrence());
    expect(response.status).toBe(400);
    expect(response.data.errors[0].code).toBe('idempotency-key-missing');
  });

  test('same key replays, different body conflicts', async () => {
    const first = await write('/api/v1/occurrences', occurrence(), 'same');
    const second = await write('/api/v1/occurrences', occurrence(), 'same');
    expect(second.data.id).toBe(first.data.id);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const conflict = await write('/api/v1/occurrences', occurrence('sub-2'), 'same');
    expect(conflict.status).toBe(409);
    expect((await control.stats<{ occurrences: number }>()).occurrences).toBe(1);
  });

  test('invalid body is rejected with a pointer', async () => {
    const response = await write('/api/v1/occurrences', { ...occurrence(), reportedAt: 'yesterday' }, 'bad');
    expect(response.status).toBe(422);
    expect(response.data.errors[0].source.pointer).toBe('/reportedAt');
  });

  test('nominal search by each key', async () => {
    const created = await write('/api/v1/nominals', nominal(), 'n1');
    expect(created.status).toBe(201);
    const id = created.data.id;

    const search = async (body: object) => (await http.post('/api/v1/nominals/search', body)).data.candidates;
    expect((await search({ emails: ['SIAN@example.com'] }))[0].matchedOn).toEqual(['email']);
    expect((await search({ phones: ['+447700900001'] }))[0].nominal.id).toBe(id);
    expect((await search({ givenName: 'Sian', familyName: 'ap rhys' }))[0].matchedOn).toEqual(['name']);
    expect((await search({ givenName: 'Sian', familyName: 'ap rhys', dateOfBirth: '1990-05-01' }))[0].matchedOn).toEqual(['name+dateOfBirth']);
    expect(await search({ givenName: 'Sian', familyName: 'ap rhys', dateOfBirth: '1991-05-01' })).toEqual([]);
    expect((await search({ policeIdentifiers: { PNC: '90/123456a' } }))[0].matchedOn).toEqual(['policeIdentifier']);
    expect(await search({ emails: ['nobody@example.com'] })).toEqual([]);

    const empty = await http.post('/api/v1/nominals/search', { dateOfBirth: '1990-05-01' });
    expect(empty.status).toBe(422);
  });

  test('rejects placeholder names and known nominals below 4+1', async () => {
    const placeholder = await write('/api/v1/nominals', nominal({ givenName: 'Unknown' }), 'p1');
    expect(placeholder.status).toBe(422);
    expect(placeholder.data.errors[0].code).toBe('placeholder-name');

    const below = await write('/api/v1/nominals', nominal({ dateOfBirth: undefined, gender: undefined }), 'p2');
    expect(below.status).toBe(422);
    expect(below.data.errors[0].detail).toBe('A known nominal needs dateOfBirth or age, gender. Attach the description to the occurrence as text instead.');

    const unknown = await write('/api/v1/nominals', { kind: 'unknown', gender: 'GNDR_0003', emails: [], phones: [], policeIdentifiers: {}, description: { build: 'Stocky' }, externalKeys: { submissionId: 's' } }, 'p3');
    expect(unknown.status).toBe(201);
  });

  test('links merge roles and descriptions are kept', async () => {
    const occ = (await write('/api/v1/occurrences', occurrence(), 'o')).data;
    const nom = (await write('/api/v1/nominals', nominal(), 'n')).data;
    const first = await write(`/api/v1/occurrences/${occ.id}/nominal-links`, { nominalId: nom.id, roles: ['victim'], externalKeys: { submissionId: 'sub-1' } }, 'l1');
    expect(first.status).toBe(201);
    const second = await write(`/api/v1/occurrences/${occ.id}/nominal-links`, { nominalId: nom.id, roles: ['personReporting'], externalKeys: { submissionId: 'sub-1' } }, 'l2');
    expect(second.status).toBe(200);
    expect(second.data.roles).toEqual(['victim', 'personReporting']);
    const missing = await write(`/api/v1/occurrences/${occ.id}/nominal-links`, { nominalId: 'NOM-999999', roles: ['victim'], externalKeys: { submissionId: 'sub-1' } }, 'l3');
    expect(missing.status).toBe(422);

    const description = await write(`/api/v1/occurrences/${occ.id}/descriptions`, { kind: 'person-below-threshold', text: 'Unknown suspect: male', externalKeys: { submissionId: 'sub-1' } }, 'd1');
    expect(description.status).toBe(201);

    const stats = await control.stats<{ occurrences: number; nominals: number; links: number; descriptions: number }>();
    expect([stats.occurrences, stats.nominals, stats.links, stats.descriptions]).toEqual([1, 1, 1, 1]);
    const dump = await control.get<{ occurrences: Array<{ nominalLinks: unknown[] }> }>('/__sim/dump');
    expect(dump.occurrences[0].nominalLinks).toHaveLength(1);

    await control.reset();
    const after = await control.stats<{ occurrences: number; nominals: number }>();
    expect([after.occurrences, after.nominals]).toEqual([0, 0]);
  });

  test('data survives a restart', async () => {
    await write('/api/v1/occurrences', occurrence(), 'o');
    await simulator.close();
    simulator = await startAthenaSimulator({ databasePath: join(directory, 'athena.sqlite'), port: 0, apiKeys: [API_KEY] });
    http = axios.create({ baseURL: simulator.url, headers: { 'X-API-Key': API_KEY }, validateStatus: () => true });
    expect((await http.get('/api/v1/occurrences/OCC-000001')).status).toBe(200);
    const replay = await write('/api/v1/occurrences', occurrence(), 'o');
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });
});

describe('Athena simulator faults', () => {
  test.each(['429', '500', '503'] as const)('%s then recovers', async (mode) => {
    await control.setFault({ mode, count: 1 });
    const failed = await write('/api/v1/occurrences', occurrence(), 'f');
    expect(failed.status).toBe(Number(mode));
    const ok = await write('/api/v1/occurrences', occurrence(), 'f');
    expect(ok.status).toBe(201);
    expect((await control.stats<{ occurrences: number }>()).occurrences).toBe(1);
  });

  test('drop stores nothing', async () => {
    await control.setFault({ mode: 'drop', count: 1 });
    await expect(write('/api/v1/occurrences', occurrence(), 'f')).rejects.toThrow();
    expect((await control.stats<{ occurrences: number }>()).occurrences).toBe(0);
  });

  test('store-then-drop stores once and replays', async () => {
    await control.setFault({ mode: 'store-then-drop', count: 1 });
    await expect(write('/api/v1/occurrences', occurrence(), 'f')).rejects.toThrow();
    expect((await control.stats<{ occurrences: number }>()).occurrences).toBe(1);
    const retry = await write('/api/v1/occurrences', occurrence(), 'f');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect((await control.stats<{ occurrences: number }>()).occurrences).toBe(1);
  });

  test('delay holds the response', async () => {
    await control.setFault({ mode: 'delay', count: 1, delayMs: 300 });
    const started = Date.now();
    const response = await write('/api/v1/occurrences', occurrence(), 'f');
    expect(response.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});
