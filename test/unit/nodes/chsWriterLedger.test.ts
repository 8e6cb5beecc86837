import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { parseSubmission } from '../../../core/sdm/parseSubmission';
import { openStore, type ContactHubStore } from '../../../core/store';
import { ChsWriter } from '../../../nodes/ChsWriter/ChsWriter.node';
import { SimulatorClient } from '../../../simulators/common';
import { createChsSimulator, type ChsSimulator } from '../../../simulators/chs';
import { runWorkflow } from '../../helpers/runWorkflow';

let store: ContactHubStore;

let failStore = false;

// Replaces only getStore, so the test controls which real SQLite store the writer opens.
jest.mock('../../../nodes/shared/store', () => ({
  ...jest.requireActual('../../../nodes/shared/store'),
  getStore: async () => {
    if (failStore) throw new Error('database is locked');
    return store;
  },
}));

const WRITER_TYPE = 'n8n-nodes-contact-hub.chsWriter';

describe('CHS Writer intake ledger', () => {
  let dir: string;
  let chs: ChsSimulator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chs-ledger-'));
    store = await openStore({ type: 'sqlite', path: join(dir, 'store.sqlite') });
    chs = await createChsSimulator({ port: 0 });
  });

  afterAll(async () => {
    await chs.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runCreate(
    item: IDataObject,
    withStore: boolean,
    onError?: 'continueRegularOutput' | 'continueErrorOutput',
    chsApi: ICredentialDataDecryptedObject = { baseUrl: chs.url, authType: 'apiKey', apiKey: 'unused' },
  ) {
    return runWorkflow({
      packageDirs: [],
      extraNodeTypes: { [WRITER_TYPE]: new ChsWriter() },
      workflow: {
        nodes: [
          { id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
          { id: 'writer', name: 'CHS Writer', type: WRITER_TYPE, typeVersion: 1, position: [200, 0], parameters: { operation: 'createIncident', options: { initialBackoffMs: 10 } }, ...(onError ? { onError } : {}) },
        ],
        connections: { Start: { main: [[{ node: 'CHS Writer', type: 'main', index: 0 }]] } },
      },
      triggerItems: [item],
      credentials: {
        chsApi,
        ...(withStore ? { contactHubStoreApi: { type: 'sqlite', path: join(dir, 'store.sqlite') } } : {}),
      },
    });
  }

  function bicycle(): { item: IDataObject; body: Buffer; submissionId: string } {
    const body = readFileSync(join(__dirname, '..', '..', 'fixtures', 'e2e', 'ocr-bicycle-theft.json'));
    const parsed = parseSubmission(body, { source: 'standard-api' });
    if (!parsed.ok) throw new Error('The bicycle fixture did not parse');
    return { item: parsed.contact as unknown as IDataObject, body, submissionId: parsed.contact.submission.id };
  }

  it('marks the submission written-to-chs', async () => {
    const { item, body, submissionId } = bicycle();
    await store.intake.recordReceived({ submissionId, bodySha256: String(item.bodySha256), source: 'standard-api', document: body.toString('utf8') });

    const result = await runCreate(item, true);
    expect(result.status).toBe('success');
    const incidentId = (result.json('CHS Writer')[0].chs as IDataObject).incidentId;

    const entry = await store.intake.get(submissionId);
    expect(entry?.state).toBe('written-to-chs');
    expect(entry?.chsIncidentId).toBe(incidentId);
    expect((result.json('CHS Writer')[0].chs as IDataObject).ledger).toBe('updated');
  });

  it('store failure keeps the created incident', async () => {
    await new SimulatorClient(chs.url).reset();
    const { item } = bicycle();
    failStore = true;
    try {
      const result = await runCreate(item, true);
      expect(result.status).toBe('success');
      expect((result.json('CHS Writer')[0].chs as IDataObject).ledger).toBe('failed');
      expect(chs.store.allIncidents()).toHaveLength(1);
    } finally {
      failStore = false;
    }
  });

  it('leaves the ledger alone without the credential', async () => {
    await new SimulatorClient(chs.url).reset();
    const { item, body } = bicycle();
    const other = { ...item, submission: { ...(item.submission as IDataObject), id: 'ledger-untouched' } };
    await store.intake.recordReceived({ submissionId: 'ledger-untouched', bodySha256: 'c'.repeat(64), source: 'standard-api', document: body.toString('utf8') });

    const result = await runCreate(other, false);
    expect(result.status).toBe('success');
    expect((await store.intake.get('ledger-untouched'))?.state).toBe('received');
  });

  it.each(['continueRegularOutput', 'continueErrorOutput'] as const)('permanent failure marks manual handling (%s)', async (onError) => {
    // A rejected API key is a failure that no retry or re-drive can fix.
    const guarded = await createChsSimulator({ port: 0, auth: { apiKey: 'right-key' } });
    const { item, body } = bicycle();
    const submissionId = `ledger-manual-${onError}`;
    const failing = { ...item, submission: { ...(item.submission as IDataObject), id: submissionId } };
    await store.intake.recordReceived({ submissionId, bodySha256: 'd'.repeat(64), source: 'standard-api', document: body.toString('utf8') });
    try {
      const result = await runCreate(failing, true, onError, { baseUrl: guarded.url, authType: 'apiKey', apiKey: 'wrong-key' });
      expect(result.status).toBe('success');
      expect(guarded.store.allIncidents()).toHaveLength(0);
    } finally {
      await guarded.close();
    }

    const entry = await store.intake.get(submissionId);
    expect(entry?.state).toBe('manual-handling');
    expect(entry?.manualReason).toMatch(/could not create the incident for submission ledger-manual/);
  });

  it('retryable failure stays for the reconciler', async () => {
    await new SimulatorClient(chs.url).reset();
    const { item, body } = bicycle();
    const submissionId = 'ledger-retryable';
    const failing = { ...item, submission: { ...(item.submission as IDataObject), id: submissionId } };
    await store.intake.recordReceived({ submissionId, bodySha256: 'e'.repeat(64), source: 'standard-api', document: body.toString('utf8') });
    await new SimulatorClient(chs.url).setFault({ mode: '503', count: 50, retryAfterSeconds: 0 });
    try {
      const result = await runCreate(failing, true, 'continueRegularOutput');
      expect((result.json('CHS Writer')[0].error as IDataObject).retryable).toBe(true);
    } finally {
      await new SimulatorClient(chs.url).clearFaults();
    }
    expect((await store.intake.get(submissionId))?.state).toBe('received');
  });
});
