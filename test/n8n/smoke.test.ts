/**
 * Starts a real n8n 2.41.1 with this package installed as a community package and checks
 * that n8n registers all of it and runs it. Needs `npm run build` first. The first run also
 * installs n8n into the cache (about 5 minutes).
 */
import axios from 'axios';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { startN8n, type N8nInstance, type WorkflowJson } from '../../scripts/n8n/harness';
import { repoRoot as REPO_ROOT } from '../../scripts/n8n/paths';
import { createTestPackage, type TestPackage } from '../helpers/testPackage';

// The first run installs n8n into the cache (about 5 minutes), and a start takes 15 to 60 seconds.
const START_TIMEOUT_MS = 600_000;
// Each n8n CLI call (import, execute) starts a separate n8n process that takes 5 to 15 seconds.
jest.setTimeout(180_000);

interface PackageJson {
  name: string;
  n8n: { nodes: string[]; credentials: string[] };
}

const packageJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;

/**
 * Returns the type name of the class a built file exports under the file's base name, as n8n
 * loads it: `description.name` for a node, `name` for a credential.
 */
function nameInBuiltFile(file: string, kind: 'node' | 'credential'): string {
  const className = path.basename(file).split('.')[0];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(path.join(REPO_ROOT, file)) as Record<string, unknown>;
  const Class = exported[className];
  if (typeof Class !== 'function') throw new Error(`exports no class named ${className}`);
  const instance = new (Class as new () => { name?: string; description?: { name?: string } })();
  const name = kind === 'node' ? instance.description?.name : instance.name;
  if (!name) throw new Error(`${className} has no ${kind === 'node' ? 'description.name' : 'name'}`);
  return name;
}

interface PackageTypes {
  nodeNames: string[];
  credentialNames: string[];
  /** Built files that could not be loaded, with the error. */
  loadErrors: string[];
}

function readPackageTypes(): PackageTypes {
  const types: PackageTypes = { nodeNames: [], credentialNames: [], loadErrors: [] };
  const load = (file: string, kind: 'node' | 'credential', into: string[]) => {
    try {
      into.push(nameInBuiltFile(file, kind));
    } catch (error) {
      types.loadErrors.push(`${file}: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  for (const file of packageJson.n8n.nodes) load(file, 'node', types.nodeNames);
  for (const file of packageJson.n8n.credentials) load(file, 'credential', types.credentialNames);
  return types;
}

function manualWorkflow(name: string, node: Record<string, unknown>): WorkflowJson {
  return {
    name,
    nodes: [
      { id: 'start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
      { id: 'node', position: [220, 0], ...node },
    ],
    connections: { Start: { main: [[{ node: String(node.name), type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };
}

describe('n8n with this package', () => {
  let n8n: N8nInstance;
  let types: PackageTypes;

  beforeAll(async () => {
    types = readPackageTypes();
    n8n = await startN8n();
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await n8n?.stop();
  });

  test('built files of package.json load', () => {
    expect(types.loadErrors).toEqual([]);
    expect(types.nodeNames.length).toBeGreaterThan(0);
    expect(types.credentialNames.length).toBeGreaterThan(0);
  });

  test('registers every node under the package name', async () => {
    const registered = new Set((await n8n.listNodeTypes()).map((type) => type.name));
    const missing = types.nodeNames.map((name) => `${packageJson.name}.${name}`).filter((type) => !registered.has(type));

    expect(missing).toEqual([]);
  });

  test('registers every credential type', async () => {
    const registered = new Set(await n8n.listCredentialTypes());
    const missing = types.credentialNames.filter((name) => !registered.has(name));

    expect(missing).toEqual([]);
  });

  // The Reference Allocator's "validate" operation needs no store or service, so it makes the
  // trivial workflow. NOTE: the test is skipped while package.json does not list that node.
  const allocatorListed = packageJson.n8n.nodes.some((file) => file.includes('/ReferenceAllocator/'));
  (allocatorListed ? test : test.skip)('runs a manual workflow with the Reference Allocator', async () => {
    const allocator = (await n8n.listNodeTypes()).find((type) => type.name === `${packageJson.name}.referenceAllocator`);
    const workflowId = await n8n.importWorkflow(
      manualWorkflow('Smoke: validate a reference', {
        name: 'Reference Allocator',
        type: `${packageJson.name}.referenceAllocator`,
        typeVersion: Array.isArray(allocator?.version) ? Math.max(...allocator.version) : allocator?.version,
        parameters: { operation: 'validate', pattern: '{FORCE}/{SEQ:5}/{YY}', forceCode: '46', referenceText: '46/00001/25' },
      }),
    );

    const run = await n8n.executeWorkflow(workflowId);

    expect(run.data.resultData.error).toBeUndefined();
    const [output] = run.data.resultData.runData['Reference Allocator']?.[0]?.data?.main[0] ?? [];
    expect(output?.json.referenceValidation).toMatchObject({ valid: true });
  });
});

describe('n8n harness with a throwaway package', () => {
  const PACKAGE = 'n8n-nodes-harness-check';
  let testPackage: TestPackage;
  let n8n: N8nInstance;

  beforeAll(async () => {
    testPackage = createTestPackage({
      name: PACKAGE,
      nodes: {
        Stamp: `
class Stamp {
  constructor() {
    this.description = {
      displayName: 'Stamp', name: 'stamp', group: ['transform'], version: 1, description: 'Adds the credential label',
      defaults: { name: 'Stamp' }, inputs: ['main'], outputs: ['main'],
      credentials: [{ name: 'stampApi', required: true }], properties: [],
    };
  }
  async execute() {
    const { label } = await this.getCredentials('stampApi');
    return [this.getInputData().map((item, i) => ({ json: { ...item.json, label }, pairedItem: { item: i } }))];
  }
}
module.exports = { Stamp };
`,
      },
      credentials: {
        StampApi: `
class StampApi {
  constructor() {
    this.name = 'stampApi';
    this.displayName = 'Stamp API';
    this.properties = [{ displayName: 'Label', name: 'label', type: 'string', default: '' }];
  }
}
module.exports = { StampApi };
`,
      },
    });
    n8n = await startN8n({ packageDir: testPackage.dir });
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await n8n?.stop();
    testPackage?.remove();
  });

  test('serves a published webhook workflow', async () => {
    const [credentialId] = await n8n.importCredentials({ name: 'Stamp', type: 'stampApi', data: { label: 'stamped' } });
    const workflowId = await n8n.importWorkflow({
      name: 'Harness check',
      nodes: [
        {
          id: 'hook',
          name: 'Webhook',
          type: 'n8n-nodes-base.webhook',
          typeVersion: 2,
          position: [0, 0],
          webhookId: 'a6f3c1d2-0000-4000-8000-000000000001',
          parameters: { path: 'harness-check', httpMethod: 'POST', responseMode: 'lastNode' },
        },
        {
          id: 'stamp',
          name: 'Stamp',
          type: `${PACKAGE}.stamp`,
          typeVersion: 1,
          position: [220, 0],
          parameters: {},
          credentials: { stampApi: { id: credentialId, name: 'Stamp' } },
        },
      ],
      connections: { Webhook: { main: [[{ node: 'Stamp', type: 'main', index: 0 }]] } },
      settings: { executionOrder: 'v1' },
    });

    await n8n.publishWorkflow(workflowId);
    const response = await axios.post(n8n.webhookUrl('harness-check'), { submission: 'S-1' }, { validateStatus: () => true });

    expect(response.status).toBe(200);
    expect(response.data.label).toBe('stamped');
    expect(response.data.body).toEqual({ submission: 'S-1' });

    const [execution] = await n8n.waitForExecutions(workflowId, 1);
    expect(execution.status).toBe('success');
  });

  test('runs a manual workflow with n8n execute', async () => {
    const [credentialId] = await n8n.importCredentials({ name: 'Stamp 2', type: 'stampApi', data: { label: 'manual' } });
    const workflowId = await n8n.importWorkflow(
      manualWorkflow('Harness manual check', {
        name: 'Stamp',
        type: `${PACKAGE}.stamp`,
        typeVersion: 1,
        parameters: {},
        credentials: { stampApi: { id: credentialId, name: 'Stamp 2' } },
      }),
    );

    const run = await n8n.executeWorkflow(workflowId);

    expect(run.data.resultData.error).toBeUndefined();
    expect(run.data.resultData.runData.Stamp?.[0]?.data?.main[0]?.[0]?.json).toEqual({ label: 'manual' });
  });

  test('stop ends n8n and its task runner', async () => {
    const { pid } = n8n;
    await n8n.stop();

    expect(() => process.kill(-pid, 0)).toThrow();
  });
});
