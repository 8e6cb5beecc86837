/**
 * The Contact Hub Reconciler node's `poll()` in n8n-core's own poll context, as n8n calls it for an
 * active workflow and for the editor's test fetch, with a real SQLite Contact Hub Store opened
 * from the credential.
 */
import '../../helpers/n8nTestEnvironment';

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PollContext } from 'n8n-core';
import { Workflow, type INode, type IWorkflowExecuteAdditionalData, type WorkflowExecuteMode } from 'n8n-workflow';
import { openAuditLog } from '../../../core/audit/auditLog';
import { createAuditKey } from '../../../core/audit/keys';
import { openStore, type ContactHubStore } from '../../../core/store';
import { ContactHubStoreApi } from '../../../credentials/ContactHubStoreApi.credentials';
import { ContactHubReconciler } from '../../../nodes/ContactHubReconciler/ContactHubReconciler.node';
import { closeAllStores } from '../../../nodes/shared/store';
import { FakeCredentialsHelper, type CredentialsByType } from '../../helpers/fakeCredentialsHelper';
import { createNodeTypes } from '../../helpers/runWorkflow';

const NODE_TYPE = 'n8n-nodes-contact-hub.contactHubReconciler';
const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'sdm', 'ocr-business-victim-stolen-bicycle.json');

let folder: string;
let storePath: string;
let store: ContactHubStore;

function reconcilerNode(parameters: Record<string, unknown> = {}): INode {
  return {
    id: 'reconciler-node',
    name: 'Find unfinished submissions',
    type: NODE_TYPE,
    typeVersion: 1,
    position: [0, 0],
    parameters: {
      pollTimes: { item: [{ mode: 'everyMinute' }] },
      thresholdMinutes: 0,
      maxPerPoll: 10,
      maxAttempts: 2,
      leaseMinutes: 5,
      finalStep: 'written-to-athena',
      options: {},
      ...parameters,
    },
    credentials: { contactHubStoreApi: { id: 'store', name: 'Contact Hub Store' } },
  } as INode;
}

async function poll(mode: WorkflowExecuteMode, credentials: CredentialsByType, parameters: Record<string, unknown> = {}) {
  const node = reconcilerNode(parameters);
  const workflow = new Workflow({
    id: 'reconciler-workflow',
    nodes: [node],
    connections: {},
    active: mode !== 'manual',
    nodeTypes: createNodeTypes({ [NODE_TYPE]: new ContactHubReconciler() }),
    settings: { executionOrder: 'v1' },
  });
  const additionalData = {
    credentialsHelper: new FakeCredentialsHelper(credentials, { contactHubStoreApi: new ContactHubStoreApi() }),
  } as unknown as IWorkflowExecuteAdditionalData;
  const context = new PollContext(workflow, node, additionalData, mode, mode === 'manual' ? 'manual' : 'activate');
  return new ContactHubReconciler().poll.call(context);
}

function sqliteCredential(): CredentialsByType {
  return { contactHubStoreApi: { storeType: 'sqlite', sqlitePath: storePath } };
}

async function receive(submissionId: string): Promise<void> {
  const document = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { included: Array<{ type: string; attributes: Record<string, unknown> }> };
  document.included.find((entry) => entry.type === 'submission')!.attributes.submissionId = submissionId;
  const text = JSON.stringify(document);
  await store.intake.recordReceived({
    submissionId,
    bodySha256: createHash('sha256').update(text).digest('hex'),
    source: 'standard-api',
    formType: 'OCR',
    document: text,
  });
}

beforeEach(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'contact-hub-reconciler-node-'));
  storePath = path.join(folder, 'store.sqlite');
  store = await openStore({ type: 'sqlite', path: storePath });
});

afterEach(async () => {
  await closeAllStores();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('Contact Hub Reconciler node', () => {
  it('emits re-drive and alert outputs', async () => {
    await receive('redrive-me');
    await store.intake.markState('redrive-me', 'written-to-chs', { reference: '42/00007/26', chsIncidentId: 'INC-7' });
    await receive('used-up');
    await store.db.execute('UPDATE contact_hub_intake SET redrive_count = 2 WHERE submission_id = $1', ['used-up']);
    await receive('finished');
    await store.intake.markState('finished', 'written-to-athena', { athenaOccurrenceId: 'OCC-9' });
    const key = createAuditKey({ keyId: 'test', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 1).toString('base64') });
    await openAuditLog(store, { key, digestSalt: 'salt' }).append([
      { step: 'written-to-athena', actor: { type: 'system', id: 'test' }, submissionId: 'finished', outcome: 'success', recipient: 'Athena' },
    ]);

    const outputs = await poll('trigger', sqliteCredential());

    expect(outputs).toHaveLength(2);
    const [redrive, alert] = outputs!;
    expect(redrive.map((item) => item.json.submission)).toEqual([expect.objectContaining({ id: 'redrive-me' })]);
    expect(redrive[0].json.reference).toBe('42/00007/26');
    expect(redrive[0].json.reconcile).toMatchObject({ state: 'written-to-chs', attempts: 1, nextStep: 'Create the Athena occurrence' });
    expect(alert.map((item) => (item.json.submission as { id: string }).id)).toEqual(['used-up']);
    expect(alert[0].json.manualHandling).toMatchObject({ code: 'reconciler-max-attempts' });

    expect((await store.intake.get('finished'))?.state).toBe('completed');
    expect((await store.intake.get('used-up'))?.state).toBe('manual-handling');
    expect((await store.intake.get('redrive-me'))?.claimOwner).toMatch(/^contact-hub-reconciler:reconciler-workflow:reconciler-node:/);
  });

  it('returns null with nothing unfinished', async () => {
    await receive('recent');

    const outputs = await poll('trigger', sqliteCredential(), { thresholdMinutes: 60 });

    expect(outputs).toBeNull();
  });

  it('previews in manual mode without claiming', async () => {
    await receive('preview');

    const outputs = await poll('manual', sqliteCredential());

    expect(outputs![0].map((item) => (item.json.submission as { id: string }).id)).toEqual(['preview']);
    expect(outputs![0][0].json.reconcile).toMatchObject({ preview: true, claimedUntil: null });
    const entry = await store.intake.get('preview');
    expect(entry?.redriveCount).toBe(0);
    expect(entry?.claimOwner).toBeNull();
  });

  it('names the bad credential field', async () => {
    await expect(poll('trigger', { contactHubStoreApi: { storeType: 'oracle' } })).rejects.toThrow(/Database Type "oracle"/);
  });

  it('names the invalid setting', async () => {
    await expect(poll('trigger', sqliteCredential(), { maxPerPoll: 0 })).rejects.toThrow(/settings are invalid.*maxPerPoll/);
  });
});
