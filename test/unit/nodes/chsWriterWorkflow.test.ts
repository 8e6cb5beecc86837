/**
 * The CHS Writer and its credential loaded from the built `dist/` by PackageDirectoryLoader, as n8n
 * loads a community package, run in n8n's execution engine against an API-key simulator.
 * Run `npm run build` first.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { parseSubmission } from '../../../core/sdm/parseSubmission';
import { SimulatorClient } from '../../../simulators/common';
import { createChsSimulator, type ChsSimulator } from '../../../simulators/chs';
import { REPO_ROOT, runWorkflow } from '../../helpers/runWorkflow';

const NODE_FILE = 'dist/nodes/ChsWriter/ChsWriter.node.js';
const CREDENTIAL_FILE = 'dist/credentials/ChsApi.credentials.js';

let directory: string;
let packageDir: string;
let chs: ChsSimulator;

/** A package folder listing only the CHS Writer, so other nodes' build state cannot affect this test. */
function writeChsOnlyPackage(): string {
  if (!existsSync(join(REPO_ROOT, NODE_FILE))) throw new Error(`${NODE_FILE} is missing: run npm run build before this test.`);
  const dir = join(directory, 'package');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'n8n-nodes-contact-hub', version: '0.0.0-test', main: 'index.js', n8n: { n8nNodesApiVersion: 1, nodes: [NODE_FILE], credentials: [CREDENTIAL_FILE] } }),
  );
  writeFileSync(join(dir, 'index.js'), 'module.exports = {};\n');
  symlinkSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), 'dir');
  return dir;
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'chs-writer-workflow-'));
  packageDir = writeChsOnlyPackage();
  chs = await createChsSimulator({ port: 0, auth: { apiKey: 'engine-key' } });
});

afterAll(async () => {
  await chs.close();
  rmSync(directory, { recursive: true, force: true });
});

function bicycleItem(): IDataObject {
  const parsed = parseSubmission(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'e2e', 'ocr-bicycle-theft.json')), { source: 'standard-api' });
  if (!parsed.ok) throw new Error('The bicycle fixture did not parse');
  return { ...(parsed.contact as unknown as IDataObject), reference: '46/00042/25' };
}

async function runCreate(apiKey: string, baseUrl = chs.url, items: IDataObject[] = [bicycleItem()], onError?: 'continueErrorOutput' | 'continueRegularOutput') {
  return runWorkflow({
    packageDirs: [packageDir],
    workflow: {
      nodes: [
        { id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
        {
          id: 'writer',
          name: 'CHS Writer',
          type: 'n8n-nodes-contact-hub.chsWriter',
          typeVersion: 1,
          position: [200, 0],
          parameters: { operation: 'createIncident', options: { initialBackoffMs: 10 } },
          ...(onError ? { onError } : {}),
        },
      ],
      connections: { Start: { main: [[{ node: 'CHS Writer', type: 'main', index: 0 }]] } },
    },
    triggerItems: items,
    credentials: { chsApi: { baseUrl, authType: 'apiKey', apiKey } },
  });
}

describe('CHS Writer in the n8n engine', () => {
  test('creates with the API key and default parameters', async () => {
    await new SimulatorClient(chs.url).setFault({ mode: '503', count: 1, retryAfterSeconds: 0 });
    const result = await runCreate('engine-key');
    expect(result.status).toBe('success');

    const chsField = result.json('CHS Writer')[0].chs as IDataObject;
    expect(chsField.incidentId).toMatch(/^INC-/);
    expect(chsField.openingCode).toBe('CRIME-REPORT');
    expect(chs.store.allIncidents()[0].externalReferences).toContainEqual({ system: 'force-reference', value: '46/00042/25' });
  });

  test('wrong API key is not retried', async () => {
    const before = (await new SimulatorClient(chs.url).stats()).requestsByStatus['401'] ?? 0;
    const result = await runCreate('wrong-key');
    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/CHS failed to create an incident for submission .*: HTTP 401/);
    // n8n-core resends once after refreshing the credential on 401; the writer adds no retries of its own.
    expect((await new SimulatorClient(chs.url).stats()).requestsByStatus['401']).toBe(before + 2);
  });

  test('failure goes to the error output', async () => {
    const result = await runCreate('wrong-key', chs.url, [bicycleItem()], 'continueErrorOutput');
    expect(result.status).toBe('success');
    expect(result.json('CHS Writer', 0)).toEqual([]);
    const [failed] = result.json('CHS Writer', 1);
    expect(failed.submission).toEqual(bicycleItem().submission);
    expect((failed.error as IDataObject).retryable).toBe(false);
    expect(failed.message).toMatch(/HTTP 401/);
    expect((failed.details as IDataObject).manualHandling).toMatchObject({ code: 'chs-write-failed' });
  });

  test('failure stays on the main output with Continue', async () => {
    const result = await runCreate('wrong-key', chs.url, [bicycleItem()], 'continueRegularOutput');
    const [failed] = result.json('CHS Writer', 0);
    expect((failed.error as IDataObject).message).toMatch(/HTTP 401/);
    expect(failed.manualHandling).toMatchObject({ code: 'chs-write-failed' });
    expect(failed.reference).toBe('46/00042/25');
  });

  test('object submission ids create nothing', async () => {
    const first = bicycleItem();
    const second = bicycleItem();
    first.submission = { ...(first.submission as IDataObject), id: { value: 'sub-a' } };
    second.submission = { ...(second.submission as IDataObject), id: { value: 'sub-b' } };
    const before = chs.store.allIncidents().length;

    const result = await runCreate('engine-key', chs.url, [first, second]);

    expect(result.status).toBe('error');
    expect(result.errorMessage).toBe('Submission ID on item 0 is an object, not text');
    expect(chs.store.allIncidents()).toHaveLength(before);
  });

  test.each([
    ['people as text', 'people', 'nope', 'people: expected an array'],
    ['null incident', 'incident', null, 'incident: expected an object'],
    ['roles as text', 'people', [{ id: 'person.victim.1', roles: 'victim' }], 'people[0].roles: expected at least one role'],
    ['unknown role', 'people', [{ id: 'person.victim.1', roles: ['overlord'] }], 'people[0].roles: expected roles from victim, witness, personReporting, knownSuspect, unknownSuspect, not "overlord"'],
  ])('%s is named', async (_label, field, value, expected) => {
    const item = { ...bicycleItem(), [field]: value };
    const before = chs.store.allIncidents().length;

    const result = await runCreate('engine-key', chs.url, [item]);

    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/^Item 0 \(submission .*\) has no valid /);
    expect(result.errorMessage).toContain(expected);
    expect(chs.store.allIncidents()).toHaveLength(before);
  });

  describe('2xx response without an incident', () => {
    let server: Server;
    let reply: { status: number; contentType?: string; body: string };

    beforeAll(async () => {
      server = createServer((_request, response) => {
        response.writeHead(reply.status, reply.contentType ? { 'content-type': reply.contentType } : {});
        response.end(reply.body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });

    afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

    const serverUrl = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    test('HTML page fails the item', async () => {
      reply = { status: 200, contentType: 'text/html', body: '<html><body>Sign in to the proxy</body></html>' };
      const result = await runCreate('engine-key', serverUrl());

      expect(result.status).toBe('error');
      expect(result.errorMessage).toMatch(/^CHS returned HTTP 200 to create an incident for submission .*, but the body is text where a JSON object was expected \(text\/html\)$/);
    });

    test('empty 201 fails the item', async () => {
      reply = { status: 201, body: '' };
      const result = await runCreate('engine-key', serverUrl());

      expect(result.status).toBe('error');
      expect(result.errorMessage).toMatch(/but the body is empty/);
    });

    test('JSON without an id fails the item', async () => {
      reply = { status: 201, contentType: 'application/json', body: '{"status":"open"}' };
      const result = await runCreate('engine-key', serverUrl());

      expect(result.status).toBe('error');
      expect(result.errorMessage).toMatch(/but the body has no "id" text/);
    });
  });
});
