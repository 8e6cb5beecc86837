/**
 * End-to-end tests in a real n8n. Every template is deployed and published through the public API.
 * Realistic SDM submissions go in over the iHub Standard API and by email, and the CHS and Athena
 * simulators must hold exactly the records expected. Further cases: manual handling for a
 * switched-off form type, a failed reference allocation and a CHS that keeps failing,
 * re-delivery, the operator review form, and the error handler.
 * Each submission's audit trail must verify.
 *
 * Needs `npm run build` first (the harness installs the built package into n8n) and the n8n install
 * in the cache (`bash scripts/n8n/install.sh`). Uses free ports and a temporary folder.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { WEBHOOK_IDS } from '../../scripts/demo/templates/build';
import { MANUAL_HANDLING_TABLE } from '../../scripts/demo/templates/nodes';
import { updateWorkflow } from '../../scripts/demo/deploy';
import {
  ContactHubEnvironment,
  readAuditTrail,
  sendSubmission,
  startContactHubEnvironment,
  SubmissionAnswer,
  waitForWebhook,
} from '../../scripts/demo/environment';

jest.setTimeout(10 * 60_000);

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'e2e');

let environment: ContactHubEnvironment;
let dataDir: string;

interface SdmDocument {
  included: Array<{ type: string; attributes: Record<string, unknown> }>;
}

/** Load a fixture, optionally with a fresh submission id so one fixture serves several cases. */
function fixture(name: string, submissionId?: string): { document: SdmDocument; submissionId: string } {
  const document = JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as SdmDocument;
  const submission = document.included.find((entry) => entry.type === 'submission')!;
  if (submissionId) submission.attributes.submissionId = submissionId;
  return { document, submissionId: String(submission.attributes.submissionId) };
}

function apiUrl(): string {
  return environment.deployment.webhookUrls.apiToChsAndAthena;
}

async function send(document: unknown): Promise<SubmissionAnswer> {
  return await sendSubmission(apiUrl(), document, environment.deployment.soh);
}

async function chsIncidents(submissionId: string): Promise<Array<Record<string, unknown>>> {
  const response = await axios.get(`${environment.chs.url}/api/v1/incidents`, {
    params: { externalReference: submissionId },
    headers: { 'X-API-Key': environment.chs.apiKey },
  });
  return response.data.items;
}

async function athenaOccurrences(submissionId: string): Promise<Array<Record<string, unknown>>> {
  const response = await axios.get(`${environment.athena.url}/api/v1/occurrences`, {
    params: { externalReference: submissionId },
    headers: { 'X-API-Key': environment.athena.apiKey },
  });
  return response.data.items;
}

async function simulatorCounts(): Promise<{ chs: Record<string, unknown>; athena: Record<string, unknown> }> {
  const [chs, athena] = await Promise.all([
    axios.get(`${environment.chs.url}/__sim/stats`),
    axios.get(`${environment.athena.url}/__sim/stats`),
  ]);
  return {
    chs: { incidents: chs.data.incidents, logEntries: chs.data.logEntries },
    athena: { occurrences: athena.data.occurrences, nominals: athena.data.nominals, links: athena.data.links, descriptions: athena.data.descriptions },
  };
}

async function executionCount(workflowId: string): Promise<number> {
  return (await environment.n8n.executions({ workflowId, limit: 250 })).length;
}

/** Wait until the workflow has `count` finished executions, and fail with the last error if one failed. */
async function waitForExecutions(workflowId: string, count: number): Promise<void> {
  const executions = await environment.n8n.waitForExecutions(workflowId, count, 90_000);
  const failed = executions.filter((execution) => execution.status === 'error');
  if (failed.length > 0) {
    const detail = failed.map((execution) => `${execution.id}: ${execution.data?.resultData.error?.message ?? 'no message'}`);
    throw new Error(`Workflow ${workflowId} has failed executions: ${detail.join('; ')}`);
  }
}

async function manualHandlingRows(): Promise<Array<Record<string, string>>> {
  const tableId = environment.deployment.dataTables[MANUAL_HANDLING_TABLE];
  const rows = await environment.n8n.publicApi<{ data: Array<Record<string, string>> }>('GET', `/data-tables/${tableId}/rows`, undefined, {
    limit: 250,
  });
  return rows.data;
}

async function expectVerifiedTrail(submissionId: string, steps: string[]): Promise<void> {
  const trail = await readAuditTrail(environment.storePath, environment.deployment, submissionId);
  expect(trail.verify.firstProblem).toBeUndefined();
  expect(trail.verify.ok).toBe(true);
  const recorded = trail.events.map((event) => event.step);
  for (const step of steps) expect(recorded).toContain(step);
}

/** Checks that the answer is a 201 acceptance receipt without a reference, marked for manual handling. */
function expectManualHandlingReceipt(answer: SubmissionAnswer, submissionId: string): void {
  expect(answer.status).toBe(201);
  const receipt = answer.body as { data: { id: string; attributes: Record<string, unknown> } };
  expect(receipt.data.id).toBe(submissionId);
  expect(receipt.data.attributes).toMatchObject({ status: 'accepted', manualHandling: true });
  expect(receipt.data.attributes.reference).toBeUndefined();
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'contact-hub-e2e-'));
  environment = await startContactHubEnvironment({ dataDir });
});

afterAll(async () => {
  await environment?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('templates in a real n8n', () => {
  test('every template is created and published', async () => {
    const { workflows } = environment.deployment;
    for (const key of ['apiToChs', 'apiToChsAndAthena', 'emailToChs', 'operatorReview'] as const) {
      const workflow = await environment.n8n.publicApi<{ active: boolean; name: string }>('GET', `/workflows/${workflows[key]!.id}`);
      expect({ key, active: workflow.active }).toEqual({ key, active: true });
    }
    expect(workflows.errorHandler?.id).toBeDefined();
  });
});

describe('iHub Standard API to CHS and Athena', () => {
  const sent = new Map<string, { answer: SubmissionAnswer; document: SdmDocument }>();

  test.each([
    ['ocr-assault-known-suspect.json', 'OCR'],
    ['ocr-bicycle-theft.json', 'OCR'],
    ['rti-road-traffic-incident.json', 'RTI'],
  ])('%s answers 201 and reaches both systems', async (file) => {
    const workflowId = environment.deployment.workflows.apiToChsAndAthena!.id;
    const before = await executionCount(workflowId);
    const { document, submissionId } = fixture(file);

    const answer = await send(document);
    sent.set(file, { answer, document });

    expect(answer.status).toBe(201);
    const body = answer.body as { data: { id: string; attributes: { submissionId: string; reference: string } } };
    expect(body.data.attributes.submissionId).toBe(submissionId);
    expect(body.data.attributes.reference).toMatch(/\S/);

    await waitForExecutions(workflowId, before + 1);
    expect(await chsIncidents(submissionId)).toHaveLength(1);
    expect(await athenaOccurrences(submissionId)).toHaveLength(1);
    await expectVerifiedTrail(submissionId, ['received', 'reference-allocated', 'written-to-chs', 'written-to-athena']);
  });

  test("'male'-only suspect creates no nominal", async () => {
    const workflowId = environment.deployment.workflows.apiToChsAndAthena!.id;
    const before = await executionCount(workflowId);
    const countsBefore = await simulatorCounts();
    const { document, submissionId } = fixture('ocr-male-only-suspect.json');

    const answer = await send(document);
    expect(answer.status).toBe(201);
    await waitForExecutions(workflowId, before + 1);

    const occurrences = await athenaOccurrences(submissionId);
    expect(occurrences).toHaveLength(1);
    const links = occurrences[0].nominalLinks as Array<{ roles: string[] }>;
    expect(links.filter((link) => link.roles.includes('unknownSuspect'))).toEqual([]);
    expect(links.filter((link) => link.roles.includes('personReporting'))).toHaveLength(1);
    const descriptions = occurrences[0].descriptions as Array<{ kind: string }>;
    expect(descriptions.map((description) => description.kind)).toContain('person-below-threshold');

    // The person reporting is the same person as in the assault fixture, so they are linked, not created again.
    const countsAfter = await simulatorCounts();
    expect(countsAfter.athena.nominals).toBe(countsBefore.athena.nominals);
  });

  test('re-delivery creates nothing new', async () => {
    const workflowId = environment.deployment.workflows.apiToChsAndAthena!.id;
    const first = sent.get('ocr-assault-known-suspect.json');
    expect(first).toBeDefined();
    const countsBefore = await simulatorCounts();
    const executionsBefore = await executionCount(workflowId);

    const again = await send(first!.document);

    expect(again.status).toBe(first!.answer.status);
    expect(again.body).toEqual(first!.answer.body);
    expect(first!.answer.replayed).toBe(false);
    expect(again.replayed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await simulatorCounts()).toEqual(countsBefore);
    expect(await executionCount(workflowId)).toBe(executionsBefore);
  });

  test('CHS 503 twice is retried into one incident', async () => {
    const workflowId = environment.deployment.workflows.apiToChsAndAthena!.id;
    const before = await executionCount(workflowId);
    const { document, submissionId } = fixture('ocr-business-shoplifting.json', randomUUID());
    const faultsBefore = (await axios.get(`${environment.chs.url}/__sim/stats`)).data.faultsApplied['503'] ?? 0;
    await axios.post(`${environment.chs.url}/__sim/faults`, { mode: '503', count: 2 });

    const answer = await send(document);

    expect(answer.status).toBe(201);
    await waitForExecutions(workflowId, before + 1);
    expect(await chsIncidents(submissionId)).toHaveLength(1);
    expect(await athenaOccurrences(submissionId)).toHaveLength(1);
    const stats = await axios.get(`${environment.chs.url}/__sim/stats`);
    expect(stats.data.faultsApplied['503']).toBe(faultsBefore + 2);
    expect((await manualHandlingRows()).filter((row) => row.submissionId === submissionId)).toEqual([]);
    await expectVerifiedTrail(submissionId, ['received', 'reference-allocated', 'written-to-chs', 'written-to-athena']);
  });

  test('CHS failing for good ends in manual handling', async () => {
    const workflowId = environment.deployment.workflows.apiToChsAndAthena!.id;
    const before = await executionCount(workflowId);
    const { document, submissionId } = fixture('ocr-bicycle-theft.json', randomUUID());
    await axios.post(`${environment.chs.url}/__sim/faults`, { mode: '500', count: 1000 });

    try {
      const answer = await send(document);
      expect(answer.status).toBe(201);
      await waitForExecutions(workflowId, before + 1);
    } finally {
      await axios.delete(`${environment.chs.url}/__sim/faults`);
    }

    expect(await chsIncidents(submissionId)).toHaveLength(0);
    expect(await athenaOccurrences(submissionId)).toHaveLength(0);
    const row = (await manualHandlingRows()).find((candidate) => candidate.submissionId === submissionId);
    expect(row?.code).toBe('chs-write-failed');
    expect(row?.reference).toMatch(/^42\/\d{5}\/\d{2}$/);
    expect(row?.reason).toMatch(/CHS incident could not be created/);
    await expectVerifiedTrail(submissionId, ['received', 'reference-allocated', 'manual-handling']);
    const email = await environment.mail.waitForEmail((message) => message.raw.includes(submissionId));
    expect(email.subject).toContain('chs-write-failed');
  });

  test('switched-off form type ends in manual handling', async () => {
    const workflowId = environment.deployment.workflows.apiToChsAndAthena!.id;
    const workflow = await environment.n8n.publicApi<{
      name: string;
      nodes: Array<{ type: string; parameters: Record<string, unknown> }>;
      connections: Record<string, unknown>;
      settings: Record<string, unknown>;
    }>('GET', `/workflows/${workflowId}`);
    const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-contact-hub.sohTrigger')!;
    trigger.parameters = switchFormTypeOff(trigger.parameters, 'ASB');
    await updateWorkflow(environment.n8n, workflowId, workflow as never);
    await waitForWebhook(apiUrl());

    const before = await executionCount(workflowId);
    const { document, submissionId } = fixture('asb-nuisance-youths.json');
    const answer = await send(document);

    expectManualHandlingReceipt(answer, submissionId);
    await waitForExecutions(workflowId, before + 1);
    expect(await chsIncidents(submissionId)).toHaveLength(0);
    expect(await athenaOccurrences(submissionId)).toHaveLength(0);
    const row = (await manualHandlingRows()).find((candidate) => candidate.submissionId === submissionId);
    expect(row?.code).toBe('form-type-disabled');
    expect(row?.formType).toBe('ASB');
    await expectVerifiedTrail(submissionId, ['received', 'manual-handling']);
    const email = await environment.mail.waitForEmail((message) => message.raw.includes(submissionId));
    expect(email.to).toEqual(['contact-centre@example.com']);
  });
});

describe('iHub email fallback', () => {
  test('SDM attachment by email reaches CHS', async () => {
    const workflowId = environment.deployment.workflows.emailToChs!.id;
    const before = await executionCount(workflowId);
    const { document, submissionId } = fixture('ocr-bicycle-theft.json', randomUUID());

    environment.mail.deliverToInbox({
      from: 'ihub@example.com',
      to: environment.mail.user,
      subject: `SOH submission ${submissionId}`,
      text: 'Submission attached as SDM JSON.',
      attachments: [{ fileName: 'submission.json', contentType: 'application/json', content: Buffer.from(JSON.stringify(document)) }],
    });

    await waitForExecutions(workflowId, before + 1);
    expect(await chsIncidents(submissionId)).toHaveLength(1);
    await expectVerifiedTrail(submissionId, ['received', 'reference-allocated', 'written-to-chs']);
    expect(environment.mail.inboxFlags().at(-1)).toContain('\\Seen');
  });

  test('email without attachment goes to a person', async () => {
    const workflowId = environment.deployment.workflows.emailToChs!.id;
    const before = await executionCount(workflowId);

    const messageId = environment.mail.deliverToInbox({
      from: 'ihub@example.com',
      to: environment.mail.user,
      subject: 'SOH submission without its attachment',
      text: 'The SDM document should have been attached.',
    });

    await waitForExecutions(workflowId, before + 1);
    const row = (await manualHandlingRows()).find((candidate) => candidate.reason.includes(messageId));
    expect(row?.code).toBe('no-json-attachment');
    expect(row?.workflow).toBe('iHub email fallback to CHS');
  });
});

describe('operator review', () => {
  test('decision form updates the CHS incident', async () => {
    const workflowId = environment.deployment.workflows.operatorReview!.id;
    const before = await executionCount(workflowId);
    const { submissionId } = fixture('ocr-assault-known-suspect.json');
    const [incident] = await chsIncidents(submissionId);
    expect(incident).toBeDefined();

    const reference = (incident.externalReferences as Array<{ system: string; value: string }>).find((ref) => ref.system === 'force-reference')!.value;
    const form = new FormData();
    const values = [reference, String(incident.id), 'Not a crime', 'Civil dispute over a shift swap; advice given by phone.', '', 'Do not deploy', 'Alex Example', 'PC 4242'];
    values.forEach((value, index) => form.append(`field-${index}`, value));
    const response = await fetch(`${environment.n8n.baseUrl}/form/${WEBHOOK_IDS.operatorReview}`, { method: 'POST', body: form });

    expect(response.status).toBeLessThan(300);
    await waitForExecutions(workflowId, before + 1);
    const [updated] = await chsIncidents(submissionId);
    expect(JSON.stringify(updated)).toContain('Civil dispute over a shift swap');
    await expectVerifiedTrail(submissionId, ['operator-decision']);
  });

  test('reference of another incident is refused', async () => {
    const workflowId = environment.deployment.workflows.operatorReview!.id;
    const before = await executionCount(workflowId);
    const { submissionId } = fixture('ocr-bicycle-theft.json');
    const [incident] = await chsIncidents(submissionId);

    const form = new FormData();
    const values = ['42/77777/26', String(incident.id), 'Crime', 'Bicycle theft; CCTV requested.', '', 'Deploy', 'Sam Example', 'PC 4343'];
    values.forEach((value, index) => form.append(`field-${index}`, value));
    const response = await fetch(`${environment.n8n.baseUrl}/form/${WEBHOOK_IDS.operatorReview}`, { method: 'POST', body: form });

    expect(response.status).toBeLessThan(300);
    await waitForExecutions(workflowId, before + 1);
    const row = (await manualHandlingRows()).find((candidate) => candidate.reference === '42/77777/26');
    expect(row?.code).toBe('chs-update-failed');
    expect(row?.reason).toMatch(/belongs to force reference 42\/\d{5}\/\d{2}, not the one on the form/);
    const [unchanged] = await chsIncidents(submissionId);
    expect(JSON.stringify(unchanged)).not.toContain('CCTV requested');
  });

  test('unknown incident goes to a person', async () => {
    const workflowId = environment.deployment.workflows.operatorReview!.id;
    const before = await executionCount(workflowId);

    const form = new FormData();
    const values = ['42/99999/26', 'INC-999999', 'Crime', 'Theft from a shop; CCTV requested.', '', 'Deploy', 'Sam Example', 'PC 4343'];
    values.forEach((value, index) => form.append(`field-${index}`, value));
    const response = await fetch(`${environment.n8n.baseUrl}/form/${WEBHOOK_IDS.operatorReview}`, { method: 'POST', body: form });

    expect(response.status).toBeLessThan(300);
    await waitForExecutions(workflowId, before + 1);
    const row = (await manualHandlingRows()).find((candidate) => candidate.reference === '42/99999/26');
    expect(row?.code).toBe('chs-update-failed');
    expect(row?.reason).toMatch(/INC-999999/);
  });
});

describe('failed reference allocation', () => {
  test('201 marked and queued with reason', async () => {
    const workflowId = environment.deployment.workflows.apiToChs!.id;
    const url = environment.deployment.webhookUrls.apiToChs;
    const original = await environment.n8n.publicApi<{ nodes: Array<{ type: string; parameters: Record<string, unknown> }> }>('GET', `/workflows/${workflowId}`);
    const broken = structuredClone(original);
    const allocatorNode = broken.nodes.find((node) => node.type === 'n8n-nodes-contact-hub.referenceAllocator')!;
    allocatorNode.parameters = { ...allocatorNode.parameters, pattern: '{FORCE}/{SERIAL}' };
    await updateWorkflow(environment.n8n, workflowId, broken as never);
    await waitForWebhook(url);

    try {
      const before = await executionCount(workflowId);
      const { document, submissionId } = fixture('ocr-bicycle-theft.json', randomUUID());
      const answer = await sendSubmission(url, document, environment.deployment.soh);

      expectManualHandlingReceipt(answer, submissionId);
      await waitForExecutions(workflowId, before + 1);
      expect(await chsIncidents(submissionId)).toHaveLength(0);
      const row = (await manualHandlingRows()).find((candidate) => candidate.submissionId === submissionId);
      expect(row?.code).toBe('reference-not-allocated');
      expect(row?.reason).toContain('Invalid Pattern "{FORCE}/{SERIAL}"');
      await expectVerifiedTrail(submissionId, ['received', 'manual-handling']);
    } finally {
      await updateWorkflow(environment.n8n, workflowId, original as never);
    }
  });
});

describe('error handler', () => {
  test('uncaught error reaches manual handling', async () => {
    const handlerId = environment.deployment.workflows.errorHandler!.id;
    const webhookPath = `error-handler-check-${randomUUID()}`;
    const name = `Stops on purpose ${webhookPath.slice(-8)}`;
    const failing = await environment.n8n.publicApi<{ id: string }>('POST', '/workflows', {
      name,
      nodes: [
        { id: randomUUID(), name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: randomUUID(), parameters: { path: webhookPath, httpMethod: 'POST' } },
        {
          id: randomUUID(),
          name: 'Stop on purpose',
          type: 'n8n-nodes-base.stopAndError',
          typeVersion: 1,
          position: [220, 0],
          parameters: { errorMessage: 'Deliberate failure for the error handler check' },
        },
      ],
      connections: { Webhook: { main: [[{ node: 'Stop on purpose', type: 'main', index: 0 }]] } },
      settings: { executionOrder: 'v1', errorWorkflow: handlerId },
    });
    try {
      await environment.n8n.publishWorkflow(failing.id);
      const url = environment.n8n.webhookUrl(webhookPath);
      await waitForWebhook(url);
      const before = await executionCount(handlerId);

      await axios.post(url, { check: true }, { validateStatus: () => true });

      await waitForExecutions(handlerId, before + 1);
      const row = (await manualHandlingRows()).find((candidate) => candidate.reason.includes(name));
      expect(row?.code).toBe('workflow-failed');
      expect(row?.reason).toContain('Stop on purpose');
      expect(row?.reason).toContain('Deliberate failure for the error handler check');
      const email = await environment.mail.waitForEmail((message) => message.raw.includes(name));
      expect(email.subject).toContain('workflow-failed');
    } finally {
      await environment.n8n.publicApi('DELETE', `/workflows/${failing.id}`).catch(() => undefined);
    }
  });
});

/** Return the SOH Trigger parameters with one form type switched off. */
function switchFormTypeOff(parameters: Record<string, unknown>, formType: string): Record<string, unknown> {
  return { ...parameters, formTypes: { ...(parameters.formTypes as Record<string, unknown> | undefined), [formType]: false } };
}
