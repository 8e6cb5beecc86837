/**
 * The Audit Logger loaded from the built `dist/` by PackageDirectoryLoader, as n8n loads a
 * community package, run in n8n's execution engine. This evaluates the node's default
 * expressions (submission id, reference, actor id) as n8n does. Run `npm run build` first.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { AuditLog, createAuditKey } from '../../../core/audit';
import { openStore } from '../../../core/store';
import { REPO_ROOT, runWorkflow } from '../../helpers/runWorkflow';

const NODE_FILE = 'dist/nodes/AuditLogger/AuditLogger.node.js';
const CREDENTIAL_FILES = ['dist/credentials/ContactHubStoreApi.credentials.js', 'dist/credentials/ContactHubAuditKeyApi.credentials.js'];

const auditKeyCredential = {
  algorithm: 'hmac-sha256',
  keyId: 'engine-test-key',
  secret: 'engine-test-secret-engine-test-secret',
  digestSalt: 'engine-test-digest-salt',
};

let directory: string;
let packageDir: string;
let sqlitePath: string;

/** Writes a package folder listing only the Audit Logger and its credentials, so other nodes' build state cannot affect this test. */
function writeAuditOnlyPackage(): string {
  for (const file of [NODE_FILE, ...CREDENTIAL_FILES]) {
    if (!existsSync(join(REPO_ROOT, file))) throw new Error(`${file} is missing: run npm run build before this test.`);
  }
  const dir = join(directory, 'package');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'n8n-nodes-contact-hub', version: '0.0.0-test', main: 'index.js', n8n: { n8nNodesApiVersion: 1, nodes: [NODE_FILE], credentials: CREDENTIAL_FILES } }),
  );
  writeFileSync(join(dir, 'index.js'), 'module.exports = {};\n');
  symlinkSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), 'dir');
  return dir;
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'audit-logger-workflow-'));
  packageDir = writeAuditOnlyPackage();
  sqlitePath = join(directory, 'store.sqlite');
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

async function runAuditNode(parameters: INodeParameters, triggerItems: IDataObject[]) {
  return runWorkflow({
    packageDirs: [packageDir],
    workflow: {
      id: 'audit-engine-test',
      name: 'Audit engine test',
      nodes: [
        { id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
        {
          id: 'audit',
          name: 'Audit Logger',
          type: 'n8n-nodes-contact-hub.auditLogger',
          typeVersion: 1,
          position: [200, 0],
          parameters,
          credentials: {
            contactHubStoreApi: { id: 'store', name: 'Store' },
            contactHubAuditKeyApi: { id: 'key', name: 'Audit key' },
          },
        },
      ],
      connections: { Start: { main: [[{ node: 'Audit Logger', type: 'main', index: 0 }]] } },
    },
    triggerItems,
    credentials: {
      contactHubStoreApi: { storeType: 'sqlite', sqlitePath },
      contactHubAuditKeyApi: auditKeyCredential,
    },
  });
}

describe('Audit Logger in the n8n engine', () => {
  test('appends with the default expressions', async () => {
    const result = await runAuditNode(
      { operation: 'appendEvent', step: 'written-to-chs', targetSystem: 'CHS', targetRecordId: '={{ $json.chs.incidentId }}' },
      [{ submission: { id: 'SUB-ENGINE-1' }, reference: '42/00001/26', chs: { incidentId: 'INC-77' } }],
    );
    expect(result.errorMessage).toBeUndefined();
    expect(result.status).toBe('success');

    const [output] = result.json('Audit Logger');
    expect(output.reference).toBe('42/00001/26');
    expect((output.audit as IDataObject).sequence).toBe(1);

    const store = await openStore({ type: 'sqlite', path: sqlitePath });
    try {
      const [entry] = await new AuditLog(store.db).trail({ submissionId: 'SUB-ENGINE-1' });
      expect(entry.event.reference).toBe('42/00001/26');
      expect(entry.event.action).toBe('disclosure');
      expect(entry.event.recipient).toBe('CHS');
      expect(entry.event.targetRecordId).toBe('INC-77');
      expect(entry.event.actor).toEqual({ type: 'system', id: 'workflow audit-engine-test' });
    } finally {
      await store.close();
    }
  });

  test('verifies the chain it wrote', async () => {
    const result = await runAuditNode({ operation: 'verifyChain' }, [{}]);
    expect(result.status).toBe('success');
    const [report] = result.json('Audit Logger');
    expect(report.ok).toBe(true);
    expect(report.eventsChecked).toBe(1);

    const store = await openStore({ type: 'sqlite', path: sqlitePath });
    try {
      const key = createAuditKey({ keyId: auditKeyCredential.keyId, algorithm: 'hmac-sha256', secret: auditKeyCredential.secret });
      expect((await new AuditLog(store.db).verify({ key })).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  test('names the submission when the input is invalid', async () => {
    const result = await runAuditNode({ operation: 'appendEvent', step: 'other' }, [{ submission: { id: 'SUB-ENGINE-2' } }]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/Audit Logger failed for submission SUB-ENGINE-2: .*step "other" and no action/);
  });
});
