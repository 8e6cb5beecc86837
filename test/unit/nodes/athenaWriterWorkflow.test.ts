/**
 * The Athena Writer inside n8n's real execution engine (n8n-core WorkflowExecute), loaded from the
 * built `dist/` by PackageDirectoryLoader as n8n loads a community package. Run `npm run build` first.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import type { PersonDecision } from '../../../core/pole';
import { SimulatorClient } from '../../../simulators/common';
import { startAthenaSimulator, type AthenaSimulator } from '../../../simulators/athena/server';
import { REPO_ROOT, runWorkflow } from '../../helpers/runWorkflow';

const PACKAGE = 'n8n-nodes-contact-hub';
const NODE_FILE = 'dist/nodes/AthenaWriter/AthenaWriter.node.js';
const CREDENTIAL_FILE = 'dist/credentials/AthenaApi.credentials.js';

let directory: string;
let packageDir: string;
let simulator: AthenaSimulator;

/** Writes a package folder listing only the Athena Writer, so other nodes' build state cannot affect this test. */
function writeAthenaOnlyPackage(): string {
  if (!existsSync(join(REPO_ROOT, NODE_FILE))) throw new Error(`${NODE_FILE} is missing: run npm run build before this test.`);
  const dir = join(directory, 'package');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: PACKAGE, version: '0.0.0-test', main: 'index.js', n8n: { n8nNodesApiVersion: 1, nodes: [NODE_FILE], credentials: [CREDENTIAL_FILE] } }),
  );
  writeFileSync(join(dir, 'index.js'), 'module.exports = {};\n');
  symlinkSync(join(REPO_ROOT, 'dist'), join(dir, 'dist'), 'dir');
  return dir;
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'athena-writer-workflow-'));
  packageDir = writeAthenaOnlyPackage();
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

beforeEach(async () => {
  simulator = await startAthenaSimulator({ databasePath: ':memory:', port: 0, apiKeys: ['engine-key'] });
});

afterEach(async () => simulator.close());

const contact = (submissionId: string, people: IDataObject[]): IDataObject => ({
  contactItemVersion: 1,
  source: 'standard-api',
  formType: 'OCR',
  submission: { id: submissionId },
  incident: { description: 'Bicycle taken from the rack.', attributes: {} },
  people,
  objects: [],
  locations: [],
  attachments: [],
  drift: { needsReview: false, findings: [] },
  receivedAt: '2026-12-04T10:00:00.000Z',
  bodySha256: 'b'.repeat(64),
  original: {},
});

const person = (overrides: IDataObject): IDataObject => ({ emails: [], phones: [], description: {}, policeIdentifiers: {}, attributes: {}, ...overrides });

describe('Athena Writer in the n8n engine', () => {
  test('writes and resolves default expressions', async () => {
    const client = new SimulatorClient(simulator.url);
    const reporter = person({
      id: 'person.personReporting.1',
      roles: ['personReporting'],
      givenName: 'Megan',
      familyName: 'Ellis',
      dateOfBirth: '1985-01-20',
      gender: { code: 'GNDR_0001', known: true },
      phones: ['07700 900444'],
    });
    const suspect = person({ id: 'person.unknownSuspect.2', roles: ['unknownSuspect'], gender: { code: 'GNDR_0003', known: true }, description: { freeText: 'male' } });

    const result = await runWorkflow({
      packageDirs: [packageDir],
      workflow: {
        nodes: [
          { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
          {
            id: 'athena',
            name: 'Athena Writer',
            type: `${PACKAGE}.athenaWriter`,
            typeVersion: 1,
            position: [200, 0],
            parameters: { operation: 'createOccurrence', referenceField: 'reference', requestOptions: { baseDelayMs: 10 } },
            credentials: { athenaApi: { id: '1', name: 'Athena simulator' } },
          },
          {
            id: 'note',
            name: 'Add note',
            type: `${PACKAGE}.athenaWriter`,
            typeVersion: 1,
            position: [400, 0],
            // Occurrence ID and Submission ID are left to their default expressions.
            parameters: { operation: 'addToOccurrence', addType: 'description', text: '=Reference {{ $json.reference }} sent to the reporter.' },
            credentials: { athenaApi: { id: '1', name: 'Athena simulator' } },
          },
        ],
        connections: {
          Start: { main: [[{ node: 'Athena Writer', type: 'main', index: 0 }]] },
          'Athena Writer': { main: [[{ node: 'Add note', type: 'main', index: 0 }], []] },
        },
      },
      triggerItems: [{ ...contact('sub-engine', [reporter, suspect]), reference: '42/00009/26' }],
      credentials: { athenaApi: { baseUrl: simulator.url, authType: 'apiKey', apiKey: 'engine-key', accessToken: '' } },
    });

    expect(result.errorMessage).toBeUndefined();
    expect(result.status).toBe('success');
    const [written] = result.json('Athena Writer', 0);
    const athena = written.athena as { occurrenceId: string; personDecisions: PersonDecision[] };
    expect(athena.occurrenceId).toBe('OCC-000001');
    expect(athena.personDecisions.map((decision) => decision.action)).toEqual(['create', 'attach-as-text']);
    expect(result.json('Athena Writer', 1)).toEqual([]);
    expect(result.outputs['Athena Writer'][0][0].pairedItem).toEqual({ item: 0 });

    const [noted] = result.json('Add note', 0);
    expect((noted.athena as IDataObject).added).toMatchObject({ type: 'description' });
    const dump = await client.get<{ occurrences: Array<{ descriptions: Array<{ text: string; externalKeys: IDataObject }> }> }>('/__sim/dump');
    const occurrence = dump.occurrences[0];
    expect(occurrence.descriptions.map((description) => description.text)).toContain('Reference 42/00009/26 sent to the reporter.');
    expect(occurrence.descriptions.at(-1)?.externalKeys).toEqual({ submissionId: 'sub-engine' });

    const stats = await client.stats<{ occurrences: number; nominals: number; links: number; descriptions: number }>();
    expect([stats.occurrences, stats.nominals, stats.links, stats.descriptions]).toEqual([1, 1, 1, 2]);
  });

  test('long narrative is kept in parts', async () => {
    const narrative = Array.from({ length: 13_000 }, (_, index) => `Line ${index} of the account.`).join(' ');
    const victim = person({ id: 'person.victim.1', roles: ['victim'], givenName: 'Ada', familyName: 'Lane' });
    const runOnce = () =>
      runWorkflow({
        packageDirs: [packageDir],
        workflow: {
          nodes: [
            { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
            {
              id: 'athena',
              name: 'Athena Writer',
              type: `${PACKAGE}.athenaWriter`,
              typeVersion: 1,
              position: [200, 0],
              parameters: { operation: 'createOccurrence', referenceField: 'reference', requestOptions: { baseDelayMs: 10 } },
              credentials: { athenaApi: { id: '1', name: 'Athena simulator' } },
            },
          ],
          connections: { Start: { main: [[{ node: 'Athena Writer', type: 'main', index: 0 }]] } },
        },
        triggerItems: [{ ...contact('sub-long', [victim]), incident: { description: narrative, attributes: {} }, reference: '42/00011/26' }],
        credentials: { athenaApi: { baseUrl: simulator.url, authType: 'apiKey', apiKey: 'engine-key', accessToken: '' } },
      });

    const first = await runOnce();
    const second = await runOnce();

    expect(first.errorMessage).toBeUndefined();
    expect(second.errorMessage).toBeUndefined();
    const dump = await new SimulatorClient(simulator.url).get<{ occurrences: Array<{ description: string; descriptions: Array<{ text: string }> }> }>('/__sim/dump');
    expect(dump.occurrences).toHaveLength(1);
    const [occurrence] = dump.occurrences;
    expect(occurrence.description.length).toBeLessThanOrEqual(50_000);
    const parts = occurrence.descriptions.map((description) => description.text).filter((text) => text.startsWith('[Incident description, continued'));
    expect(parts.length).toBeGreaterThan(0);
    const head = occurrence.description.replace(/\n\[Continued in the additional information descriptions of this occurrence\.\]$/, '');
    const rest = parts.map((text) => text.replace(/^\[Incident description, continued: part \d+ of \d+\]\n/, '')).join('');
    expect(head + rest).toBe(narrative);
    const ids = (first.json('Athena Writer', 0)[0].athena as IDataObject).descriptionContinuationIds;
    expect(ids).toEqual((second.json('Athena Writer', 0)[0].athena as IDataObject).descriptionContinuationIds);
  });

  test('HTML page from the base URL fails the item', async () => {
    const proxy = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body>Sign in to the proxy</body></html>');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const result = await runWorkflow({
        packageDirs: [packageDir],
        workflow: {
          nodes: [
            { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
            {
              id: 'athena',
              name: 'Athena Writer',
              type: `${PACKAGE}.athenaWriter`,
              typeVersion: 1,
              position: [200, 0],
              parameters: { operation: 'createOccurrence', referenceField: 'reference', requestOptions: { baseDelayMs: 10, maxAttempts: 1 } },
              credentials: { athenaApi: { id: '1', name: 'Athena proxy' } },
            },
          ],
          connections: { Start: { main: [[{ node: 'Athena Writer', type: 'main', index: 0 }]] } },
        },
        triggerItems: [{ ...contact('sub-proxy', [person({ id: 'person.victim.1', roles: ['victim'], givenName: 'Ada', familyName: 'Lane' })]), reference: '42/00010/26' }],
        credentials: { athenaApi: { baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, authType: 'apiKey', apiKey: 'engine-key', accessToken: '' } },
      });

      expect(result.status).toBe('error');
      expect(result.errorMessage).toMatch(/^Athena returned HTTP 200 to .*, but the body is text where a JSON object was expected \(text\/html\)$/);
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
