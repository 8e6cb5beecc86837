/**
 * The Reference Allocator inside n8n's real execution engine, with the real store helper opening a
 * real SQLite file from the credential.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { openStore } from '../../../core/store';
import { ReferenceAllocator } from '../../../nodes/ReferenceAllocator/ReferenceAllocator.node';
import { closeAllStores } from '../../../nodes/shared/store';
import { runWorkflow, type WorkflowJson } from '../../helpers/runWorkflow';

let folder: string;
let storePath: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'reference-allocator-'));
  storePath = join(folder, 'store.sqlite');
});

afterEach(async () => {
  await closeAllStores();
  rmSync(folder, { recursive: true, force: true });
});

const KENT = { pattern: '{FORCE}/{SEQ:5}/{YY}', forceCode: '46', resetPeriod: 'yearly' };

function workflowWith(parameters: INodeParameters, nodeExtra: Partial<INode> = {}): WorkflowJson {
  return {
    nodes: [
      { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      {
        id: 'allocator',
        name: 'Reference Allocator',
        type: 'n8n-nodes-contact-hub.referenceAllocator',
        typeVersion: 1,
        position: [300, 0],
        parameters,
        credentials: { contactHubStoreApi: { id: '1', name: 'Contact Hub Store' } },
        ...nodeExtra,
      },
    ],
    connections: { Start: { main: [[{ node: 'Reference Allocator', type: 'main', index: 0 }]] } },
  };
}

function submission(id: string, utc = '2025-06-12T14:09:33.880Z'): IDataObject {
  return { submission: { id, submitTime: { original: utc, utc, flags: [] } } };
}

function run(parameters: INodeParameters, items: IDataObject[], credential: ICredentialDataDecryptedObject = { sqlitePath: storePath }, nodeExtra: Partial<INode> = {}) {
  return runWorkflow({
    workflow: workflowWith(parameters, nodeExtra),
    packageDirs: [],
    extraNodeTypes: { 'n8n-nodes-contact-hub.referenceAllocator': new ReferenceAllocator() },
    credentials: { contactHubStoreApi: credential },
    triggerItems: items.map((json) => ({ json })),
  });
}

describe('Reference Allocator allocate', () => {
  it('adds consecutive references', async () => {
    const result = await run({ operation: 'allocate', ...KENT }, [submission('sub-1'), submission('sub-2')]);
    expect(result.status).toBe('success');
    const items = result.outputs['Reference Allocator'][0];
    expect(items.map((item) => item.json.reference)).toEqual(['46/00001/25', '46/00002/25']);
    expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
    expect(items[0].json.submission).toMatchObject({ id: 'sub-1' });
  });

  it('returns the same reference on a re-run', async () => {
    await run({ operation: 'allocate', ...KENT }, [submission('sub-1')]);
    const again = await run({ operation: 'allocate', ...KENT }, [submission('sub-2'), submission('sub-1')]);
    expect(again.json('Reference Allocator').map((item) => item.reference)).toEqual(['46/00002/25', '46/00001/25']);
  });

  it('takes the force code from the submission', async () => {
    const item = { submission: { ...(submission('sub-42').submission as IDataObject), forceIdentifier: 42 } };
    const result = await run({ operation: 'allocate', pattern: KENT.pattern, resetPeriod: 'yearly' }, [item]);
    expect(result.status).toBe('success');
    expect(result.json('Reference Allocator')[0].reference).toBe('42/00001/25');
  });

  it('writes to the configured field', async () => {
    const result = await run({ operation: 'allocate', ...KENT, outputField: 'forceReference' }, [submission('sub-1')]);
    expect(result.json('Reference Allocator')[0]).toMatchObject({ forceReference: '46/00001/25' });
    expect(result.json('Reference Allocator')[0]).not.toHaveProperty('reference');
  });

  it('dates by London time', async () => {
    const result = await run(
      { operation: 'allocate', pattern: '{SEQ:3}/{MM}/{YY}', resetPeriod: 'monthly' },
      [submission('sub-april', '2026-03-31T23:30:00.000Z')],
    );
    expect(result.json('Reference Allocator')[0].reference).toBe('001/04/26');
  });

  it('adds a check digit', async () => {
    const result = await run({ operation: 'allocate', ...KENT, checkCharacter: true }, [submission('sub-1')]);
    expect(result.json('Reference Allocator')[0].reference).toMatch(/^46\/00001\/25[0-9]$/);
  });

  it('updates the intake ledger', async () => {
    const store = await openStore({ type: 'sqlite', path: storePath });
    const document = '{"data":{}}';
    await store.intake.recordReceived({
      submissionId: 'sub-ledger',
      bodySha256: createHash('sha256').update(document).digest('hex'),
      source: 'standard-api',
      document,
    });

    await run({ operation: 'allocate', ...KENT }, [submission('sub-ledger'), submission('sub-not-in-ledger')]);
    const entry = await store.intake.get('sub-ledger');
    expect(entry).toMatchObject({ state: 'reference-allocated', reference: '46/00001/25' });
    expect(await store.intake.get('sub-not-in-ledger')).toBeNull();
    await store.close();
  });

  it('names a missing submission id', async () => {
    const result = await run({ operation: 'allocate', ...KENT }, [submission('sub-1'), { submission: {} }]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/Submission ID on item 1 is missing/);
  });

  it('rejects a submission id that is not text', async () => {
    const result = await run({ operation: 'allocate', ...KENT }, [{ submission: { id: { value: 'sub-a' } } }, { submission: { id: { value: 'sub-b' } } }]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toBe('Submission ID on item 0 is an object, not text');
  });

  it('rejects a submission id with a line break', async () => {
    const result = await run({ operation: 'allocate', ...KENT }, [submission('sub-1\nsub-2')]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toBe('Submission ID on item 0 contains control characters such as line breaks');
  });

  it('names the bad pattern token', async () => {
    const result = await run({ operation: 'allocate', ...KENT, pattern: '{FORCE}/{SEQ}/{YEAR}' }, [submission('sub-1')]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/Invalid Pattern .*\{YEAR\}/);
  });

  it('keeps going with continue on fail', async () => {
    const result = await run({ operation: 'allocate', ...KENT }, [{ submission: {} }, submission('sub-ok')], { sqlitePath: storePath }, {
      onError: 'continueRegularOutput',
    });
    expect(result.status).toBe('success');
    const items = result.outputs['Reference Allocator'][0];
    expect(items[0].json.error).toMatchObject({ message: expect.stringMatching(/Submission ID/) });
    expect(items[0].pairedItem).toEqual({ item: 0 });
    expect(items[1].json.reference).toBe('46/00001/25');
  });

  it('reports an unreachable store', async () => {
    writeFileSync(join(folder, 'not-a-folder'), '');
    const result = await run({ operation: 'allocate', ...KENT }, [submission('sub-1')], { sqlitePath: join(folder, 'not-a-folder', 'store.sqlite') });
    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/could not open the Contact Hub Store/);
  });

  it('reports an unreachable PostgreSQL store', async () => {
    const credential = { storeType: 'postgres', host: '127.0.0.1', port: 1, database: 'test', user: 'postgres', sslMode: 'disable' };
    const result = await run({ operation: 'allocate', ...KENT }, [submission('sub-1')], credential);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toBe('Reference Allocator could not open the Contact Hub Store because the store is unavailable');
  });

  it('rejects an output field of the contact', async () => {
    const result = await run({ operation: 'allocate', ...KENT, outputField: 'submission' }, [submission('sub-overwrite')]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toBe('Output Field "submission" on item 0 would overwrite that field of the contact item');
  });

  it('rejects a year the pattern repeats', async () => {
    const result = await run({ operation: 'allocate', ...KENT, allocationDate: '1999-06-01T12:00:00Z' }, [submission('sub-1999')]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/^Invalid Allocation Date on item 0: .* is in the year 1999, but pattern ".*" can only allocate references from 2000 to 2099/);
  });

  it('reports an invalid allocation date', async () => {
    const result = await run({ operation: 'allocate', ...KENT, allocationDate: 'yesterday' }, [submission('sub-1')]);
    expect(result.errorMessage).toMatch(/Allocation Date "yesterday" on item 0 is not a valid time/);
  });
});

describe('Reference Allocator look up', () => {
  it('finds an allocated reference', async () => {
    await run({ operation: 'allocate', ...KENT }, [submission('sub-1')]);
    const result = await run({ operation: 'lookUp', ...KENT }, [submission('sub-1'), submission('sub-unknown')]);
    expect(result.json('Reference Allocator').map((item) => item.reference)).toEqual(['46/00001/25', null]);
  });
});

describe('Reference Allocator validate', () => {
  it('checks references', async () => {
    const allocated = await run({ operation: 'allocate', ...KENT, checkCharacter: true }, [submission('sub-1')]);
    const reference = allocated.json('Reference Allocator')[0].reference as string;
    const misread = reference.replace('00001', '00007');

    const result = await run({ operation: 'validate', ...KENT, checkCharacter: true }, [{ reference }, { reference: misread }, { reference: 'hello' }]);
    const validations = result.json('Reference Allocator').map((item) => item.referenceValidation as IDataObject);
    expect(validations[0]).toMatchObject({ valid: true, parts: { forceCode: '46', sequence: 1, year: 2025 } });
    expect(validations[1]).toMatchObject({ valid: false, reason: expect.stringMatching(/check character/) });
    expect(validations[2]).toMatchObject({ valid: false, reason: expect.stringMatching(/shape/) });
  });
});
