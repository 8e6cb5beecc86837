import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INode, INodeParameters } from 'n8n-workflow';

import { runWorkflow } from '../../helpers/runWorkflow';
import { createTestPackage, type TestPackage } from '../../helpers/testPackage';

const PACKAGE = 'n8n-nodes-runner-test';

const ECHO_NODE = `
class Echo {
  constructor() {
    this.description = {
      displayName: 'Echo', name: 'echo', group: ['transform'], version: 1, description: 'Adds a field',
      defaults: { name: 'Echo' }, inputs: ['main'], outputs: ['main'],
      properties: [{ displayName: 'Value', name: 'value', type: 'string', default: 'echoed' }],
    };
  }
  async execute() {
    return [this.getInputData().map((item, i) => ({ json: { ...item.json, echo: this.getNodeParameter('value', i) }, pairedItem: { item: i } }))];
  }
}
module.exports = { Echo };
`;

const PROBE_NODE = `
const { NodeApiError } = require('n8n-workflow');
class HttpProbe {
  constructor() {
    this.description = {
      displayName: 'HTTP Probe', name: 'httpProbe', group: ['transform'], version: 1, description: 'Posts each item',
      defaults: { name: 'HTTP Probe' }, inputs: ['main'], outputs: ['main'],
      credentials: [{ name: 'probeApi', required: true }],
      properties: [],
    };
  }
  async execute() {
    const credentials = await this.getCredentials('probeApi');
    const output = [];
    for (const [i, item] of this.getInputData().entries()) {
      try {
        const response = await this.helpers.httpRequestWithAuthentication.call(this, 'probeApi', {
          method: 'POST', url: credentials.baseUrl + '/items', body: item.json, json: true,
        });
        output.push({ json: { ...item.json, response }, pairedItem: { item: i } });
      } catch (error) {
        throw new NodeApiError(this.getNode(), error, { itemIndex: i });
      }
    }
    return [output];
  }
}
module.exports = { HttpProbe };
`;

const PROBE_CREDENTIAL = `
class ProbeApi {
  constructor() {
    this.name = 'probeApi';
    this.displayName = 'Probe API';
    this.properties = [
      { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
      { displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
    ];
    this.authenticate = { type: 'generic', properties: { headers: { 'X-Api-Key': '={{$credentials.apiKey}}' } } };
  }
}
module.exports = { ProbeApi };
`;

const HOOK_NODE = `
class Hook {
  constructor() {
    this.description = {
      displayName: 'Hook', name: 'hook', group: ['trigger'], version: 1, description: 'Receives items',
      defaults: { name: 'Hook' }, inputs: [], outputs: ['main'],
      webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'hook' }],
      properties: [],
    };
  }
  async webhook() {
    const headers = this.getHeaderData();
    if (headers['x-token'] !== 'letmein') {
      this.getResponseObject().status(401).json({ message: 'Missing or invalid X-Token header' });
      return { noWebhookResponse: true };
    }
    const body = this.getBodyData();
    return { workflowData: [body.items.map((json) => ({ json }))] };
  }
}
module.exports = { Hook };
`;

const FAIL_NODE = `
const { NodeOperationError } = require('n8n-workflow');
class Fail {
  constructor() {
    this.description = {
      displayName: 'Fail', name: 'fail', group: ['transform'], version: 1, description: 'Always fails',
      defaults: { name: 'Fail' }, inputs: ['main'], outputs: ['main'], properties: [],
    };
  }
  async execute() {
    throw new NodeOperationError(this.getNode(), 'Submission 42-001 has no submission relationship', { itemIndex: 0 });
  }
}
module.exports = { Fail };
`;

function node(name: string, type: string, parameters: INodeParameters = {}, x = 0): INode {
  return { id: name, name, type, typeVersion: 1, position: [x, 0], parameters };
}

function chain(...names: string[]) {
  const connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> = {};
  for (let i = 0; i < names.length - 1; i++) {
    connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
  }
  return connections;
}

interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: unknown;
}

describe('runWorkflow', () => {
  let testPackage: TestPackage;
  let server: Server;
  let baseUrl: string;
  const received: ReceivedRequest[] = [];

  beforeAll(async () => {
    testPackage = createTestPackage({
      name: PACKAGE,
      nodes: { Echo: ECHO_NODE, HttpProbe: PROBE_NODE, Hook: HOOK_NODE, Fail: FAIL_NODE },
      credentials: { ProbeApi: PROBE_CREDENTIAL },
    });

    server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk) => (raw += chunk));
      request.on('end', () => {
        const body = JSON.parse(raw || 'null');
        received.push({ headers: request.headers, body });
        if (request.headers['x-api-key'] !== 'key-123') {
          response.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'bad key' }));
          return;
        }
        response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ stored: true, id: `item-${received.length}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    testPackage.remove();
  });

  beforeEach(() => {
    received.length = 0;
  });

  test('runs trigger items through a node', async () => {
    const result = await runWorkflow({
      packageDirs: [testPackage.dir],
      workflow: {
        nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), node('Echo', `${PACKAGE}.echo`, { value: 'hello' }, 200)],
        connections: chain('Start', 'Echo'),
      },
      triggerItems: [{ submission: { id: 'a' } }, { json: { submission: { id: 'b' } } }],
    });

    expect(result.status).toBe('success');
    expect(result.nodeExecutionOrder).toEqual(['Start', 'Echo']);
    expect(result.json('Echo')).toEqual([
      { submission: { id: 'a' }, echo: 'hello' },
      { submission: { id: 'b' }, echo: 'hello' },
    ]);
    expect(result.outputs.Echo[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
  });

  test('resolves expressions in parameters', async () => {
    const result = await runWorkflow({
      packageDirs: [testPackage.dir],
      workflow: {
        nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), node('Echo', `${PACKAGE}.echo`, { value: '={{ $json.name.toUpperCase() }}' }, 200)],
        connections: chain('Start', 'Echo'),
      },
      triggerItems: [{ name: 'ada' }],
    });

    expect(result.json('Echo')).toEqual([{ name: 'ada', echo: 'ADA' }]);
  });

  test('authenticates HTTP requests with test credentials', async () => {
    const result = await runWorkflow({
      packageDirs: [testPackage.dir],
      workflow: {
        nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), node('Probe', `${PACKAGE}.httpProbe`, {}, 200)],
        connections: chain('Start', 'Probe'),
      },
      triggerItems: [{ n: 1 }, { n: 2 }],
      credentials: { probeApi: { baseUrl, apiKey: 'key-123' } },
    });

    expect(result.status).toBe('success');
    expect(received).toHaveLength(2);
    expect(received[0].headers['x-api-key']).toBe('key-123');
    expect(received.map((request) => request.body)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(result.json('Probe')).toEqual([
      { n: 1, response: { stored: true, id: 'item-1' } },
      { n: 2, response: { stored: true, id: 'item-2' } },
    ]);
  });

  test('reports a remote failure as a failed run', async () => {
    const result = await runWorkflow({
      packageDirs: [testPackage.dir],
      workflow: {
        nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), node('Probe', `${PACKAGE}.httpProbe`, {}, 200)],
        connections: chain('Start', 'Probe'),
      },
      credentials: { probeApi: { baseUrl, apiKey: 'wrong-key' } },
    });

    expect(result.status).toBe('error');
    expect(received).toHaveLength(1);
    expect(result.errorMessage).toMatch(/403|forbidden|permission/i);
  });

  test('fails clearly without test credentials', async () => {
    const result = await runWorkflow({
      packageDirs: [testPackage.dir],
      workflow: {
        nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), node('Probe', `${PACKAGE}.httpProbe`, {}, 200)],
        connections: chain('Start', 'Probe'),
      },
    });

    expect(result.status).toBe('error');
    expect(result.errorMessage).toBe('Node does not have any credentials set for "probeApi"');
    expect(received).toHaveLength(0);
  });

  test('runs the workflow from a webhook request', async () => {
    const result = await runWorkflow({
      packageDirs: [testPackage.dir],
      workflow: {
        nodes: [node('Hook', `${PACKAGE}.hook`), node('Echo', `${PACKAGE}.echo`, { value: 'from hook' }, 200)],
        connections: chain('Hook', 'Echo'),
      },
      webhook: { request: { headers: { 'X-Token': 'letmein' }, body: { items: [{ id: 1 }, { id: 2 }] } } },
    });

    expect(result.status).toBe('success');
    expect(result.json('Hook')).toEqual([{ id: 1 }, { id: 2 }]);
    expect(result.json('Echo')).toEqual([
      { id: 1, echo: 'from hook' },
      { id: 2, echo: 'from hook' },
    ]);
  });

  test('returns the webhook response when nothing runs', async () => {
    const result = await runWorkflow({
      packageDirs: [testPackage.dir],
      workflow: {
        nodes: [node('Hook', `${PACKAGE}.hook`), node('Echo', `${PACKAGE}.echo`, {}, 200)],
        connections: chain('Hook', 'Echo'),
      },
      webhook: { request: { body: { items: [{ id: 1 }] } } },
    });

    expect(result.nodeExecutionOrder).toEqual([]);
    expect(result.webhook?.response.statusCode).toBe(401);
    expect(result.webhook?.response.body).toEqual({ message: 'Missing or invalid X-Token header' });
    expect(() => result.json('Echo')).toThrow(/did not run/);
  });

  test('reports a node error with its message', async () => {
    const result = await runWorkflow({
      packageDirs: [testPackage.dir],
      workflow: {
        nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), node('Fail', `${PACKAGE}.fail`, {}, 200)],
        connections: chain('Start', 'Fail'),
      },
    });

    expect(result.status).toBe('error');
    expect(result.errorMessage).toBe('Submission 42-001 has no submission relationship');
  });

  test('keeps going when the node continues on fail', async () => {
    const failing: INode = { ...node('Fail', `${PACKAGE}.fail`, {}, 200), onError: 'continueRegularOutput' };
    const result = await runWorkflow({
      packageDirs: [testPackage.dir],
      workflow: { nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), failing, node('Echo', `${PACKAGE}.echo`, {}, 400)], connections: chain('Start', 'Fail', 'Echo') },
    });

    expect(result.status).toBe('success');
    expect(result.run.data.resultData.runData.Fail[0].error?.message).toBe('Submission 42-001 has no submission relationship');
    // n8n passes the failed node's input on to the next node.
    expect(result.json('Echo')).toEqual([{ echo: 'echoed' }]);
  });

  test('names the missing node type', async () => {
    await expect(
      runWorkflow({
        packageDirs: [testPackage.dir],
        workflow: { nodes: [node('Start', 'n8n-nodes-base.manualTrigger'), node('X', `${PACKAGE}.missing`, {}, 200)], connections: chain('Start', 'X') },
      }),
    ).rejects.toThrow(`Node type "${PACKAGE}.missing" is not loaded`);
  });
});
