/**
 * The SOH Email Parser inside n8n's real execution engine, so attachments are read through
 * n8n-core's own getBinaryDataBuffer as they would be after the Email Trigger (IMAP).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { openStore } from '../../../core/store';
import { closeAllStores } from '../../../nodes/shared/store';
import { SohEmailParser } from '../../../nodes/SohEmailParser/SohEmailParser.node';
import { runWorkflow, type WorkflowJson } from '../../helpers/runWorkflow';
import { fixtureJson } from '../sdm/fixtures';


let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'soh-email-workflow-'));
});

afterEach(async () => {
  await closeAllStores();
  rmSync(folder, { recursive: true, force: true });
});

const workflow: WorkflowJson = {
  nodes: [
    { id: 'start', name: 'Email arrives', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
    { id: 'parser', name: 'SOH Email Parser', type: 'n8n-nodes-contact-hub.sohEmailParser', typeVersion: 1, position: [300, 0], parameters: {} },
    { id: 'submissions', name: 'Submissions', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 0], parameters: {} },
    { id: 'unusable', name: 'Could not use', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [600, 200], parameters: {} },
  ],
  connections: {
    'Email arrives': { main: [[{ node: 'SOH Email Parser', type: 'main', index: 0 }]] },
    'SOH Email Parser': {
      main: [[{ node: 'Submissions', type: 'main', index: 0 }], [{ node: 'Could not use', type: 'main', index: 0 }]],
    },
  },
};

function run(items: INodeExecutionData[], parserParameters: INodeParameters = {}) {
  const nodes = workflow.nodes.map((node) => (node.name === 'SOH Email Parser' ? { ...node, parameters: parserParameters } : node));
  return runWorkflow({
    workflow: { ...workflow, nodes },
    packageDirs: [],
    extraNodeTypes: { 'n8n-nodes-contact-hub.sohEmailParser': new SohEmailParser() },
    credentials: { contactHubStoreApi: { storeType: 'sqlite', sqlitePath: join(folder, 'store.db') } },
    triggerItems: items,
  });
}

describe('SOH Email Parser in the execution engine', () => {
  test('iHub email becomes one submission', async () => {
    const email = fixtureJson('email/ihub-email-sdm-and-pdf.json') as INodeExecutionData;
    const result = await run([email]);
    expect(result.status).toBe('success');
    expect(result.json('Submissions')).toHaveLength(1);
    expect(result.json('Submissions')[0]).toMatchObject({ source: 'email', submission: { id: 'a9e3d7c5-1b2f-4e6a-9d08-7c4b2a1f3e88' } });
    expect(result.nodeExecutionOrder).not.toContain('Could not use');
  });

  test('second delivery goes to could not use', async () => {
    const email = fixtureJson('email/ihub-email-sdm-and-pdf.json') as INodeExecutionData;
    await run([email]);
    const result = await run([fixtureJson('email/ihub-email-sdm-and-pdf.json') as INodeExecutionData]);
    expect(result.nodeExecutionOrder).not.toContain('Submissions');
    expect(result.json('Could not use')[0]).toMatchObject({ code: 'already-received', messageId: '<ihub-20250208-134109-a9e3d7c5@ihub.example.org>' });
  });

  test('switched-off form type goes to a person', async () => {
    const email = fixtureJson('email/ihub-email-sdm-and-pdf.json') as INodeExecutionData;
    const result = await run([email], { formTypes: { OCR: false } });
    expect(result.nodeExecutionOrder).not.toContain('Submissions');
    const [diverted] = result.json('Could not use');
    expect(diverted).toMatchObject({ code: 'form-type-disabled', submissionId: 'a9e3d7c5-1b2f-4e6a-9d08-7c4b2a1f3e88', formType: 'OCR' });
    expect(diverted.reason).toMatch(/OCR/);

    await closeAllStores();
    const store = await openStore({ type: 'sqlite', path: join(folder, 'store.db') });
    try {
      const entry = await store.intake.get('a9e3d7c5-1b2f-4e6a-9d08-7c4b2a1f3e88');
      expect(entry?.state).toBe('manual-handling');
      expect(entry?.manualReason).toBe(diverted.reason);
    } finally {
      await store.close();
    }
  });
});
