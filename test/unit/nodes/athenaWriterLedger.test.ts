import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { parseSubmission } from '../../../core/sdm/parseSubmission';
import { openStore, type ContactHubStore } from '../../../core/store';
import { AthenaWriter } from '../../../nodes/AthenaWriter/AthenaWriter.node';
import { startAthenaSimulator, type AthenaSimulator } from '../../../simulators/athena/server';
import { runWorkflow } from '../../helpers/runWorkflow';

let store: ContactHubStore;

// Replaces only getStore, so the test controls which real SQLite store the writer opens.
jest.mock('../../../nodes/shared/store', () => ({
  ...jest.requireActual('../../../nodes/shared/store'),
  getStore: async () => store,
}));

const WRITER_TYPE = 'n8n-nodes-contact-hub.athenaWriter';

describe('Athena Writer intake ledger', () => {
  let dir: string;
  let athena: AthenaSimulator;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'athena-ledger-'));
    store = await openStore({ type: 'sqlite', path: join(dir, 'store.sqlite') });
    // Without keys the simulator accepts every request: the Athena API credential type is not loaded in this run.
    athena = await startAthenaSimulator({ databasePath: ':memory:', port: 0 });
  });

  afterAll(async () => {
    await athena.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function runCreate(item: IDataObject, withStore: boolean, updateLedger = true) {
    return runWorkflow({
      packageDirs: [],
      extraNodeTypes: { [WRITER_TYPE]: new AthenaWriter() },
      workflow: {
        nodes: [
          { id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
          { id: 'writer', name: 'Athena Writer', type: WRITER_TYPE, typeVersion: 1, position: [200, 0], parameters: { operation: 'createOccurrence', updateLedger } },
        ],
        connections: { Start: { main: [[{ node: 'Athena Writer', type: 'main', index: 0 }]] } },
      },
      triggerItems: [item],
      credentials: {
        athenaApi: { baseUrl: athena.url, authType: 'apiKey', apiKey: 'unused', accessToken: '' },
        ...(withStore ? { contactHubStoreApi: { type: 'sqlite', path: join(dir, 'store.sqlite') } } : {}),
      },
    });
  }

  function submission(submissionId: string): { item: IDataObject; body: Buffer } {
    const body = readFileSync(join(__dirname, '..', '..', 'fixtures', 'e2e', 'ocr-bicycle-theft.json'));
    const parsed = parseSubmission(body, { source: 'standard-api' });
    if (!parsed.ok) throw new Error('The bicycle fixture did not parse');
    const contact = { ...parsed.contact, submission: { ...parsed.contact.submission, id: submissionId } };
    return { item: contact as unknown as IDataObject, body };
  }

  async function recordReceived(submissionId: string, body: Buffer): Promise<void> {
    await store.intake.recordReceived({ submissionId, bodySha256: createHash('sha256').update(submissionId).digest('hex'), source: 'standard-api', document: body.toString('utf8') });
  }

  test('marks the submission written-to-athena', async () => {
    const { item, body } = submission('ledger-athena-1');
    await recordReceived('ledger-athena-1', body);

    const result = await runCreate(item, true);
    expect(result.errorMessage).toBeUndefined();
    const occurrenceId = (result.json('Athena Writer')[0].athena as IDataObject).occurrenceId;

    const entry = await store.intake.get('ledger-athena-1');
    expect(entry?.state).toBe('written-to-athena');
    expect(entry?.athenaOccurrenceId).toBe(occurrenceId);
  });

  test('leaves the ledger alone without the credential', async () => {
    const { item, body } = submission('ledger-athena-2');
    await recordReceived('ledger-athena-2', body);

    const result = await runCreate(item, false);
    expect(result.status).toBe('success');
    expect((await store.intake.get('ledger-athena-2'))?.state).toBe('received');
  });

  test('leaves the ledger alone when switched off', async () => {
    const { item, body } = submission('ledger-athena-3');
    await recordReceived('ledger-athena-3', body);

    const result = await runCreate(item, true, false);
    expect(result.status).toBe('success');
    expect((await store.intake.get('ledger-athena-3'))?.state).toBe('received');
  });
});
