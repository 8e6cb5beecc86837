/**
 * Hostile and careless requests to the SOH Trigger in a real n8n 2.41.1, sent as raw HTTP so the
 * test controls bytes, headers, gzip and racing deliveries. Each case checks the status, the
 * JSON:API error code and pointer, what reached the intake ledger, and that no response shows
 * internals. Needs `npm run build` first.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { openStore, type ContactHubStore } from '../../core/store';
import { startN8n, type N8nInstance } from '../../scripts/n8n/harness';
import { repoRoot } from '../../scripts/n8n/paths';

// A start takes 15 to 60 seconds, and the first run also installs n8n into the cache.
const START_TIMEOUT_MS = 600_000;
jest.setTimeout(120_000);

const SIGNING_SECRET = 'hostile-test-signing-secret';
const STORE_PASSWORD = 'hostile-test-store-password';
const HOOK_SQLITE = 'b7c1e0a2-0000-4000-8000-0000000000a1';
const HOOK_CLOSED_POSTGRES = 'b7c1e0a2-0000-4000-8000-0000000000a2';
const HOOK_UNWRITABLE_SQLITE = 'b7c1e0a2-0000-4000-8000-0000000000a3';
const MAX_BYTES = 20_000;

interface RawResponse {
  status: number;
  text: string;
}

let n8n: N8nInstance;
let folder: string;
let store: ContactHubStore;

function trigger(name: string, webhookId: string, storeCredentialId: string) {
  return {
    name,
    settings: { executionOrder: 'v1' },
    nodes: [
      {
        id: 'trigger',
        name: 'SOH Trigger',
        type: 'n8n-nodes-contact-hub.sohTrigger',
        typeVersion: 1,
        position: [0, 0],
        webhookId,
        parameters: { responseMode: 'immediately', options: { maxBytes: MAX_BYTES } },
        credentials: { sohApi: { id: 'soh', name: 'SOH' }, contactHubStoreApi: { id: storeCredentialId, name: storeCredentialId } },
      },
    ],
    connections: {},
  };
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'soh-trigger-hostile-'));
  const sqlitePath = path.join(folder, 'store.sqlite');
  // A folder path that runs through a regular file cannot be created, even by root.
  const blockingFile = path.join(folder, 'not-a-folder');
  writeFileSync(blockingFile, '');
  n8n = await startN8n({ userFolder: path.join(folder, 'n8n') });
  await n8n.importCredentials([
    { id: 'soh', name: 'SOH', type: 'sohApi', data: { clientId: 'ihub', clientSecret: 'client-secret', requireSignature: true, signingSecret: SIGNING_SECRET } },
    { id: 'sqlite', name: 'sqlite', type: 'contactHubStoreApi', data: { storeType: 'sqlite', sqlitePath } },
    { id: 'unwritable', name: 'unwritable', type: 'contactHubStoreApi', data: { storeType: 'sqlite', sqlitePath: path.join(blockingFile, 'store', 'store.sqlite') } },
    {
      id: 'closed',
      name: 'closed',
      type: 'contactHubStoreApi',
      data: { storeType: 'postgres', host: '127.0.0.1', port: 1, database: 'test', user: 'postgres', password: STORE_PASSWORD, schema: 'hostile' },
    },
  ] as never);
  const workflows = [
    trigger('Hostile SQLite', HOOK_SQLITE, 'sqlite'),
    trigger('Hostile closed PostgreSQL', HOOK_CLOSED_POSTGRES, 'closed'),
    trigger('Hostile unwritable SQLite', HOOK_UNWRITABLE_SQLITE, 'unwritable'),
  ];
  for (const workflow of workflows) {
    await n8n.publishWorkflow(await n8n.importWorkflow(workflow as never));
  }
  store = await openStore({ type: 'sqlite', path: sqlitePath });
}, START_TIMEOUT_MS);

afterAll(async () => {
  await store?.close();
  await n8n?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

function post(webhookId: string, body: Buffer, headers: Record<string, string>): Promise<RawResponse> {
  const url = new URL(n8n.webhookUrl(`${webhookId}/incidents`));
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-length': String(body.length) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function signatureHeaders(signedBody: Buffer, timestamp = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  const signature = createHmac('sha256', SIGNING_SECRET).update(`${timestamp}.`).update(signedBody).digest('hex');
  return { 'x-timestamp': timestamp, 'x-signature': signature };
}

/** Sends a body with valid client credentials and a valid signature over `signedBody` (the body by default). */
function send(body: Buffer, extraHeaders: Record<string, string> = {}, webhookId = HOOK_SQLITE, signedBody = body): Promise<RawResponse> {
  return post(webhookId, body, {
    'content-type': 'application/vnd.api+json',
    'x-client-id': 'ihub',
    'x-client-secret': 'client-secret',
    ...signatureHeaders(signedBody),
    ...extraHeaders,
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SdmDocument = any;

function sdmDocument(submissionId: string): SdmDocument {
  const document = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'sdm', 'ocr-business-victim-stolen-bicycle.json'), 'utf8'));
  document.included.find((resource: { type: string }) => resource.type === 'submission').attributes.submissionId = submissionId;
  return document;
}

const bytes = (document: unknown) => Buffer.from(JSON.stringify(document));

function firstError(response: RawResponse): { code?: string; source?: { pointer?: string; header?: string }; detail?: string } {
  return (JSON.parse(response.text) as { errors: Array<{ code?: string; source?: { pointer?: string; header?: string }; detail?: string }> }).errors[0];
}

function expectNoInternals(response: RawResponse): void {
  expect(response.text).not.toMatch(/\n\s+at /);
  expect(response.text).not.toContain(folder);
  expect(response.text).not.toContain(SIGNING_SECRET);
  expect(response.text).not.toContain(STORE_PASSWORD);
  expect(response.text).not.toMatch(/ECONNREFUSED|SQLITE|syntax error|\/node_modules\//i);
}

describe('SOH Trigger over HTTP', () => {
  test('valid document is stored', async () => {
    const submissionId = randomUUID();
    const response = await send(bytes(sdmDocument(submissionId)));

    expect(response.status).toBe(201);
    expect((await store.intake.get(submissionId))?.state).toBe('received');
  });

  test.each([
    ['empty client secret', { 'x-client-secret': '' }, 'missing-credentials'],
    ['wrong client secret', { 'x-client-secret': 'guess' }, 'invalid-credentials'],
    ['bad signature', { 'x-signature': 'deadbeef' }, 'invalid-signature'],
    ['stale timestamp', signatureHeaders(Buffer.from('x'), '1000'), 'timestamp-out-of-tolerance'],
    ['timestamp in milliseconds', { 'x-timestamp': String(Date.now()) }, 'invalid-timestamp'],
  ])('%s is 401 and stores nothing', async (_label, headers, code) => {
    const submissionId = randomUUID();
    const response = await send(bytes(sdmDocument(submissionId)), headers);

    expect(response.status).toBe(401);
    expect(firstError(response).code).toBe(code);
    expect(await store.intake.get(submissionId)).toBeNull();
    expectNoInternals(response);
  });

  test.each([
    ['prototype key', () => Buffer.from('{"data":{"attributes":{"__proto__":{"admin":true}}}}'), 422, 'forbidden-key', '/data/attributes/__proto__'],
    ['invalid UTF-8', () => Buffer.concat([Buffer.from('{"data":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]), 400, 'invalid-encoding', undefined],
    [
      'number beyond the double range',
      () => Buffer.from(JSON.stringify(sdmDocument('unused')).replace('"attributes":{', '"attributes":{"easting":1e999,')),
      422,
      'number-out-of-range',
      '/data/attributes/easting',
    ],
    ['missing submission relationship', () => bytes({ ...sdmDocument('unused'), data: { ...sdmDocument('unused').data, relationships: {} } }), 422, 'missing-submission', '/data/relationships/submission'],
  ])('%s is rejected with its pointer', async (_label, body, status, code, pointer) => {
    const response = await send(body());

    expect(response.status).toBe(status);
    expect(firstError(response).code).toBe(code);
    expect(firstError(response).source?.pointer).toBe(pointer);
    expectNoInternals(response);
  });

  test('second submission resource is 422 and stores neither', async () => {
    const first = randomUUID();
    const second = randomUUID();
    const document = sdmDocument(first);
    const linked = document.included.find((resource: { type: string }) => resource.type === 'submission');
    document.included.push({ ...linked, id: 'event.submission.second', attributes: { ...linked.attributes, submissionId: second } });

    const response = await send(bytes(document));

    expect(response.status).toBe(422);
    expect(firstError(response).code).toBe('multiple-submissions');
    expect(firstError(response).source?.pointer).toBe(`/included/${document.included.length - 1}/type`);
    expect(await store.intake.get(first)).toBeNull();
    expect(await store.intake.get(second)).toBeNull();
  });

  test('body over the limit is 413', async () => {
    const document = sdmDocument(randomUUID());
    document.meta = { padding: 'x'.repeat(MAX_BYTES) };
    const response = await send(bytes(document));

    expect(response.status).toBe(413);
    expect(firstError(response).code).toBe('body-too-large');
  });

  test('gzip body is checked after decompression', async () => {
    const submissionId = randomUUID();
    const body = bytes(sdmDocument(submissionId));
    const response = await send(gzipSync(body), { 'content-encoding': 'gzip' }, HOOK_SQLITE, body);

    expect(response.status).toBe(201);
    expect((await store.intake.get(submissionId))?.bodySha256).toBeDefined();
  });

  test('racing bodies keep one version', async () => {
    const submissionId = randomUUID();
    const bodies = Array.from({ length: 8 }, (_, index) => bytes({ ...sdmDocument(submissionId), meta: { delivery: index } }));

    const responses = await Promise.all(bodies.map((body) => send(body)));

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const entry = await store.intake.get(submissionId);
    expect(entry?.conflictCount).toBe(7);
    const winner = responses.findIndex((response) => response.status === 201);
    expect(entry?.document).toBe(bodies[winner].toString('utf8'));
  });

  test('closed PostgreSQL port is 503 without details', async () => {
    const response = await send(bytes(sdmDocument(randomUUID())), {}, HOOK_CLOSED_POSTGRES);

    expect(response.status).toBe(503);
    expect(firstError(response).code).toBe('store-unavailable');
    expectNoInternals(response);
    expect(response.text).not.toContain('127.0.0.1');
  });

  test('unwritable SQLite folder is 503 without details', async () => {
    const response = await send(bytes(sdmDocument(randomUUID())), {}, HOOK_UNWRITABLE_SQLITE);

    expect(response.status).toBe(503);
    expect(firstError(response).code).toBe('store-unavailable');
    expectNoInternals(response);
    expect(response.text).not.toContain('not-a-folder');
  });
});
