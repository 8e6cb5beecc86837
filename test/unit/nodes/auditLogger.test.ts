/**
 * The Audit Logger node's execute() against a real SQLite store opened from a store credential,
 * through a small stand-in for n8n's IExecuteFunctions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialTestFunctions, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { ContactHubStore } from '../../../core/store';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, AUDIT_STEPS, AuditLog, createAuditKey, digestValue, hashEvent, type AuditEvent } from '../../../core/audit';

import { AuditLogger, testAuditKeyCredential } from '../../../nodes/AuditLogger/AuditLogger.node';
import { closeAllStores, getStore, testContactHubStoreCredential } from '../../../nodes/shared/store';

let store: ContactHubStore;
let storeCredential: Record<string, unknown>;

const auditCredential = {
  algorithm: 'hmac-sha256',
  keyId: 'node-test-key',
  secret: 'node-test-secret-node-test-secret-0123',
  digestSalt: 'node-test-digest-salt',
};
const key = createAuditKey({ keyId: auditCredential.keyId, algorithm: 'hmac-sha256', secret: auditCredential.secret });

const contactItem = (id: string, reference?: string): INodeExecutionData => ({
  json: {
    submission: { id, category: 'OCR' },
    reference,
    people: [{ givenName: 'Testperson', phones: ['07700 900123'] }],
  },
});

interface RunOptions {
  continueOnFail?: boolean;
  credential?: Record<string, unknown>;
}

async function runNode(parameters: Record<string, unknown>, items: INodeExecutionData[], options: RunOptions = {}) {
  const binaries: Array<{ data: Buffer; fileName?: string; mimeType?: string }> = [];
  const logs: Array<{ level: string; message: string; meta?: unknown }> = [];
  const log = (level: string) => (message: string, meta?: unknown) => logs.push({ level, message, meta });
  const context = {
    getInputData: () => items,
    getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
    getCredentials: async (name: string) => {
      if (name === 'contactHubStoreApi') return storeCredential;
      if (name === 'contactHubAuditKeyApi') return options.credential ?? auditCredential;
      throw new Error(`Unexpected credential ${name}`);
    },
    getNode: () => ({ id: 'audit-node', name: 'Audit Logger', type: 'n8n-nodes-contact-hub.auditLogger', typeVersion: 1, position: [0, 0], parameters: {} }),
    continueOnFail: () => options.continueOnFail ?? false,
    logger: { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug') },
    helpers: {
      prepareBinaryData: async (data: Buffer, fileName?: string, mimeType?: string) => {
        binaries.push({ data, fileName, mimeType });
        return { data: data.toString('base64'), fileName, mimeType };
      },
    },
  } as unknown as IExecuteFunctions;

  const [output] = await new AuditLogger().execute.call(context);
  return { output, binaries, logs };
}

const appendParameters = {
  operation: 'appendEvent',
  actorType: 'system',
  actorId: 'workflow test-1',
  step: 'received',
  auditAction: '',
  outcome: 'success',
  targetSystem: '',
  targetRecordId: '',
  recipient: '',
  justification: '',
  fieldsToDigest: 'people.0.phones, people.0.email',
  fieldsAsContent: 'people.0.givenName',
  details: '{"category":"OCR"}',
};

describe('Audit Logger node', () => {
  let folder: string;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'audit-logger-node-'));
    storeCredential = { storeType: 'sqlite', sqlitePath: join(folder, 'store.sqlite') };
    // The same cached store the node opens from this credential.
    store = await getStore({ getCredentials: async <T extends object>() => storeCredential as T });
  });

  afterEach(async () => {
    await closeAllStores();
    rmSync(folder, { recursive: true, force: true });
  });

  it('appends and passes items through', async () => {
    const items = [contactItem('SUB-1', '42/1/26'), contactItem('SUB-2')];
    const { output, logs } = await runNode({ ...appendParameters, submissionId: 'SUB-1', reference: '42/1/26' }, items);

    expect(output).toHaveLength(2);
    expect(output[0].pairedItem).toEqual({ item: 0 });
    expect(output[1].pairedItem).toEqual({ item: 1 });
    expect(output[0].json.submission).toEqual(items[0].json.submission);
    const audit = output[1].json.audit as { eventId: string; sequence: number; hash: string };
    expect(audit.sequence).toBe(2);

    const [stored] = (await new AuditLog(store.db).trail({ submissionId: 'SUB-1' }, { includeContent: true })).map((entry) => entry);
    expect(stored.event.action).toBe('collection');
    expect(stored.event.digests['people.0.phones']).toBe(digestValue(['07700 900123'], auditCredential.digestSalt));
    expect(stored.event.details).toEqual({ category: 'OCR', missingFields: ['people.0.email'] });
    expect(stored.content).toEqual({ 'people.0.givenName': 'Testperson' });
    expect(JSON.stringify(logs)).not.toContain('07700');
    expect(JSON.stringify(logs)).not.toContain('Testperson');
  });

  it('rejects a submission id that is not text', async () => {
    const run = runNode({ ...appendParameters, step: 'other', submissionId: { value: 'SUB-9' } }, [contactItem('SUB-9')]);
    await expect(run).rejects.toThrow(/Submission ID on item 0 is an object, not text/);
  });

  it('rejects a disclosure without a recipient', async () => {
    const run = runNode({ ...appendParameters, step: 'other', auditAction: 'disclosure', submissionId: 'SUB-9' }, [contactItem('SUB-9')]);
    await expect(run).rejects.toThrow(/Audit Logger failed for submission SUB-9: .*disclosure without a recipient/);
  });

  it('turns a failure into an error item with continue on fail', async () => {
    const { output } = await runNode(
      { ...appendParameters, step: 'other', auditAction: '', submissionId: 'SUB-9' },
      [contactItem('SUB-9')],
      { continueOnFail: true },
    );
    expect(output).toHaveLength(1);
    expect(output[0].pairedItem).toEqual({ item: 0 });
    expect((output[0].json.error as { message: string }).message).toMatch(/step "other" and no action/);
  });

  it('requires name and role for a person actor', async () => {
    const run = runNode({ ...appendParameters, actorType: 'person', actorId: 'P123', submissionId: 'SUB-1' }, [contactItem('SUB-1')]);
    await expect(run).rejects.toThrow(/actor.name and actor.role are required/);
  });

  it('returns a trail and logs the consultation', async () => {
    await runNode({ ...appendParameters, submissionId: 'SUB-1', reference: '42/1/26' }, [contactItem('SUB-1')]);
    await runNode({ ...appendParameters, step: 'written-to-chs', submissionId: 'SUB-1', reference: '42/1/26', targetSystem: 'CHS' }, [contactItem('SUB-1')]);

    const { output } = await runNode(
      {
        operation: 'getTrail',
        actorType: 'person',
        actorId: 'P1234',
        actorName: 'Test Auditor',
        actorRole: 'Information manager',
        trailBy: 'reference',
        trailReference: '42/1/26',
        includeContent: false,
        trailJustification: 'Subject access request',
      },
      [{ json: {} }],
    );
    expect(output.map((item) => item.json.step)).toEqual(['received', 'written-to-chs']);
    expect(output[1].json.recipient).toBe('CHS');

    const trail = await new AuditLog(store.db).trail({ reference: '42/1/26' });
    const consultation = trail[trail.length - 1].event;
    expect(consultation.action).toBe('consultation');
    expect(consultation.actor).toEqual({ type: 'person', id: 'P1234', name: 'Test Auditor', role: 'Information manager' });
    expect(consultation.justification).toBe('Subject access request');
    expect(consultation.eventId).toBe(output[0].json.consultationEventId);
  });

  it('verifies the chain and fails when asked', async () => {
    await runNode({ ...appendParameters, submissionId: 'SUB-1' }, [contactItem('SUB-1')]);
    const { output } = await runNode({ operation: 'verifyChain' }, [{ json: {} }]);
    expect(output[0].json.ok).toBe(true);
    expect(output[0].json.eventsChecked).toBe(1);

    await store.db.execute('DROP TRIGGER audit_content_reject_update');
    await store.db.execute(`UPDATE audit_content SET content_json = '{"people.0.givenName":"Changed"}'`);
    const broken = await runNode({ operation: 'verifyChain' }, [{ json: {} }]);
    expect(broken.output[0].json.ok).toBe(false);
    await expect(runNode({ operation: 'verifyChain', failWhenBroken: true }, [{ json: {} }])).rejects.toThrow(/audit chain is broken at event 1/);
  });

  it('exports a file and logs the disclosure', async () => {
    await runNode({ ...appendParameters, submissionId: 'SUB-1' }, [contactItem('SUB-1')]);
    const { output, binaries } = await runNode(
      { operation: 'export', actorType: 'system', actorId: 'workflow export', format: 'jsonl', exportRecipient: 'ICO', binaryPropertyName: 'file' },
      [{ json: {} }],
    );
    expect(output[0].json.eventsExported).toBe(1);
    expect(output[0].binary?.file).toBeDefined();
    const lines = binaries[0].data.toString('utf8').trimEnd().split('\n');
    const exported = JSON.parse(lines[0]) as AuditEvent;
    expect(hashEvent(exported)).toBe(exported.hash);
    expect(binaries[0].fileName).toMatch(/\.jsonl$/);

    const trail = (await new AuditLog(store.db).export({ format: 'jsonl' })).content;
    const last = JSON.parse(trail.trimEnd().split('\n').pop()!) as AuditEvent;
    expect(last.action).toBe('disclosure');
    expect(last.recipient).toBe('ICO');
  });

  it('creates a checkpoint and sweeps retention', async () => {
    await runNode({ ...appendParameters, submissionId: 'SUB-1' }, [contactItem('SUB-1')]);
    const checkpoint = await runNode({ operation: 'createCheckpoint' }, [{ json: {} }]);
    expect(checkpoint.output[0].json).toMatchObject({ created: true, checkpointNumber: 1, upToSequence: 1 });

    const sweep = await runNode({ operation: 'retentionSweep', actorType: 'system', actorId: 'nightly sweep', olderThan: 'P1D', sweepLimit: 100 }, [{ json: {} }]);
    expect(sweep.output[0].json.contentErased).toBe(0);

    const badPeriod = runNode({ operation: 'retentionSweep', actorType: 'system', actorId: 'nightly sweep', olderThan: '7 years' }, [{ json: {} }]);
    await expect(badPeriod).rejects.toThrow(/"7 years" is not a valid ISO 8601 duration/);

    const report = await new AuditLog(store.db).verify({ key, digestSalt: auditCredential.digestSalt });
    expect(report.ok).toBe(true);
  });

  it('rejects an invalid credential', async () => {
    const run = runNode({ ...appendParameters, submissionId: 'SUB-1' }, [contactItem('SUB-1')], {
      credential: { ...auditCredential, secret: 'short' },
    });
    await expect(run).rejects.toThrow(/Audit Key credential is invalid: .*has 5 characters/);
  });
});

describe('Audit Logger parameters', () => {
  const optionValues = (name: string) => {
    const property = new AuditLogger().description.properties.find((candidate) => candidate.name === name);
    return (property?.options as Array<{ value: string }>).map((option) => option.value).filter((value) => value !== '').sort();
  };

  it('offer every step, action and outcome', () => {
    expect(optionValues('step')).toEqual([...AUDIT_STEPS].sort());
    expect(optionValues('auditAction')).toEqual([...AUDIT_ACTIONS].sort());
    expect(optionValues('outcome')).toEqual([...AUDIT_OUTCOMES].sort());
  });

  it('test both credentials', () => {
    const node = new AuditLogger();
    const testedBy = (name: string) => node.description.credentials?.find((entry) => entry.name === name)?.testedBy;
    expect(testedBy('contactHubAuditKeyApi')).toBe('auditKeyTest');
    expect(node.methods.credentialTest.auditKeyTest).toBe(testAuditKeyCredential);
    expect(testedBy('contactHubStoreApi')).toBe('contactHubStoreTest');
    expect(node.methods.credentialTest.contactHubStoreTest).toBe(testContactHubStoreCredential);
  });
});

describe('audit key credential test', () => {
  const test = (data: Record<string, unknown>) =>
    testAuditKeyCredential.call({} as ICredentialTestFunctions, { id: '1', name: 'audit', type: 'contactHubAuditKeyApi', data: data as never });

  it('accepts a working HMAC key', async () => {
    expect(await test(auditCredential)).toEqual({ status: 'OK', message: 'Key "node-test-key" (hmac-sha256) signs and verifies.' });
  });

  it('reports a short digest salt', async () => {
    const result = await test({ ...auditCredential, digestSalt: 'x' });
    expect(result.status).toBe('Error');
    expect(result.message).toMatch(/digest salt has 1 characters/);
  });

  it('reports a PEM that does not parse', async () => {
    const result = await test({ ...auditCredential, algorithm: 'ed25519', privateKeyPem: 'nonsense' });
    expect(result.status).toBe('Error');
    expect(result.message).toMatch(/could not be read as PEM/);
  });
});
