import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { receiveSubmission } from '../../../core/sdm';
import { closeAllStores, getStore } from '../../../nodes/shared/store';
import { SohEmailParser } from '../../../nodes/SohEmailParser/SohEmailParser.node';
import { fixtureBytes, fixtureJson } from '../sdm/fixtures';


const SUBMISSION_ID = 'a9e3d7c5-1b2f-4e6a-9d08-7c4b2a1f3e88';
let folder: string;
let storePath: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'soh-email-'));
  storePath = join(folder, 'store.db');
});

afterEach(async () => {
  await closeAllStores();
  rmSync(folder, { recursive: true, force: true });
});

function emailItem(attachments: Array<{ bytes: Buffer; mimeType: string; fileName: string }>, messageId = '<test-1@ihub.example.org>'): INodeExecutionData {
  const binary = Object.fromEntries(
    attachments.map((attachment, index) => [
      `attachment_${index}`,
      { data: attachment.bytes.toString('base64'), mimeType: attachment.mimeType, fileName: attachment.fileName },
    ]),
  );
  return { json: { messageId, subject: 'SOH submission', from: 'no-reply@ihub.example.org' }, binary };
}

async function run(items: INodeExecutionData[], options: { continueOnFail?: boolean; sqlitePath?: string } = {}) {
  const context = {
    getInputData: () => items,
    getNode: () => ({ name: 'SOH Email Parser', type: 'n8n-nodes-contact-hub.sohEmailParser', typeVersion: 1, parameters: {} }),
    continueOnFail: () => options.continueOnFail ?? false,
    // No parameters are set, so every form-type switch keeps its default.
    getNodeParameter: (_name: string, _itemIndex: number, fallback: unknown) => fallback,
    getCredentials: async () => ({ storeType: 'sqlite', sqlitePath: options.sqlitePath ?? storePath }),
    helpers: {
      getBinaryDataBuffer: async (itemIndex: number, key: string) => Buffer.from(items[itemIndex].binary![key].data, 'base64'),
    },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
  };
  return new SohEmailParser().execute.call(context as never);
}

async function ledger() {
  return (await testStore(storePath)).intake;
}

/** The store the nodes open for the test credential; getStore returns the same instance to both. */
function testStore(sqlitePath: string) {
  return getStore({ getCredentials: async () => ({ storeType: 'sqlite', sqlitePath }) } as never);
}


describe('SOH Email Parser', () => {
  test('iHub email with SDM and PDF', async () => {
    const item = fixtureJson('email/ihub-email-sdm-and-pdf.json') as INodeExecutionData;
    const [submissions, unusable] = await run([item]);
    expect(unusable).toEqual([]);
    expect(submissions).toHaveLength(1);
    expect(submissions[0].pairedItem).toEqual({ item: 0 });
    expect(submissions[0].json).toMatchObject({
      source: 'email',
      receivedVia: 'email',
      submission: { id: SUBMISSION_ID },
      email: { messageId: '<ihub-20250208-134109-a9e3d7c5@ihub.example.org>', attachment: 'BUS-1-25-0208-A2B6.json' },
    });
    expect(await (await ledger()).get(SUBMISSION_ID)).toMatchObject({ source: 'email', state: 'received' });
  });

  test.each([
    ['UTF-8 with BOM as application/json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fixtureBytes('sdm/ocr-business-victim-stolen-bicycle.json')]), 'application/json', 'a.json'],
    ['UTF-16 LE with BOM as octet-stream', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(fixtureBytes('sdm/ocr-business-victim-stolen-bicycle.json').toString('utf8'), 'utf16le')]), 'application/octet-stream', 'a.json'],
    ['text/plain with a .json name', fixtureBytes('sdm/ocr-business-victim-stolen-bicycle.json'), 'text/plain; charset=utf-8', 'submission.JSON'],
  ])('%s', async (_name, bytes, mimeType, fileName) => {
    const [submissions, unusable] = await run([emailItem([{ bytes, mimeType, fileName }])]);
    expect(unusable).toEqual([]);
    expect((submissions[0].json.submission as IDataObject).id).toBe(SUBMISSION_ID);
    expect(((submissions[0].json.people as IDataObject[])[0] as IDataObject).organisationName).toBe('Tân Cycles Cyf');
  });

  test('several attachments become several items', async () => {
    const [submissions] = await run([
      emailItem([
        { bytes: fixtureBytes('sdm/ocr-business-victim-stolen-bicycle.json'), mimeType: 'application/json', fileName: 'one.json' },
        { bytes: fixtureBytes('raw-soh/ocr-bicycle-theft.json'), mimeType: 'application/json', fileName: 'two.json' },
      ]),
    ]);
    expect(submissions.map((item) => (item.json.submission as IDataObject).id)).toEqual([SUBMISSION_ID, 'raw-2b9e4c71-5a0d-4e83-9f16-7d2c8b3a1e66']);
    expect(submissions.map((item) => item.json.source)).toEqual(['email', 'raw-soh']);
  });

  test('no usable attachment goes to the second output', async () => {
    const [submissions, unusable] = await run([
      emailItem([{ bytes: Buffer.from('%PDF-1.4'), mimeType: 'application/pdf', fileName: 'form.pdf' }], '<no-json@ihub.example.org>'),
      { json: { messageId: '<no-attachments@ihub.example.org>' } },
    ]);
    expect(submissions).toEqual([]);
    expect(unusable.map((item) => [item.json.code, item.json.messageId, item.pairedItem])).toEqual([
      ['no-json-attachment', '<no-json@ihub.example.org>', { item: 0 }],
      ['no-json-attachment', '<no-attachments@ihub.example.org>', { item: 1 }],
    ]);
    expect(unusable[0].json.reason).toContain('form.pdf (application/pdf)');
  });

  test('invalid JSON attachment goes to the second output', async () => {
    const [, unusable] = await run([emailItem([{ bytes: Buffer.from('{"data": '), mimeType: 'application/json', fileName: 'broken.json' }])]);
    expect(unusable[0].json).toMatchObject({ code: 'invalid-attachment', attachment: 'broken.json', messageId: '<test-1@ihub.example.org>' });
    expect((unusable[0].json.errors as IDataObject[])[0]).toMatchObject({ code: 'invalid-json', status: '400' });
  });

  test('already received through the API', async () => {
    const store = await testStore(storePath);
    const viaApi = await receiveSubmission(store, fixtureBytes('sdm/ocr-business-victim-stolen-bicycle.json'), { source: 'standard-api' });
    expect(viaApi.kind).toBe('accepted');

    const [submissions, unusable] = await run([fixtureJson('email/ihub-email-sdm-and-pdf.json') as INodeExecutionData]);
    expect(submissions).toEqual([]);
    expect(unusable[0].json).toMatchObject({ code: 'already-received', submissionId: SUBMISSION_ID, ledgerState: 'received' });
    expect((await (await ledger()).get(SUBMISSION_ID))!.deliveryCount).toBe(2);
  });

  test('same id with a different body is a conflict', async () => {
    await run([fixtureJson('email/ihub-email-sdm-and-pdf.json') as INodeExecutionData]);
    const changed = fixtureJson('sdm/ocr-business-victim-stolen-bicycle.json');
    changed.data.attributes.incidentDescription = 'Changed after sending.';
    const [, unusable] = await run([emailItem([{ bytes: Buffer.from(JSON.stringify(changed)), mimeType: 'application/json', fileName: 'again.json' }])]);
    expect(unusable[0].json).toMatchObject({ code: 'submission-conflict', submissionId: SUBMISSION_ID });
    expect((await (await ledger()).get(SUBMISSION_ID))!.conflictCount).toBe(1);
  });

  test('store down stops the node', async () => {
    writeFileSync(join(folder, 'not-a-folder'), '');
    const item = fixtureJson('email/ihub-email-sdm-and-pdf.json') as INodeExecutionData;
    await expect(run([item], { sqlitePath: join(folder, 'not-a-folder', 'store.db') })).rejects.toThrow(
      /Attachment BUS-1-25-0208-A2B6.json of email <ihub-20250208-134109-a9e3d7c5@ihub.example.org> could not be stored/,
    );
  });

  test('store down with continue on fail', async () => {
    writeFileSync(join(folder, 'not-a-folder'), '');
    const item = fixtureJson('email/ihub-email-sdm-and-pdf.json') as INodeExecutionData;
    const [submissions, unusable] = await run([item], { continueOnFail: true, sqlitePath: join(folder, 'not-a-folder', 'store.db') });
    expect(submissions).toEqual([]);
    expect(unusable[0].json).toMatchObject({ code: 'store-unavailable', retryable: true });
  });
});
