/**
 * The SOH Trigger inside n8n's real execution engine: n8n-core's WebhookContext evaluates the
 * node's parameters, and WorkflowExecute runs the items down each output.
 */
import type { INodeParameters } from 'n8n-workflow';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllStores } from '../../../nodes/shared/store';
import { SohTrigger } from '../../../nodes/SohTrigger/SohTrigger.node';
import { runWorkflow, type WorkflowJson } from '../../helpers/runWorkflow';
import { fixtureBytes } from '../sdm/fixtures';


const CLIENT = { 'x-client-id': 'ihub-test-client', 'x-client-secret': 'correct horse battery staple' };
let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'soh-trigger-workflow-'));
});

afterEach(async () => {
  await closeAllStores();
  rmSync(folder, { recursive: true, force: true });
});

function workflow(parameters: INodeParameters): WorkflowJson {
  return {
    nodes: [
      {
        id: 'trigger',
        name: 'SOH Trigger',
        type: 'n8n-nodes-contact-hub.sohTrigger',
        typeVersion: 1,
        position: [0, 0],
        webhookId: '3c5e7a90-1b2d-4f6e-8a0c-2e4f6a8b0c11',
        parameters,
      },
      { id: 'accepted', name: 'Accepted', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 0], parameters: {} },
      { id: 'manual', name: 'Manual handling', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [300, 200], parameters: {} },
    ],
    connections: {
      'SOH Trigger': {
        main: [[{ node: 'Accepted', type: 'main', index: 0 }], [{ node: 'Manual handling', type: 'main', index: 0 }]],
      },
    },
  };
}

async function run(parameters: INodeParameters, file: string) {
  const body = fixtureBytes(file);
  return runWorkflow({
    workflow: workflow(parameters),
    packageDirs: [],
    extraNodeTypes: { 'n8n-nodes-contact-hub.sohTrigger': new SohTrigger() },
    credentials: {
      sohApi: { clientId: CLIENT['x-client-id'], clientSecret: CLIENT['x-client-secret'] },
      contactHubStoreApi: { storeType: 'sqlite', sqlitePath: join(folder, 'store.db') },
    },
    webhook: { request: { headers: { ...CLIENT, 'content-type': 'application/json' }, body: JSON.parse(body.toString('utf8')), rawBody: body } },
  });
}

describe('SOH Trigger in the execution engine', () => {
  test('defaults accept a crime report', async () => {
    const result = await run({}, 'sdm/ocr-hate-crime-witness-welsh-names.json');
    expect(result.status).toBe('success');
    expect(result.webhook!.response.statusCode).toBe(201);
    expect(JSON.parse(String(result.webhook!.response.body)).data.attributes.status).toBe('accepted');
    expect(result.json('Accepted')).toHaveLength(1);
    expect(result.json('Accepted')[0]).toMatchObject({ formType: 'OCR', submission: { id: '3c1d6f0e-8b7a-4c39-9e52-0a4f6d2b7c11' } });
    expect(result.nodeExecutionOrder).not.toContain('Manual handling');
  });

  test('disabled form type to manual handling', async () => {
    const result = await run({ formTypes: { RTI: false } }, 'sdm/rti-witness-vehicle-local-times.json');
    expect(result.status).toBe('success');
    expect(result.nodeExecutionOrder).not.toContain('Accepted');
    expect(result.json('Manual handling')[0].manualHandling).toMatchObject({ code: 'form-type-disabled' });
  });

  test('default-off form type to manual handling', async () => {
    const body = JSON.parse(fixtureBytes('sdm/ocr-hate-crime-witness-welsh-names.json').toString('utf8'));
    body.included[0].attributes.category = 'DA';
    const raw = Buffer.from(JSON.stringify(body));
    const result = await runWorkflow({
      workflow: workflow({}),
      packageDirs: [],
      extraNodeTypes: { 'n8n-nodes-contact-hub.sohTrigger': new SohTrigger() },
      credentials: {
        sohApi: { clientId: CLIENT['x-client-id'], clientSecret: CLIENT['x-client-secret'] },
        contactHubStoreApi: { storeType: 'sqlite', sqlitePath: join(folder, 'store.db') },
      },
      webhook: { request: { headers: { ...CLIENT, 'content-type': 'application/json' }, body, rawBody: raw } },
    });
    expect(result.json('Manual handling')[0].manualHandling).toMatchObject({ code: 'form-type-disabled' });
    expect(String((result.json('Manual handling')[0].manualHandling as { reason: string }).reason)).toContain('Domestic abuse (DA)');
  });

  test('respond after reference keeps response open', async () => {
    const result = await run({ responseMode: 'afterReference' }, 'sdm/ocr-hate-crime-witness-welsh-names.json');
    expect(result.webhook!.result.noWebhookResponse).toBeUndefined();
    expect(result.webhook!.response.ended).toBe(false);
    expect(result.json('Accepted')).toHaveLength(1);
  });

  test('rejected request starts no run', async () => {
    const result = await runWorkflow({
      workflow: workflow({}),
      packageDirs: [],
      extraNodeTypes: { 'n8n-nodes-contact-hub.sohTrigger': new SohTrigger() },
      credentials: { sohApi: { clientId: 'someone-else', clientSecret: 'x' }, contactHubStoreApi: { storeType: 'sqlite', sqlitePath: join(folder, 'store.db') } },
      webhook: { request: { headers: CLIENT, body: {} } },
    });
    expect(result.webhook!.response.statusCode).toBe(401);
    expect(result.nodeExecutionOrder).toEqual([]);
  });
});
