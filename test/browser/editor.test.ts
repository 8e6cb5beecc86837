/// <reference lib="dom" />
/**
 * The analyst's view: the editor of a real n8n 2.41.1 with this package installed, driven in
 * Debian's Chromium through playwright-core. The page may only reach 127.0.0.1, so requests to any
 * other host are blocked and counted. Screenshots go to `test-artifacts/browser/` on every run.
 *
 * Needs `npm run build` first, the n8n install in the cache and Chromium at /usr/bin/chromium.
 * Uses free ports and a temporary folder.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import axios from 'axios';
import type { Locator, Page } from 'playwright-core';
import { FORM_TYPES } from '../../core/sdm';
import { WEBHOOK_IDS } from '../../scripts/demo/templates/build';
import { MANUAL_HANDLING_TABLE } from '../../scripts/demo/templates/nodes';
import { ContactHubEnvironment, sendSubmission, startContactHubEnvironment, type SubmissionAnswer } from '../../scripts/demo/environment';
import type { ExecutionSummary } from '../../scripts/n8n/harness';
import { ARTIFACT_DIR, chromiumMissingReason, closeToasts, launchBrowser, saveScreenshot, signIn, type TestBrowser } from '../helpers/browser';
import { boxesFromWorkflow, findOverlaps, GRID_SIZE, STICKY_NOTE_TYPE, type Box, type WorkflowNodeJson } from './canvasGeometry';

jest.setTimeout(10 * 60_000);

const PACKAGE_PREFIX = 'n8n-nodes-contact-hub.';
const ROOT = path.resolve(__dirname, '..', '..');
const WORKFLOWS_DIR = path.join(ROOT, 'workflows');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'e2e');
const UI_TIMEOUT_MS = 60_000;

/** American spellings that user-facing text in British English must not contain. */
const AMERICAN_SPELLINGS = /\b(organiz\w*|authoriz\w*|recogniz\w*|analyz\w*|normaliz\w*|colors?|behaviors?|centers?|catalog|canceled|labeled|favor\w*|dialog)\b/i;

interface NodeTypeDescription {
  name: string;
  displayName: string;
  description: string;
  group: string[];
  version: number | number[];
  credentials?: Array<{ name: string }>;
}

interface WorkflowJson {
  name: string;
  nodes: Array<WorkflowNodeJson & { id?: string; typeVersion?: number; credentials?: Record<string, unknown> }>;
  connections: Record<string, unknown>;
  settings?: Record<string, unknown>;
}

const chromiumMissing = chromiumMissingReason();
if (chromiumMissing) {
  process.stderr.write(`Skipping the browser tests: ${chromiumMissing}\n`);
}
const describeInBrowser = chromiumMissing ? describe.skip : describe;

let environment: ContactHubEnvironment;
let dataDir: string;
let browser: TestBrowser;
let page: Page;
let ourNodeTypes: NodeTypeDescription[];

/** Node descriptions of this package as the running n8n serves them to the editor. */
async function readOurNodeTypes(): Promise<NodeTypeDescription[]> {
  const { cookie, browserId } = environment.owner;
  const response = await axios.get<NodeTypeDescription[]>(`${environment.n8n.baseUrl}/types/nodes.json`, {
    headers: { cookie, 'browser-id': browserId },
    timeout: 30_000,
  });
  const latest = new Map<string, NodeTypeDescription>();
  for (const type of response.data.filter((candidate) => candidate.name.startsWith(PACKAGE_PREFIX))) latest.set(type.name, type);
  // n8n adds a `<name>Tool` variant of every node marked usableAsTool, for AI agents. Analysts use the nodes themselves.
  for (const name of [...latest.keys()]) {
    if (name.endsWith('Tool') && latest.has(name.slice(0, -'Tool'.length))) latest.delete(name);
  }
  return [...latest.values()].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

function latestVersion(type: NodeTypeDescription): number {
  return Array.isArray(type.version) ? Math.max(...type.version) : type.version;
}

function fixture(name: string): { document: Record<string, unknown>; submissionId: string } {
  const document = JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8'));
  const submission = document.included.find((entry: { type: string }) => entry.type === 'submission');
  submission.attributes.submissionId = randomUUID();
  return { document, submissionId: submission.attributes.submissionId };
}

/** Closes the production checklist that n8n 2.41.1 opens over a published workflow's canvas. */
async function dismissChecklist(): Promise<void> {
  const close = page.locator('[data-test-id="suggested-actions-close"]');
  try {
    await close.waitFor({ state: 'visible', timeout: 5_000 });
    await close.click();
  } catch {
    // The checklist only appears on some canvases, and not again once closed.
  }
}

async function openWorkflow(workflowId: string): Promise<void> {
  await page.goto(`${environment.n8n.baseUrl}/workflow/${workflowId}`);
  await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: UI_TIMEOUT_MS });
  await dismissChecklist();
}

async function openNewWorkflow(): Promise<void> {
  await page.goto(`${environment.n8n.baseUrl}/workflow/new`);
  await page.locator('[data-test-id="canvas-add-button"]').waitFor({ timeout: UI_TIMEOUT_MS });
}

/** Opens a node's settings panel (n8n's node details view) by double-clicking it on the canvas. */
async function openNodeSettings(nodeName: string): Promise<Locator> {
  // A test that failed with a panel open leaves it open, so close it and start on the canvas.
  if (await page.locator('[data-test-id="ndv"]').isVisible()) await closeNodeSettings();
  await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
  const ndv = page.locator('[data-test-id="ndv"]');
  await ndv.waitFor({ timeout: UI_TIMEOUT_MS });
  await ndv.locator('[data-test-id="node-parameters"]').waitFor();
  return ndv;
}

async function closeNodeSettings(): Promise<void> {
  await page.locator('[data-test-id="ndv-close-button"]').click();
  await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
}

/** Finds the parameter row (label and input) that contains the input of parameter `name`. */
function parameterItem(scope: Locator, name: string): Locator {
  return scope.locator('[data-test-id="parameter-item"]').filter({ has: page.locator(`[data-test-id="parameter-input-${name}"]`) }).last();
}

async function parameterLabel(scope: Locator, name: string): Promise<string> {
  // The label row also contains the Fixed / Expression switch, so only its first line is the label.
  return (await parameterItem(scope, name).locator('label').first().innerText()).split('\n')[0].trim();
}

/** Opens the drop-down of an options parameter, returns the option names and closes it again. */
async function dropdownOptions(scope: Locator, name: string): Promise<string[]> {
  const input = scope.locator(`[data-test-id="parameter-input-${name}"]`);
  await input.click();
  const options = page.locator('[data-test-id="parameter-input-item"]:visible');
  await options.first().waitFor({ timeout: 10_000 });
  // Each option shows its name on the first line and its description below.
  const names = (await options.allInnerTexts()).map((text) => text.split('\n')[0].trim());
  // Choosing the option that is already selected closes the list without changing the value.
  await page.locator('[data-test-id="parameter-input-item"][aria-selected="true"]:visible').click();
  await options.first().waitFor({ state: 'hidden', timeout: 10_000 });
  return names;
}

/** Waits until the locator matches exactly `count` elements, and fails with the last count otherwise. */
async function waitForCount(locator: Locator, count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await locator.count();
    if (found === count) return;
    if (Date.now() > deadline) throw new Error(`Expected ${count} elements for ${locator}, found ${found} after ${timeoutMs} ms`);
    await page.waitForTimeout(200);
  }
}

async function saveWorkflowWithShortcut(workflowId: string, expectChange: (workflow: WorkflowJson & { versionId: string }) => boolean): Promise<void> {
  await page.locator('[data-test-id="canvas"]').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+s');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const saved = await environment.n8n.publicApi<WorkflowJson & { versionId: string }>('GET', `/workflows/${workflowId}`);
    if (expectChange(saved)) return;
    if (Date.now() > deadline) throw new Error(`Saving workflow ${workflowId} with Ctrl+S did not store the change within 30 seconds`);
    await page.waitForTimeout(250);
  }
}

/** Boxes of every node and sticky note on the canvas, in canvas pixels relative to the top-left box. */
async function boxesFromCanvas(): Promise<Box[]> {
  return await page.evaluate(() => {
    const pane = document.querySelector('.vue-flow__transformationpane') as HTMLElement;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(pane).transform).a;
    const origin = pane.getBoundingClientRect();
    return Array.from(document.querySelectorAll('.vue-flow__node')).map((element) => {
      const rect = element.getBoundingClientRect();
      const sticky = element.querySelector('[data-test-id="sticky"]') !== null;
      const name = element.querySelector('[data-node-name]')?.getAttribute('data-node-name') ?? element.getAttribute('data-id') ?? '?';
      return {
        name,
        kind: sticky ? ('sticky' as const) : ('node' as const),
        x: (rect.left - origin.left) / zoom,
        y: (rect.top - origin.top) / zoom,
        width: rect.width / zoom,
        height: rect.height / zoom,
      };
    });
  });
}

function relativeTo(boxes: Box[]): Box[] {
  const minX = Math.min(...boxes.map((box) => box.x));
  const minY = Math.min(...boxes.map((box) => box.y));
  return boxes.map((box) => ({ ...box, x: box.x - minX, y: box.y - minY })).sort((a, b) => a.name.localeCompare(b.name));
}

async function manualHandlingRows(): Promise<Array<Record<string, string>>> {
  const tableId = environment.deployment.dataTables[MANUAL_HANDLING_TABLE];
  const rows = await environment.n8n.publicApi<{ data: Array<Record<string, string>> }>('GET', `/data-tables/${tableId}/rows`, undefined, { limit: 250 });
  return rows.data;
}

/** Waits for a finished execution of the workflow that is newer than `knownIds`, with its run data. */
async function waitForNewExecution(workflowId: string, knownIds: Set<string>): Promise<ExecutionSummary> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const executions = await environment.n8n.executions({ workflowId, includeData: true, limit: 20 });
    const fresh = executions.find((execution) => !knownIds.has(execution.id) && execution.finished !== undefined && execution.stoppedAt);
    if (fresh) return fresh;
    if (Date.now() > deadline) throw new Error(`No new finished execution of workflow ${workflowId} within 90 seconds`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Sends a submission, and resends it while n8n returns 404, because n8n registers a webhook a
 * moment after a click or a publish. A 404 means no workflow received the submission, so resending is safe.
 */
async function sendUntilRegistered(url: string, document: unknown): Promise<SubmissionAnswer> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await sendSubmission(url, document, environment.deployment.soh);
    if (answer.status !== 404 || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function executionIds(workflowId: string): Promise<Set<string>> {
  return new Set((await environment.n8n.executions({ workflowId, limit: 250 })).map((execution) => execution.id));
}

function itemsOf(execution: ExecutionSummary, nodeName: string, output = 0): Array<{ json: Record<string, unknown> }> {
  return execution.data?.resultData.runData[nodeName]?.[0]?.data?.main[output] ?? [];
}

describeInBrowser('n8n editor in Chromium', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'contact-hub-browser-'));
    // NOTE: only the templates these tests publish are deployed. The canvas test imports every file in workflows/.
    environment = await startContactHubEnvironment({ dataDir, templates: ['errorHandler', 'apiToChs', 'apiToChsAndAthena'] });
    ourNodeTypes = await readOurNodeTypes();
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(30_000);
    // Leaving a canvas with unsaved changes opens a beforeunload dialog, which the tests accept.
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, environment.n8n.baseUrl, environment.owner.email, environment.owner.password);
  });

  afterAll(async () => {
    if (browser) {
      mkdirSync(ARTIFACT_DIR, { recursive: true });
      writeFileSync(path.join(ARTIFACT_DIR, 'blocked-requests.json'), JSON.stringify(browser.blockedRequests, null, 2));
      await browser.close();
    }
    await environment?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('package loads all seven nodes', () => {
    expect(ourNodeTypes.map((type) => type.name.slice(PACKAGE_PREFIX.length)).sort()).toEqual(
      ['athenaWriter', 'auditLogger', 'chsWriter', 'contactHubReconciler', 'referenceAllocator', 'sohEmailParser', 'sohTrigger'],
    );
  });

  test('node panel lists every node', async () => {
    await openNewWorkflow();
    await page.locator('[data-test-id="canvas-add-button"]').click();
    const creator = page.locator('[data-test-id="node-creator"]');
    await creator.waitFor();
    const search = creator.locator('[data-test-id="node-creator-search-bar"] input, input[data-test-id="node-creator-search-bar"]').first();

    for (const type of ourNodeTypes) {
      await search.fill(type.displayName);
      const item = creator
        .locator('[data-test-id="item-iterator-item"]')
        .filter({ has: page.locator('[data-test-id="node-creator-item-name"]', { hasText: new RegExp(`^${type.displayName}$`) }) });
      await item.first().waitFor({ timeout: 10_000 });

      const icon = item.first().locator('img').first();
      expect(await icon.getAttribute('src')).toContain('/icons/n8n-nodes-contact-hub/');
      const iconLoaded = await icon.evaluate(
        (image: HTMLImageElement) =>
          new Promise<boolean>((resolve) => {
            if (image.complete) resolve(image.naturalWidth > 0);
            image.addEventListener('load', () => resolve(image.naturalWidth > 0));
            image.addEventListener('error', () => resolve(false));
            setTimeout(() => resolve(image.complete && image.naturalWidth > 0), 10_000);
          }),
      );
      expect({ node: type.displayName, iconLoaded }).toEqual({ node: type.displayName, iconLoaded: true });

      const description = (await item.first().locator('[data-test-id="node-creator-item-description"]').innerText()).trim();
      expect(description).toBe(type.description);
      expect(description).not.toMatch(/\n/);
      expect(description).not.toMatch(/[.;:]\s+\S/);
      expect(description.length).toBeLessThanOrEqual(140);
      expect(description).not.toMatch(AMERICAN_SPELLINGS);

      // n8n marks trigger nodes in the panel with a bolt icon, and action nodes have none.
      const isTrigger = type.group.includes('trigger');
      const boltIcons = await item.first().locator('[data-icon="bolt-filled"]').count();
      expect({ node: type.displayName, trigger: boltIcons > 0 }).toEqual({ node: type.displayName, trigger: isTrigger });
    }
    expect(ourNodeTypes.filter((type) => type.group.includes('trigger')).map((type) => type.displayName)).toEqual(['Contact Hub Reconciler', 'SOH Trigger']);

    await search.fill('SOH');
    await creator.locator('[data-test-id="node-creator-item-name"]', { hasText: 'SOH Trigger' }).waitFor();
    await saveScreenshot(page, 'node-panel');
  });

  describe('node settings', () => {
    let workflowId: string;

    beforeAll(async () => {
      const nodes = ourNodeTypes.map((type, index) => {
        const credentials: Record<string, { id: string; name: string }> = {};
        for (const { name } of type.credentials ?? []) {
          const created = environment.deployment.credentials[name];
          if (created) credentials[name] = { id: created.id, name: created.name };
        }
        return {
          id: randomUUID(),
          name: type.displayName,
          type: type.name,
          typeVersion: latestVersion(type),
          position: [index * 240, 0] as [number, number],
          parameters: {},
          credentials,
          ...(type.name.endsWith('sohTrigger') ? { webhookId: randomUUID() } : {}),
        };
      });
      const created = await environment.n8n.publicApi<{ id: string }>('POST', '/workflows', {
        name: 'Contact Hub: every node with its defaults',
        nodes,
        connections: {},
        settings: { executionOrder: 'v1' },
      });
      workflowId = created.id;
      await openWorkflow(workflowId);
    });

    test('every panel reads in British English', async () => {
      for (const type of ourNodeTypes) {
        const ndv = await openNodeSettings(type.displayName);
        const text = await ndv.locator('[data-test-id="node-parameters"]').innerText();
        expect({ node: type.displayName, american: text.match(AMERICAN_SPELLINGS)?.[0] }).toEqual({ node: type.displayName, american: undefined });
        await saveScreenshot(page, `settings-${type.name.slice(PACKAGE_PREFIX.length)}`);
        await closeNodeSettings();
      }
    });

    test('SOH Trigger shows form type switches', async () => {
      const ndv = await openNodeSettings('SOH Trigger');
      await saveScreenshot(page, 'settings-sohTrigger');
      // NOTE: n8n 2.41.1 cuts labels longer than about 27 characters in this collection at the default panel
      // width, e.g. "Rape and sexual assault (RAS…)". The test reads the full label from the page text.
      for (const formType of FORM_TYPES) {
        expect(await parameterLabel(ndv, formType.code)).toBe(`${formType.en} (${formType.code})`);
        const checked = await ndv.locator(`[data-test-id="parameter-input-${formType.code}"] input[role="switch"]`).getAttribute('aria-checked');
        expect({ formType: formType.code, on: checked === 'true' }).toEqual({ formType: formType.code, on: formType.enabledByDefault });
      }
      expect(await parameterLabel(ndv, 'responseMode')).toBe('Respond');
      expect(await dropdownOptions(ndv, 'responseMode')).toEqual(['Immediately (Acceptance Receipt)', 'After Reference Is Allocated (Respond to Webhook Node)']);
      expect(await dropdownOptions(ndv, 'unknownFormTypes')).toEqual(['Send to Manual Handling', 'Send to Accepted Output']);
      await closeNodeSettings();
    });

    test('SOH Trigger help names real buttons', async () => {
      // This workflow is not published, so the panel shows the help for trying the trigger out.
      const ndv = await openNodeSettings('SOH Trigger');
      await ndv.getByText('When will this node trigger my flow?').click();
      const panelText = await ndv.innerText();
      expect(panelText).toContain('Send a test submission to the test URL');
      const namedButton = /Click "([^"]+)"/.exec(panelText)?.[1];
      expect(namedButton).toBeDefined();
      await ndv.getByRole('button', { name: namedButton! }).first().waitFor({ state: 'visible' });
      await saveScreenshot(page, 'settings-sohTrigger-test-event');
      await closeNodeSettings();
    });

    test('store credential offers store types', async () => {
      const ndv = await openNodeSettings('SOH Trigger');
      const sohTrigger = ourNodeTypes.find((type) => type.name === `${PACKAGE_PREFIX}sohTrigger`)!;
      const storeIndex = (sohTrigger.credentials ?? []).findIndex((credential) => credential.name === 'contactHubStoreApi');
      expect(storeIndex).toBeGreaterThanOrEqual(0);
      const storeSlot = ndv.locator('[data-test-id="node-credentials-slot"]').nth(storeIndex);
      await storeSlot.locator('[data-test-id="credential-edit-button"]').click();
      const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
      await dialog.waitFor();
      expect(await dropdownOptions(dialog, 'storeType')).toEqual(['SQLite File', 'PostgreSQL']);
      // The editor runs the credential's connection test when the dialog opens; the demo SQLite store must pass it.
      await dialog.locator('[data-test-id="credentials-config-container-test-success"]').waitFor({ state: 'visible' });
      await saveScreenshot(page, 'credential-contactHubStoreApi');
      await page.keyboard.press('Escape');
      if (await dialog.isVisible()) await page.locator('[data-test-id="editCredential-modal"] .el-dialog__headerbtn').click();
      await dialog.waitFor({ state: 'hidden' });
      await closeNodeSettings();
    });

    test('Reference Allocator offers reset periods', async () => {
      const ndv = await openNodeSettings('Reference Allocator');
      expect(await parameterLabel(ndv, 'resetPeriod')).toBe('Reset Period');
      expect(await dropdownOptions(ndv, 'resetPeriod')).toEqual(['Never', 'Yearly', 'Monthly', 'Daily']);

      // The panel flags an empty pattern with the label shown to the analyst, not the parameter's internal name.
      const pattern = ndv.locator('[data-test-id="parameter-input-pattern"] input').first();
      const defaultPattern = await pattern.inputValue();
      expect(defaultPattern).toBe('{FORCE}/{SEQ}/{YY}');
      await pattern.fill('');
      // Moving to another field makes the panel check the emptied pattern.
      await ndv.locator('[data-test-id="parameter-input-sequenceWidth"] input').first().click();
      await parameterItem(ndv, 'pattern').locator('[data-test-id="parameter-issues"]').hover();
      await page.getByText('Parameter "Pattern" is required.').waitFor({ state: 'visible' });
      await saveScreenshot(page, 'settings-referenceAllocator-missing-pattern');
      await pattern.fill(defaultPattern);
      await closeNodeSettings();
    });

    test('CHS Writer opening codes are editable', async () => {
      const ndv = await openNodeSettings('CHS Writer');
      await ndv.locator('[data-test-id="fixed-collection-openingCodeTable"]').waitFor();
      expect(await parameterLabel(ndv, 'fallbackOpeningCode')).toBe('Fallback Opening Code');
      const formTypes = ndv.locator('[data-test-id="parameter-input-formType"] input');
      const openingCodes = ndv.locator('[data-test-id="parameter-input-openingCode"] input');
      const rowsBefore = await openingCodes.count();
      expect(rowsBefore).toBeGreaterThan(0);

      await ndv.locator('[data-test-id="fixed-collection-add"]').click();
      await waitForCount(openingCodes, rowsBefore + 1);
      await formTypes.last().fill('NOISE');
      await openingCodes.last().fill('ASB-NOISE');
      await openingCodes.first().fill('CRIME-ONLINE');
      await saveScreenshot(page, 'settings-chsWriter-opening-codes');
      await closeNodeSettings();

      await saveWorkflowWithShortcut(workflowId, (workflow) => {
        const chs = workflow.nodes.find((node) => node.name === 'CHS Writer');
        return JSON.stringify(chs?.parameters ?? {}).includes('ASB-NOISE');
      });
      const saved = await environment.n8n.publicApi<WorkflowJson>('GET', `/workflows/${workflowId}`);
      const rules = (saved.nodes.find((node) => node.name === 'CHS Writer')!.parameters!.openingCodeTable as { rules: Array<Record<string, string>> }).rules;
      expect(rules).toHaveLength(rowsBefore + 1);
      expect(rules[0].openingCode).toBe('CRIME-ONLINE');
      expect(rules.at(-1)).toEqual({ formType: 'NOISE', openingCode: 'ASB-NOISE' });
    });
  });

  describe('template canvases', () => {
    const templateFiles = readdirSync(WORKFLOWS_DIR).filter((file) => file.endsWith('.json')).sort();

    test.each(templateFiles)('%s imports tidily', async (file) => {
      const workflow = JSON.parse(readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8')) as WorkflowJson;
      const fromJson = boxesFromWorkflow(workflow.nodes);
      expect(findOverlaps(fromJson)).toEqual([]);

      await openNewWorkflow();
      await page.locator('[data-test-id="workflow-import-input"]').setInputFiles(path.join(WORKFLOWS_DIR, file));
      await waitForCount(page.locator('.vue-flow__node'), workflow.nodes.length);
      await page.locator('[data-test-id="zoom-to-fit"]').click();
      await page.waitForTimeout(800);

      const fromDom = await boxesFromCanvas();
      expect(findOverlaps(fromDom)).toEqual([]);
      // The JSON model must match what n8n draws, or the JSON check above proves nothing.
      const jsonRelative = relativeTo(fromJson);
      const domRelative = relativeTo(fromDom);
      expect(domRelative.map((box) => box.name)).toEqual(jsonRelative.map((box) => box.name));
      for (const [index, box] of domRelative.entries()) {
        const expected = jsonRelative[index];
        for (const key of ['x', 'y', 'width', 'height'] as const) {
          const tolerance = key === 'x' || key === 'y' ? GRID_SIZE : 2;
          expect({ name: box.name, [key]: Math.abs(box[key] - expected[key]) <= tolerance }).toEqual({ name: box.name, [key]: true });
        }
      }

      // A sticky note is readable when all of its text fits inside it.
      const stickies = await page.locator('[data-test-id="sticky"]').evaluateAll((elements) =>
        elements.map((sticky) => {
          const content = sticky.firstElementChild as HTMLElement;
          return { text: sticky.textContent?.slice(0, 40) ?? '', fits: content.scrollHeight <= sticky.clientHeight + 2 && content.scrollWidth <= sticky.clientWidth + 2 };
        }),
      );
      expect(stickies).toHaveLength(workflow.nodes.filter((node) => node.type === STICKY_NOTE_TYPE).length);
      expect(stickies.filter((sticky) => !sticky.fits)).toEqual([]);

      await closeToasts(page);
      await saveScreenshot(page, `template-${file.replace(/\.json$/, '')}`);
    });
  });

  test('sample submission runs the template', async () => {
    const workflowId = environment.deployment.workflows.apiToChs!.id;
    await openWorkflow(workflowId);

    const known = await executionIds(workflowId);
    await page.locator('[data-test-id="execute-workflow-button"]').click();
    const { document, submissionId } = fixture('ocr-bicycle-theft.json');
    const testUrl = environment.n8n.webhookTestUrl(`${WEBHOOK_IDS.apiToChs}/incidents`);
    // The editor registers the test webhook a moment after the click.
    const answer = await sendUntilRegistered(testUrl, document);
    expect(answer.status).toBe(201);
    expect(answer.reference).toMatch(/\S/);

    const execution = await waitForNewExecution(workflowId, known);
    expect(execution.mode).toBe('manual');
    expect(execution.status).toBe('success');
    const created = itemsOf(execution, 'Create CHS incident');
    expect(created).toHaveLength(1);
    expect((created[0].json.chs as { incidentId?: string }).incidentId).toMatch(/\S/);
    expect((created[0].json.submission as { id: string }).id).toBe(submissionId);

    const createNode = page.locator('[data-test-id="canvas-node"][data-node-name="Create CHS incident"]');
    await createNode.locator('[data-test-id="canvas-node-status-success"]').waitFor({ state: 'visible' });
    await saveScreenshot(page, 'template-ihub-api-to-chs-test-run');
  });

  test('form type switched off in UI', async () => {
    const workflowId = environment.deployment.workflows.apiToChsAndAthena!.id;
    await openWorkflow(workflowId);
    const ndv = await openNodeSettings('iHub Standard API');
    const asbSwitch = ndv.locator('[data-test-id="parameter-input-ASB"] input[role="switch"]');
    expect(await asbSwitch.getAttribute('aria-checked')).toBe('true');
    await ndv.locator('[data-test-id="parameter-input-ASB"] .el-switch').click();
    expect(await asbSwitch.getAttribute('aria-checked')).toBe('false');
    await closeNodeSettings();

    const triggerOf = (workflow: { nodes: WorkflowJson['nodes'] }) => workflow.nodes.find((node) => node.type === `${PACKAGE_PREFIX}sohTrigger`)!;
    await saveWorkflowWithShortcut(workflowId, (workflow) => (triggerOf(workflow).parameters?.formTypes as Record<string, boolean> | undefined)?.ASB === false);

    await page.locator('[data-test-id="workflow-open-publish-modal-button"]').click();
    await page.locator('[data-test-id="workflow-publish-button"]').click();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const workflow = await environment.n8n.publicApi<{ versionId: string; activeVersionId: string; activeVersion?: { nodes: WorkflowJson['nodes'] } }>(
        'GET',
        `/workflows/${workflowId}`,
      );
      const publishedAsb = workflow.activeVersion ? (triggerOf(workflow.activeVersion).parameters?.formTypes as Record<string, boolean> | undefined)?.ASB : undefined;
      if (workflow.activeVersionId === workflow.versionId && publishedAsb === false) break;
      if (Date.now() > deadline) throw new Error('Publishing from the editor did not make the switched-off form type live within 30 seconds');
      await page.waitForTimeout(250);
    }
    await saveScreenshot(page, 'template-asb-switched-off');

    const known = await executionIds(workflowId);
    const { document, submissionId } = fixture('asb-nuisance-youths.json');
    const answer = await sendUntilRegistered(environment.deployment.webhookUrls.apiToChsAndAthena, document);
    expect(answer.status).toBe(201);

    const execution = await waitForNewExecution(workflowId, known);
    expect(execution.status).toBe('success');
    expect(itemsOf(execution, 'iHub Standard API', 0)).toEqual([]);
    const diverted = itemsOf(execution, 'iHub Standard API', 1);
    expect(diverted).toHaveLength(1);
    expect((diverted[0].json.manualHandling as { code: string }).code).toBe('form-type-disabled');
    const ranNodes = Object.keys(execution.data!.resultData.runData);
    expect(ranNodes).toContain('Audit: routed to manual handling');
    expect(ranNodes).toContain('Manual handling queue');
    expect(ranNodes).toContain('Email the contact centre');
    expect(ranNodes).not.toContain('Create CHS incident');

    const row = (await manualHandlingRows()).find((candidate) => candidate.submissionId === submissionId);
    expect(row?.code).toBe('form-type-disabled');
  });

  test('page reached only 127.0.0.1', () => {
    expect(browser.blockedRequests).toEqual([]);
  });
});
