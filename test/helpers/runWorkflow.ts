/**
 * Runs workflow JSON through n8n's real execution engine (n8n-core `WorkflowExecute`)
 * with the nodes of a built package, without an n8n server. See test/README.md.
 */
import './n8nTestEnvironment';

import { ExecutionLifecycleHooks, PackageDirectoryLoader, WebhookContext, WorkflowExecute } from 'n8n-core';
import {
  createRunExecutionData,
  NodeHelpers,
  Workflow,
  type ICredentialType,
  type IConnections,
  type IDataObject,
  type INode,
  type INodeExecutionData,
  type INodeType,
  type INodeTypes,
  type IRun,
  type IRunExecutionData,
  type IVersionedNodeType,
  type IWebhookData,
  type IWebhookResponseData,
  type IWorkflowBase,
  type IWorkflowExecuteAdditionalData,
  type WorkflowExecuteMode,
} from 'n8n-workflow';
import path from 'node:path';

import { FakeCredentialsHelper, type CredentialsByType } from './fakeCredentialsHelper';
import { createFakeWebhookRequest, createFakeWebhookResponse, type FakeWebhookRequestInit, type FakeWebhookResponse } from './fakeWebhookHttp';
import { STAND_IN_NODE_TYPES } from './standInNodes';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface LoadedPackage {
  packageName: string;
  /** Full node type names (`<package>.<node>`) mapped to their classes. */
  nodeTypes: Record<string, INodeType | IVersionedNodeType>;
  credentialTypes: Record<string, ICredentialType>;
}

export interface WorkflowJson {
  id?: string;
  name?: string;
  nodes: INode[];
  connections: IConnections;
  settings?: IWorkflowBase['settings'];
  staticData?: IDataObject;
}

export interface WebhookInput {
  /** Name of the webhook node in the workflow, the start node by default. */
  nodeName?: string;
  request: FakeWebhookRequestInit;
  /** `default` unless the node describes several webhooks (for example `setup`). */
  webhookName?: string;
}

export interface RunWorkflowOptions {
  workflow: WorkflowJson;
  /** Built package folders to load nodes from, this repository (its `dist/`) by default. */
  packageDirs?: string[];
  /** Node the run starts at, by default the workflow's trigger or its first node without inputs. */
  startNode?: string;
  /** Items the start node outputs, one empty item by default. Ignored with `webhook`. */
  triggerItems?: Array<INodeExecutionData | IDataObject>;
  /** Calls the start node's `webhook()` with a fake request and runs the workflow on what it returns. */
  webhook?: WebhookInput;
  /** Decrypted credential data by credential type name, returned to `getCredentials`. */
  credentials?: CredentialsByType;
  /** `trigger` by default, so trigger nodes pass the seeded items through as in production. */
  mode?: WorkflowExecuteMode;
  /** Extra node types for this run, by full type name (test-only nodes). */
  extraNodeTypes?: Record<string, INodeType | IVersionedNodeType>;
}

export interface RunWorkflowResult {
  run: IRun;
  status: IRun['status'];
  /** The workflow-level error message, when the run failed. */
  errorMessage?: string;
  nodeExecutionOrder: string[];
  /** Outputs of each node's last run: one array of items per output. */
  outputs: Record<string, INodeExecutionData[][]>;
  /** JSON of a node's items on one output (0 by default), from its last run. */
  json(nodeName: string, outputIndex?: number): IDataObject[];
  /** What `webhook()` returned and what it wrote to the response, when `webhook` was given. */
  webhook?: { result: IWebhookResponseData; response: FakeWebhookResponse };
}

const packageCache = new Map<string, Promise<LoadedPackage>>();

/** Loads a built package with n8n-core's `PackageDirectoryLoader`, as n8n does at start-up. Cached per folder. */
export async function loadPackage(packageDir: string = REPO_ROOT): Promise<LoadedPackage> {
  const resolved = path.resolve(packageDir);
  let loaded = packageCache.get(resolved);
  if (!loaded) {
    loaded = (async () => {
      const loader = new PackageDirectoryLoader(resolved);
      await loader.loadAll();
      const nodeTypes: LoadedPackage['nodeTypes'] = {};
      for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
        nodeTypes[`${loader.packageName}.${name}`] = type;
      }
      const credentialTypes: LoadedPackage['credentialTypes'] = {};
      for (const [name, { type }] of Object.entries(loader.credentialTypes)) credentialTypes[name] = type;
      return { packageName: loader.packageName, nodeTypes, credentialTypes };
    })();
    packageCache.set(resolved, loaded);
    loaded.catch(() => packageCache.delete(resolved));
  }
  return await loaded;
}

/** Creates a node-types registry over the given classes, in the shape `Workflow` and `WorkflowExecute` expect. */
export function createNodeTypes(types: Record<string, INodeType | IVersionedNodeType>): INodeTypes {
  const lookup = (name: string): INodeType | IVersionedNodeType => {
    const type = types[name];
    if (!type) {
      throw new Error(
        `Node type "${name}" is not loaded. Loaded types: ${Object.keys(types).sort().join(', ')}. ` +
          'Build the package (npm run build), list the node in package.json n8n.nodes, or pass it in extraNodeTypes.',
      );
    }
    return type;
  };
  return {
    getByName: lookup,
    getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(lookup(name), version),
    getKnownTypes: () => Object.fromEntries(Object.keys(types).map((name) => [name, {}])),
  };
}

function toExecutionItem(item: INodeExecutionData | IDataObject, index: number): INodeExecutionData {
  const isExecutionItem = typeof item.json === 'object' && item.json !== null && !Array.isArray(item.json);
  const executionItem = isExecutionItem ? (item as INodeExecutionData) : { json: item as IDataObject };
  return { pairedItem: { item: index }, ...executionItem };
}

function findStartNode(workflow: Workflow, startNode: string | undefined): INode {
  if (startNode) {
    const node = workflow.getNode(startNode);
    if (!node) throw new Error(`Start node "${startNode}" is not in the workflow`);
    return node;
  }
  const node = workflow.getStartNode() ?? Object.values(workflow.nodes).find((candidate) => !workflow.connectionsByDestinationNode[candidate.name]);
  if (!node) throw new Error('The workflow has no start node: every node has an incoming connection. Pass startNode.');
  return node;
}

/** Credentials the node's description declares and the test supplied, added where the workflow JSON names none. */
function attachCredentials(nodes: INode[], nodeTypes: INodeTypes, credentials: CredentialsByType): INode[] {
  return nodes.map((node) => {
    let declared: string[] = [];
    try {
      declared = (nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials ?? []).map(({ name }) => name);
    } catch {
      // Unknown node types are reported by Workflow with the list of loaded types.
      return node;
    }
    const attached = { ...(node.credentials ?? {}) };
    for (const type of declared) {
      if (credentials[type] && !attached[type]) attached[type] = { id: `test-${type}`, name: `Test ${type}` };
    }
    return { ...node, credentials: attached };
  });
}

function buildAdditionalData(hooks: ExecutionLifecycleHooks, credentialsHelper: FakeCredentialsHelper): IWorkflowExecuteAdditionalData {
  const notAvailable = (feature: string) => async () => {
    throw new Error(`${feature} is not available in in-process workflow tests. Test it against a real n8n (test/n8n).`);
  };
  const base = 'http://127.0.0.1:5678';
  const additionalData: Partial<IWorkflowExecuteAdditionalData> = {
    credentialsHelper,
    hooks,
    executionId: '1',
    currentNodeExecutionIndex: 0,
    restApiUrl: `${base}/rest`,
    instanceBaseUrl: base,
    formBaseUrl: `${base}/form`,
    formWaitingBaseUrl: `${base}/form-waiting`,
    formTestBaseUrl: `${base}/form-test`,
    webhookBaseUrl: `${base}/webhook`,
    webhookWaitingBaseUrl: `${base}/webhook-waiting`,
    webhookTestBaseUrl: `${base}/webhook-test`,
    mcpBaseUrl: `${base}/mcp`,
    mcpTestBaseUrl: `${base}/mcp-test`,
    variables: {},
    executeWorkflow: notAvailable('Executing a sub-workflow'),
    getRunExecutionData: async () => undefined,
    getRuntimeCredential: async () => undefined,
    logAiEvent: () => {},
    startRunnerTask: notAvailable('The Code node task runner'),
  };
  return additionalData as IWorkflowExecuteAdditionalData;
}

async function callWebhook(
  workflow: Workflow,
  node: INode,
  additionalData: IWorkflowExecuteAdditionalData,
  mode: WorkflowExecuteMode,
  input: WebhookInput,
): Promise<{ result: IWebhookResponseData; response: FakeWebhookResponse }> {
  const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
  if (typeof nodeType.webhook !== 'function') throw new Error(`Node "${node.name}" (${node.type}) has no webhook() method`);

  const request = createFakeWebhookRequest(input.request);
  const response = createFakeWebhookResponse();
  additionalData.httpRequest = request;
  additionalData.httpResponse = response.express;

  const webhookName = input.webhookName ?? 'default';
  const description = nodeType.description.webhooks?.find((webhook) => webhook.name === webhookName);
  if (!description) throw new Error(`Node "${node.name}" describes no "${webhookName}" webhook`);
  const webhookData: IWebhookData = {
    httpMethod: request.method as IWebhookData['httpMethod'],
    node: node.name,
    path: String(node.parameters.path ?? ''),
    webhookDescription: description,
    workflowId: workflow.id,
    workflowExecuteAdditionalData: additionalData,
    webhookId: node.webhookId,
  };
  const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
  const result = await nodeType.webhook.call(context);
  return { result, response };
}

function collectOutputs(run: IRun): Record<string, INodeExecutionData[][]> {
  const outputs: Record<string, INodeExecutionData[][]> = {};
  for (const [nodeName, taskData] of Object.entries(run.data.resultData.runData)) {
    const last = taskData[taskData.length - 1];
    outputs[nodeName] = (last?.data?.main ?? []).map((items) => items ?? []);
  }
  return outputs;
}

/**
 * Runs a workflow in-process: loads the packages, builds a `Workflow`, puts the start node on
 * the execution stack with the given items (or with what its `webhook()` returned), runs
 * `WorkflowExecute.processRunExecutionData` and returns every node's output.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<RunWorkflowResult> {
  const packages = await Promise.all((options.packageDirs ?? [REPO_ROOT]).map((dir) => loadPackage(dir)));
  const types = Object.assign({}, STAND_IN_NODE_TYPES, ...packages.map((loaded) => loaded.nodeTypes), options.extraNodeTypes ?? {});
  const credentialTypes = Object.assign({}, ...packages.map((loaded) => loaded.credentialTypes));
  const nodeTypes = createNodeTypes(types);
  const credentials = options.credentials ?? {};

  const workflow = new Workflow({
    id: options.workflow.id ?? 'test-workflow',
    name: options.workflow.name ?? 'Test workflow',
    nodes: attachCredentials(options.workflow.nodes, nodeTypes, credentials),
    connections: options.workflow.connections,
    settings: options.workflow.settings ?? { executionOrder: 'v1' },
    staticData: options.workflow.staticData,
    active: false,
    nodeTypes,
  });
  const mode: WorkflowExecuteMode = options.mode ?? (options.webhook ? 'webhook' : 'trigger');
  const startNode = findStartNode(workflow, options.webhook?.nodeName ?? options.startNode);

  const workflowData = { id: workflow.id, name: workflow.name, nodes: options.workflow.nodes, connections: options.workflow.connections } as IWorkflowBase;
  const hooks = new ExecutionLifecycleHooks(mode, '1', workflowData);
  const nodeExecutionOrder: string[] = [];
  hooks.addHandler('nodeExecuteAfter', (nodeName) => {
    nodeExecutionOrder.push(nodeName);
  });
  let resolveFinished: (run: IRun) => void = () => {};
  const finished = new Promise<IRun>((resolve) => {
    resolveFinished = resolve;
  });
  hooks.addHandler('workflowExecuteAfter', (run) => resolveFinished(run));

  const credentialsHelper = new FakeCredentialsHelper(credentials, credentialTypes);
  const additionalData = buildAdditionalData(hooks, credentialsHelper);

  let webhook: RunWorkflowResult['webhook'];
  let startOutput: INodeExecutionData[][];
  if (options.webhook) {
    webhook = await callWebhook(workflow, startNode, additionalData, mode, options.webhook);
    startOutput = webhook.result.workflowData ?? [];
  } else {
    startOutput = [(options.triggerItems ?? [{ json: {} }]).map(toExecutionItem)];
  }

  // A trigger or webhook node on the stack outputs its input unchanged in a non-manual mode.
  const nodeExecutionStack = startOutput.some((items) => items.length > 0) ? [{ node: startNode, data: { main: startOutput }, source: null }] : [];
  const runExecutionData: IRunExecutionData = createRunExecutionData({ executionData: { nodeExecutionStack } });

  if (nodeExecutionStack.length === 0) {
    // The webhook answered without starting a run (for example a rejected signature).
    const run = { data: runExecutionData, status: 'success', finished: true, mode, startedAt: new Date() } as unknown as IRun;
    return buildResult(run, nodeExecutionOrder, webhook);
  }

  const execution = new WorkflowExecute(additionalData, mode, runExecutionData);
  await execution.processRunExecutionData(workflow);
  const run = await finished;
  return buildResult(run, nodeExecutionOrder, webhook);
}

function buildResult(run: IRun, nodeExecutionOrder: string[], webhook: RunWorkflowResult['webhook']): RunWorkflowResult {
  const outputs = collectOutputs(run);
  return {
    run,
    status: run.status,
    errorMessage: run.data.resultData.error?.message,
    nodeExecutionOrder,
    outputs,
    json: (nodeName, outputIndex = 0) => {
      if (!outputs[nodeName]) {
        throw new Error(`Node "${nodeName}" did not run. Nodes that ran: ${Object.keys(outputs).join(', ') || 'none'}`);
      }
      return (outputs[nodeName][outputIndex] ?? []).map((item) => item.json);
    },
    webhook,
  };
}
