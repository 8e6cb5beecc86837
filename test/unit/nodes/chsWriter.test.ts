import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NodeConnectionTypes, type IDataObject, type IExecuteFunctions, type INode, type INodeType } from 'n8n-workflow';
import type { CanonicalContact } from '../../../core/contact/types';
import { parseSubmission } from '../../../core/sdm/parseSubmission';
import { ChsWriter } from '../../../nodes/ChsWriter/ChsWriter.node';
import { requestWithRetry } from '../../../nodes/shared/http';
import { SimulatorClient } from '../../../simulators/common';
import { createChsSimulator, type ChsSimulator } from '../../../simulators/chs';
import { runWorkflow } from '../../helpers/runWorkflow';

const WRITER_TYPE = 'n8n-nodes-contact-hub.chsWriter';
const RAW_REQUEST_TYPE = 'test.rawChsRequest';
const FAST_RETRIES = { maxAttempts: 5, initialBackoffMs: 10, maxTotalSeconds: 30 };

/** Test-only node: sends the item's `request` through requestWithRetry, so contract errors the writer never sends can be provoked. */
const rawRequestNode: INodeType = {
  description: {
    displayName: 'Raw CHS Request',
    name: 'rawChsRequest',
    group: ['output'],
    version: 1,
    description: 'Test node',
    defaults: { name: 'Raw CHS Request' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'chsApi', required: true }],
    properties: [],
  },
  async execute(this: IExecuteFunctions) {
    const item = this.getInputData()[0].json as { url: string; body: IDataObject; key?: string };
    const result = await requestWithRetry<IDataObject>(this, {
      credentialType: 'chsApi',
      itemIndex: 0,
      action: 'send a raw request',
      systemName: 'CHS',
      idempotencyKey: item.key,
      policy: { baseDelayMs: 10 },
      request: { method: 'POST', url: item.url, body: item.body },
    });
    return [[{ json: { attempts: result.attempts } }]];
  },
};

function contactFromFixture(name: string): CanonicalContact {
  const parsed = parseSubmission(readFileSync(join(__dirname, '..', '..', 'fixtures', 'e2e', `${name}.json`)), { source: 'standard-api' });
  if (!parsed.ok) throw new Error(`Fixture ${name} did not parse: ${JSON.stringify(parsed.errors)}`);
  return parsed.contact;
}

function writerNode(parameters: IDataObject, continueOnFail = false): INode {
  return {
    id: 'chs-writer',
    name: 'CHS Writer',
    type: WRITER_TYPE,
    typeVersion: 1,
    position: [200, 0],
    parameters: { ...parameters, options: { ...FAST_RETRIES, ...((parameters.options as IDataObject) ?? {}) } },
    ...(continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
  };
}

describe('CHS Writer against the CHS simulator', () => {
  let chs: ChsSimulator;
  let control: SimulatorClient;
  const bicycle = contactFromFixture('ocr-bicycle-theft');
  const roadTraffic = contactFromFixture('rti-road-traffic-incident');

  async function run(node: INode, items: IDataObject[]) {
    const result = await runWorkflow({
      packageDirs: [],
      extraNodeTypes: { [WRITER_TYPE]: new ChsWriter(), [RAW_REQUEST_TYPE]: rawRequestNode },
      workflow: {
        nodes: [
          { id: 'trigger', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
          node,
        ],
        connections: { Start: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
      },
      triggerItems: items,
      credentials: { chsApi: { baseUrl: chs.url, authType: 'apiKey', apiKey: 'unused-without-auth' } },
    });
    return result;
  }

  const create = (items: IDataObject[], extra: IDataObject = {}, continueOnFail = false) =>
    run(writerNode({ operation: 'createIncident', ...extra }, continueOnFail), items);

  const asItem = (contact: CanonicalContact, reference = '46/12345/25'): IDataObject => ({ ...(contact as unknown as IDataObject), reference });

  beforeAll(async () => {
    // NOTE: the test credentials helper only knows credential types of loaded packages, and this run
    // loads none. The simulator therefore runs without authentication here; the credential has its own tests.
    chs = await createChsSimulator({ port: 0 });
    control = new SimulatorClient(chs.url);
  });

  afterAll(async () => {
    await chs.close();
  });

  beforeEach(async () => {
    await control.reset();
  });

  it('creates one incident per item', async () => {
    const result = await create([asItem(bicycle), asItem(roadTraffic)]);
    expect(result.status).toBe('success');
    const output = result.json('CHS Writer');
    expect(output).toHaveLength(2);
    expect(output[0].chs).toMatchObject({ openingCode: 'CRIME-REPORT', replayed: false });
    expect(output[1].chs).toMatchObject({ openingCode: 'TRANSPORT-RTI' });
    expect(result.outputs['CHS Writer'][0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

    const stored = chs.store.allIncidents();
    expect(stored.map((incident) => incident.id)).toEqual(output.map((item) => (item.chs as IDataObject).incidentId));
    expect(stored[0].externalReferences).toContainEqual({ system: 'force-reference', value: '46/12345/25' });
    expect(stored[0].narrative).toContain(bicycle.incident.description);
  });

  it('keeps the input fields on the item', async () => {
    const output = (await create([asItem(bicycle)])).json('CHS Writer');
    expect(output[0].submission).toEqual(bicycle.submission);
    expect(output[0].reference).toBe('46/12345/25');
  });

  it.each([
    ['500', { mode: '500', count: 2 }],
    ['503 with Retry-After', { mode: '503', count: 1, retryAfterSeconds: 1 }],
    ['429 with Retry-After', { mode: '429', count: 1, retryAfterSeconds: 1 }],
    ['dropped connection', { mode: 'drop', count: 1 }],
  ] as const)('retry after %s creates one incident', async (_name, fault) => {
    await control.setFault(fault);
    const result = await create([asItem(bicycle)]);
    expect(result.status).toBe('success');
    expect((result.json('CHS Writer')[0].chs as IDataObject).attempts).toBeGreaterThan(1);
    const stats = await control.stats();
    expect(stats.faultsApplied[fault.mode]).toBe(fault.count);
    expect(stats.incidents).toBe(1);
  });

  it('store-then-drop recovers by lookup', async () => {
    await control.setFault({ mode: 'store-then-drop', count: 1 });
    const result = await create([asItem(bicycle)]);
    const chsField = result.json('CHS Writer')[0].chs as IDataObject;
    expect(chsField.recoveredByLookup).toBe(true);
    expect(chsField.incidentId).toBe(chs.store.allIncidents()[0].id);
    const stats = await control.stats();
    expect(stats.incidents).toBe(1);
    expect(stats.requestsByStatus['201'] ?? 0).toBe(0);
  });

  it('timeout after storing creates one incident', async () => {
    await control.setFault({ mode: 'delay', count: 1, delayMs: 1500, pathPrefix: '/api/v1/incidents' });
    const result = await create([asItem(bicycle)], { options: { timeoutSeconds: 1 } });
    expect(result.status).toBe('success');
    // The delayed first request is still stored after the client gave up; wait for it.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect((await control.stats()).incidents).toBe(1);
  });

  it('re-run of the same item creates nothing new', async () => {
    const first = await create([asItem(bicycle)]);
    const second = await create([asItem(bicycle)]);
    const firstChs = first.json('CHS Writer')[0].chs as IDataObject;
    const secondChs = second.json('CHS Writer')[0].chs as IDataObject;
    expect(secondChs.incidentId).toBe(firstChs.incidentId);
    expect(secondChs.replayed).toBe(true);
    expect((await control.stats()).incidents).toBe(1);
  });

  it('re-run after a mapping change finds the incident', async () => {
    const first = await create([asItem(bicycle)]);
    const second = await create([asItem(bicycle)], { openingCodeTable: { rules: [{ formType: 'OCR', openingCode: 'CRIME-CHANGED' }] } });
    expect((second.json('CHS Writer')[0].chs as IDataObject).incidentId).toBe((first.json('CHS Writer')[0].chs as IDataObject).incidentId);
    const stats = await control.stats();
    expect(stats.incidents).toBe(1);
    expect(stats.idempotencyConflicts).toBe(1);
  });

  it('uses the opening code table and overrides', async () => {
    const result = await create([asItem(bicycle)], {
      openingCodeTable: { rules: [{ formType: 'ocr', openingCode: 'FORCE-THEFT' }] },
      overrides: { priority: 'priority', locationText: 'Outside the library', informantName: 'A. N. Other' },
    });
    expect(result.status).toBe('success');
    const incident = chs.store.allIncidents()[0];
    expect(incident.openingCode).toBe('FORCE-THEFT');
    expect(incident.priority).toBe('priority');
    expect(incident.location?.text).toBe('Outside the library');
    expect(incident.informant?.name).toBe('A. N. Other');
  });

  it('fails on an item that is not a contact', async () => {
    const result = await create([{ submission: { id: 'sub-x' } }]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/submission sub-x\) is not a canonical contact item: missing incident/);
  });

  it('gives up after max attempts', async () => {
    await control.setFault({ mode: '500' });
    const result = await create([asItem(bicycle)], { options: { maxAttempts: 3 } }, true);
    await control.clearFaults();
    const error = result.json('CHS Writer')[0].error as IDataObject;
    expect(error).toMatchObject({ submissionId: bicycle.submission.id, retryable: true, attempts: 3, operation: 'createIncident' });
    expect(error.message).toMatch(/CHS failed to create an incident for submission .*: HTTP 500/);
    expect(result.json('CHS Writer')[0].manualHandling).toBeUndefined();
    // Three create attempts and, between them, two lookups by submission id.
    expect((await control.stats()).requestsByStatus['500']).toBe(5);
  });

  it('continue-on-fail keeps other items', async () => {
    const result = await run(
      writerNode({ operation: 'updateIncident', incidentId: 'INC-999999', crimeDecision: 'crime', crimeRationale: 'Theft reported' }, true),
      [asItem(bicycle)],
    );
    expect(result.status).toBe('success');
    const error = result.json('CHS Writer')[0].error as IDataObject;
    expect(error).toMatchObject({ submissionId: bicycle.submission.id, retryable: false, attempts: 1 });
    expect(error.message).toMatch(/HTTP 404 \(incident-not-found/);
    expect(result.json('CHS Writer')[0].manualHandling).toMatchObject({ code: 'chs-write-failed' });
    expect(result.outputs['CHS Writer'][0][0].pairedItem).toEqual({ item: 0 });
  });

  it('business error stops without continue-on-fail', async () => {
    const result = await run(writerNode({ operation: 'getIncident', incidentId: 'INC-999999' }), [asItem(bicycle)]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/CHS failed to get incident INC-999999 for submission/);
    expect((await control.stats()).requests).toBe(1);
  });

  it('422 is not retried', async () => {
    const result = await run(
      { id: 'raw', name: 'Raw', type: RAW_REQUEST_TYPE, typeVersion: 1, position: [200, 0], parameters: {} },
      [{ url: `${chs.url}/api/v1/incidents`, body: { openingCode: 'X' }, key: 'raw-422' }],
    );
    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/CHS failed to send a raw request: HTTP 422 \(validation-failed/);
    const stats = await control.stats();
    expect(stats.requests).toBe(1);
    expect(stats.requestsByStatus['422']).toBe(1);
  });

  it('POST without a key is not resent after 500', async () => {
    await control.setFault({ mode: '500', count: 1 });
    const result = await run(
      { id: 'raw', name: 'Raw', type: RAW_REQUEST_TYPE, typeVersion: 1, position: [200, 0], parameters: {} },
      [{ url: `${chs.url}/api/v1/incidents`, body: { openingCode: 'X' } }],
    );
    expect(result.status).toBe('error');
    expect((await control.stats()).requests).toBe(1);
  });

  it('POST without a key is resent after 503', async () => {
    await control.setFault({ mode: '503', count: 1, retryAfterSeconds: 0 });
    const result = await run(
      { id: 'raw', name: 'Raw', type: RAW_REQUEST_TYPE, typeVersion: 1, position: [200, 0], parameters: {} },
      [{ url: `${chs.url}/api/v1/incidents`, body: { openingCode: 'X' } }],
    );
    expect(result.errorMessage).toMatch(/HTTP 400 \(idempotency-key-missing/);
    expect((await control.stats()).requests).toBe(2);
  });

  it('records the operator review once', async () => {
    const created = (await create([asItem(bicycle)])).json('CHS Writer')[0];
    const review = writerNode({
      operation: 'updateIncident',
      crimeDecision: 'not-crime',
      crimeRationale: 'Bicycle found by the owner.',
      crimeActions: 'Advice given.',
      amendedOpeningCode: 'ADMIN-NO-CRIME',
      deployDecision: 'no-deploy',
      decidedBy: 'Operator 1234',
    });
    const first = await run(review, [created]);
    const again = await run(review, [created]);

    const chsField = first.json('CHS Writer')[0].chs as IDataObject;
    expect(chsField.openingCode).toBe('ADMIN-NO-CRIME');
    expect(chsField.crimeDecision).toMatchObject({ decision: 'not-crime', rationale: 'Bicycle found by the owner.', decidedBy: 'Operator 1234' });
    expect((again.json('CHS Writer')[0].chs as IDataObject).replayed).toBe(true);
    expect((await control.stats()).idempotentReplays).toBe(1);
  });

  it('not-crime without rationale is rejected locally', async () => {
    const created = (await create([asItem(bicycle)])).json('CHS Writer')[0];
    const result = await run(writerNode({ operation: 'updateIncident', crimeDecision: 'not-crime' }), [created]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toMatch(/crimeDecision\.rationale: a not-crime decision needs a rationale/);
    expect((await control.stats()).requestsByStatus['200'] ?? 0).toBe(0);
  });

  it('adds a log entry and gets the incident', async () => {
    const created = (await create([asItem(bicycle)])).json('CHS Writer')[0];
    const logged = await run(writerNode({ operation: 'addLogEntry', logText: 'Victim called back.', logCategory: 'contact' }), [created]);
    expect((logged.json('CHS Writer')[0].chs as IDataObject).lastLogEntryId).toMatch(/^LOG-/);

    const fetched = await run(writerNode({ operation: 'getIncident' }), [logged.json('CHS Writer')[0]]);
    const incident = (fetched.json('CHS Writer')[0].chs as IDataObject).incident as IDataObject;
    expect((incident.logEntries as IDataObject[]).map((entry) => entry.text)).toEqual(['Victim called back.']);
  });

  it('missing incident id names the parameter', async () => {
    const result = await run(writerNode({ operation: 'getIncident' }), [asItem(bicycle)]);
    expect(result.status).toBe('error');
    expect(result.errorMessage).toBe('Incident ID is missing on item 0');
  });
});
