import axios from 'axios';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllStores, getStore } from '../../../nodes/shared/store';
import { computeSignature } from '../../../nodes/SohTrigger/auth';
import { SohTrigger } from '../../../nodes/SohTrigger/SohTrigger.node';
import { fixtureBytes, fixtureJson } from '../sdm/fixtures';
import { startTriggerHarness, type TriggerHarness } from './sohTriggerHarness';


const CLIENT = { 'x-client-id': 'ihub-test-client', 'x-client-secret': 'correct horse battery staple' };
const VALID = 'sdm/ocr-hate-crime-witness-welsh-names.json';
const SUBMISSION_ID = '3c1d6f0e-8b7a-4c39-9e52-0a4f6d2b7c11';

let folder: string;
let storePath: string;
let harness: TriggerHarness;

async function ledger() {
  return (await testStore(storePath)).intake;
}

/** The store the nodes open for the test credential; getStore returns the same instance to both. */
function testStore(sqlitePath: string) {
  return getStore({ getCredentials: async () => ({ storeType: 'sqlite', sqlitePath }) } as never);
}


/** Returns the message of the one log line at `level` that starts with `start`. */
function logMessage(level: string, start: string): string {
  const lines = harness.logs.filter((line) => line.level === level && line.message.startsWith(start));
  expect(lines).toHaveLength(1);
  return lines[0].message;
}

function post(body: string | Buffer, headers: Record<string, string> = CLIENT) {
  // A Buffer is sent as it is; axios would re-encode a string that is not valid JSON.
  return axios.post(harness.url, Buffer.from(body), {
    headers: { 'content-type': 'application/json', ...headers },
    validateStatus: () => true,
    transformResponse: (data: string) => JSON.parse(data),
  });
}

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'soh-trigger-'));
  storePath = join(folder, 'store.db');
  harness = await startTriggerHarness({
    credentials: {
      sohApi: { clientId: CLIENT['x-client-id'], clientSecret: CLIENT['x-client-secret'] },
      contactHubStoreApi: { storeType: 'sqlite', sqlitePath: storePath },
    },
    parameters: { responseMode: 'immediately', formTypes: {}, extraFormTypes: {}, unknownFormTypes: 'manual', options: {} },
  });
});

afterEach(async () => {
  await harness.close();
  await closeAllStores();
  rmSync(folder, { recursive: true, force: true });
});

describe('SOH Trigger intake', () => {
  test('stores then answers 201 with a receipt', async () => {
    const response = await post(fixtureBytes(VALID));
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/vnd.api+json');
    expect(response.data.data).toMatchObject({ type: 'receipt', id: SUBMISSION_ID, attributes: { submissionId: SUBMISSION_ID, status: 'accepted' } });
    expect(response.data.data.attributes.manualHandling).toBeUndefined();

    const entry = await (await ledger()).get(SUBMISSION_ID);
    expect(entry).toMatchObject({ state: 'received', source: 'standard-api', formType: 'OCR', deliveryCount: 1 });
    expect(JSON.parse(entry!.document)).toEqual(JSON.parse(fixtureBytes(VALID).toString('utf8')));
    expect(entry!.response).toEqual({ status: 201, body: response.data });

    const [call] = harness.calls;
    expect(call.result!.noWebhookResponse).toBe(true);
    const [main, manual] = call.result!.workflowData!;
    expect(manual).toEqual([]);
    expect(main).toHaveLength(1);
    expect(main[0].json).toMatchObject({ submission: { id: SUBMISSION_ID }, formType: 'OCR', source: 'standard-api' });
  });

  test('re-delivery replays the answer and starts nothing', async () => {
    const first = await post(fixtureBytes(VALID));
    const second = await post(fixtureBytes(VALID));
    expect(second.status).toBe(first.status);
    expect(second.data).toEqual(first.data);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(harness.calls[1].result).toEqual({ noWebhookResponse: true });
    expect((await (await ledger()).get(SUBMISSION_ID))!.deliveryCount).toBe(2);
    expect(logMessage('info', 'SOH Trigger received a re-delivery')).toBe(
      `SOH Trigger received a re-delivery and responded from the ledger without a new execution (submission ${SUBMISSION_ID})`,
    );
  });

  test('same id with a different body is 409', async () => {
    await post(fixtureBytes(VALID));
    const changed = fixtureJson(VALID);
    changed.data.attributes.incidentDescription = 'A different account of the same evening.';
    const response = await post(JSON.stringify(changed));
    expect(response.status).toBe(409);
    expect(response.data.errors).toEqual([
      expect.objectContaining({ status: '409', code: 'submission-conflict', source: { pointer: '/included/0/attributes/submissionId' } }),
    ]);
    expect(harness.calls[1].result).toEqual({ noWebhookResponse: true });
    const entry = await (await ledger()).get(SUBMISSION_ID);
    expect(entry!.conflictCount).toBe(1);
    expect(entry!.conflictHashes).toHaveLength(1);
    expect(logMessage('warn', 'SOH Trigger received a submission id again')).toBe(
      `SOH Trigger received a submission id again with a different body and responded 409 (submission ${SUBMISSION_ID})`,
    );
  });

  test('raw SOH form accepted', async () => {
    const response = await post(fixtureBytes('raw-soh/ocr-bicycle-theft.json'));
    expect(response.status).toBe(201);
    const entry = await (await ledger()).get('raw-2b9e4c71-5a0d-4e83-9f16-7d2c8b3a1e66');
    expect(entry).toMatchObject({ source: 'raw-soh', formType: 'OCR' });
  });

  test('store down is 503 so iHub retries', async () => {
    writeFileSync(join(folder, 'not-a-folder'), '');
    harness.options.credentials.contactHubStoreApi = { storeType: 'sqlite', sqlitePath: join(folder, 'not-a-folder', 'store.db') };
    const response = await post(fixtureBytes(VALID));
    expect(response.status).toBe(503);
    expect(response.data.errors).toEqual([expect.objectContaining({ status: '503', code: 'store-unavailable' })]);
    expect(harness.calls[0].result).toEqual({ noWebhookResponse: true });
    expect(logMessage('error', 'SOH Trigger could not store a submission')).toBe(
      `SOH Trigger could not store a submission and responded 503 so iHub retries (submission ${SUBMISSION_ID})`,
    );
  });
});

describe('SOH Trigger authentication', () => {
  test('missing client secret is 401', async () => {
    const response = await post(fixtureBytes(VALID), { 'x-client-id': CLIENT['x-client-id'] });
    expect(response.status).toBe(401);
    expect(response.data.errors).toEqual([
      expect.objectContaining({ status: '401', code: 'missing-credentials', source: { header: 'X-Client-Secret' } }),
    ]);
  });

  test('empty client secret counts as missing', async () => {
    const response = await post(fixtureBytes(VALID), { 'x-client-id': CLIENT['x-client-id'], 'x-client-secret': '  ' });
    expect(response.status).toBe(401);
    expect(response.data.errors).toEqual([
      expect.objectContaining({ status: '401', code: 'missing-credentials', source: { header: 'X-Client-Secret' } }),
    ]);
  });

  test('wrong client secret is 401 and stores nothing', async () => {
    const response = await post(fixtureBytes(VALID), { ...CLIENT, 'x-client-secret': 'wrong' });
    expect(response.status).toBe(401);
    expect(response.data.errors[0].code).toBe('invalid-credentials');
    expect(harness.calls[0].result).toEqual({ noWebhookResponse: true });
    expect(await (await ledger()).get(SUBMISSION_ID)).toBeNull();
  });

  describe('with signatures', () => {
    const body = () => fixtureBytes(VALID);
    const now = () => String(Math.floor(Date.now() / 1000));

    beforeEach(() => {
      harness.options.credentials.sohApi = {
        ...harness.options.credentials.sohApi,
        requireSignature: true,
        signingSecret: 'new-signing-secret',
        previousSigningSecret: 'old-signing-secret',
        toleranceSeconds: 300,
      };
    });

    test('current secret accepted', async () => {
      const timestamp = now();
      const response = await post(body(), { ...CLIENT, 'x-timestamp': timestamp, 'x-signature': computeSignature('new-signing-secret', timestamp, body()) });
      expect(response.status).toBe(201);
    });

    test('previous secret accepted during rotation', async () => {
      const timestamp = now();
      const signature = 'sha256=' + computeSignature('old-signing-secret', timestamp, body());
      const response = await post(body(), { ...CLIENT, 'x-timestamp': timestamp, 'x-signature': signature });
      expect(response.status).toBe(201);
    });

    test('signature over another body rejected', async () => {
      const timestamp = now();
      const signature = computeSignature('new-signing-secret', timestamp, Buffer.from('{}'));
      const response = await post(body(), { ...CLIENT, 'x-timestamp': timestamp, 'x-signature': signature });
      expect(response.status).toBe(401);
      expect(response.data.errors[0]).toMatchObject({ code: 'invalid-signature', source: { header: 'X-Signature' } });
    });

    test('stale timestamp rejected', async () => {
      const timestamp = String(Math.floor(Date.now() / 1000) - 301);
      const signature = computeSignature('new-signing-secret', timestamp, body());
      const response = await post(body(), { ...CLIENT, 'x-timestamp': timestamp, 'x-signature': signature });
      expect(response.status).toBe(401);
      expect(response.data.errors[0]).toMatchObject({ code: 'timestamp-out-of-tolerance', source: { header: 'X-Timestamp' } });
    });

    test('missing signature rejected', async () => {
      const response = await post(body());
      expect(response.status).toBe(401);
      expect(response.data.errors[0]).toMatchObject({ code: 'missing-signature', source: { header: 'X-Timestamp' } });
    });
  });
});

describe('SOH Trigger hostile bodies', () => {
  test.each([
    ['invalid JSON', '{"data": ', 400, 'invalid-json', undefined],
    ['empty body', '', 400, 'empty-body', undefined],
    ['wrong type', JSON.stringify({ data: { id: 'x', type: 'incident', attributes: [] } }), 422, 'invalid-document', '/data/attributes'],
  ])('%s', async (_name, body, status, code, pointer) => {
    const response = await post(body as string);
    expect(response.status).toBe(status);
    expect(response.data.errors[0].code).toBe(code);
    if (pointer) expect(response.data.errors[0].source.pointer).toBe(pointer);
    expect(harness.calls[0].result).toEqual({ noWebhookResponse: true });
  });

  test('dangling relationship is 422 and stores nothing', async () => {
    const document = fixtureJson(VALID);
    document.data.relationships.knownSuspect.data[0].id = 'person.known.0';
    const response = await post(JSON.stringify(document));
    expect(response.status).toBe(422);
    expect(response.data.errors[0]).toMatchObject({ code: 'dangling-relationship', source: { pointer: '/data/relationships/knownSuspect/data/0/id' } });
    expect(await (await ledger()).get(SUBMISSION_ID)).toBeNull();
  });

  test('body over the configured limit is 413', async () => {
    harness.options.parameters.options = { maxBytes: 2048 };
    const response = await post(fixtureBytes(VALID));
    expect(response.status).toBe(413);
    expect(response.data.errors[0].code).toBe('body-too-large');
  });

  test('NUL character is 422 naming the field', async () => {
    const document = fixtureJson(VALID);
    document.included[1].attributes.surname = 'Llŷr\u0000Prys';
    const response = await post(JSON.stringify(document));
    expect(response.status).toBe(422);
    expect(response.data.errors[0]).toMatchObject({ code: 'invalid-character', source: { pointer: '/included/1/attributes/surname' } });
  });
});

describe('SOH Trigger routing', () => {
  test('switched-off form type goes to manual handling', async () => {
    harness.options.parameters.formTypes = { OCR: false };
    const response = await post(fixtureBytes(VALID));
    expect(response.status).toBe(201);
    expect(response.data.data.attributes).toMatchObject({ status: 'accepted', manualHandling: true });
    const [main, manual] = harness.calls[0].result!.workflowData!;
    expect(main).toEqual([]);
    expect(manual[0].json.manualHandling).toMatchObject({ code: 'form-type-disabled' });
    expect((manual[0].json.manualHandling as { reason: string }).reason).toContain('Report a crime (OCR)');
    expect(await (await ledger()).get(SUBMISSION_ID)).toMatchObject({ state: 'manual-handling' });
  });

  test('unknown form type goes to manual handling', async () => {
    await post(fixtureBytes('sdm/unknown-form-type.json'));
    const [main, manual] = harness.calls[0].result!.workflowData!;
    expect(main).toEqual([]);
    expect(manual[0].json.manualHandling).toMatchObject({ code: 'form-type-unknown' });
  });

  test('unknown form type to main when chosen', async () => {
    harness.options.parameters.unknownFormTypes = 'main';
    await post(fixtureBytes('sdm/unknown-form-type.json'));
    const [main] = harness.calls[0].result!.workflowData!;
    expect(main[0].json.drift).toMatchObject({ needsReview: true });
  });

  test('additional form type switched on', async () => {
    harness.options.parameters.extraFormTypes = { formType: [{ code: 'noise', label: 'Noise nuisance', enabled: true }] };
    await post(fixtureBytes('sdm/unknown-form-type.json'));
    const [main] = harness.calls[0].result!.workflowData!;
    expect(main[0].json).toMatchObject({ formType: 'NOISE', formTypeLabel: 'Noise nuisance' });
  });

  test('drifted submission flows, marked for review', async () => {
    await post(fixtureBytes('sdm/ocr-drifted-form.json'));
    const [main, manual] = harness.calls[0].result!.workflowData!;
    expect(manual).toEqual([]);
    expect(main[0].json.drift).toMatchObject({ needsReview: true });
  });

  test('drifted submission to manual handling when chosen', async () => {
    harness.options.parameters.options = { driftedSubmissions: 'manual' };
    await post(fixtureBytes('sdm/ocr-drifted-form.json'));
    const [, manual] = harness.calls[0].result!.workflowData!;
    expect(manual[0].json.manualHandling).toMatchObject({ code: 'schema-drift' });
  });
});

describe('SOH Trigger respond after reference', () => {
  beforeEach(() => {
    harness.options.parameters.responseMode = 'afterReference';
  });

  test('leaves the answer to the workflow', async () => {
    const response = await post(fixtureBytes(VALID));
    expect(response.data).toEqual({ workflow: 'started' });
    expect(harness.calls[0].result!.noWebhookResponse).toBeUndefined();
    expect(harness.calls[0].result!.workflowData![0]).toHaveLength(1);
    expect((await (await ledger()).get(SUBMISSION_ID))!.response).toBeNull();
  });

  test('re-delivery answers with the stored reference', async () => {
    await post(fixtureBytes(VALID));
    const firstItem = harness.calls[0].result!.workflowData![0][0].json;
    await (await ledger()).markState(SUBMISSION_ID, 'reference-allocated', { reference: '42/00017/25' });
    const response = await post(fixtureBytes(VALID));
    expect(response.status).toBe(201);
    expect(response.data.data.attributes).toEqual({
      submissionId: SUBMISSION_ID,
      reference: '42/00017/25',
      receivedAt: firstItem.receivedAt,
      status: 'accepted',
    });
    expect(harness.calls[1].result).toEqual({ noWebhookResponse: true });
    expect(logMessage('info', 'SOH Trigger received a re-delivery')).toBe(
      `SOH Trigger received a re-delivery and responded from the ledger without a new execution (submission ${SUBMISSION_ID}, reference 42/00017/25)`,
    );
  });

  test('manual handling is answered by the trigger', async () => {
    harness.options.parameters.formTypes = { OCR: false };
    const response = await post(fixtureBytes(VALID));
    expect(response.status).toBe(201);
    expect(response.data.data.type).toBe('receipt');
    expect(harness.calls[0].result!.noWebhookResponse).toBe(true);
    expect(logMessage('info', 'SOH Trigger accepted')).toBe(`SOH Trigger accepted a submission for manual handling (submission ${SUBMISSION_ID})`);
  });
});

describe('SOH API credential test', () => {
  const credentialTest = new SohTrigger().methods.credentialTest.sohApiTest;

  test('complete credential passes', async () => {
    const result = await credentialTest({ id: '1', name: 'SOH API', type: 'sohApi', data: { clientId: 'ihub', clientSecret: 'secret' } });
    expect(result).toEqual({ status: 'OK', message: 'Requests must carry X-Client-Id and X-Client-Secret' });
  });

  test('signature without secret fails', async () => {
    const data = { clientId: 'ihub', clientSecret: 'secret', requireSignature: true };
    const result = await credentialTest({ id: '1', name: 'SOH API', type: 'sohApi', data });
    expect(result).toEqual({ status: 'Error', message: 'The SOH API credential requires a signature but has no signing secret.' });
  });
});
