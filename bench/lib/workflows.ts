/**
 * Deploys the two workflows the n8n benchmarks load into a running n8n through its public API.
 * One is template workflow 1 (iHub Standard API to CHS, `workflows/ihub-api-to-chs.json`) with its
 * credentials. The other is the baseline: the built-in Webhook node followed by Respond to Webhook.
 * Also builds the signed requests iHub would send, each with its own submission id.
 */
import axios from 'axios';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreConfig } from '../../core/store';
import { attachCredentials, readTemplate, type DeployedCredential } from '../../scripts/demo/deploy';
import { WEBHOOK_IDS } from '../../scripts/demo/templates/build';
import { MANUAL_HANDLING_COLUMNS, MANUAL_HANDLING_TABLE } from '../../scripts/demo/templates/nodes';
import type { N8nInstance } from '../../scripts/n8n/harness';

const SUBMISSION_FIXTURE = join(__dirname, '..', '..', 'test', 'fixtures', 'e2e', 'ocr-bicycle-theft.json');
const SUBMISSION_ID_TOKEN = '__BENCH_SUBMISSION_ID__';

export interface SohClientSecrets {
  clientId: string;
  clientSecret: string;
  signingSecret: string;
}

export interface BenchDeployment {
  templateWorkflowId: string;
  baselineWorkflowId: string;
  /** Webhook paths under `/webhook/`. */
  templatePath: string;
  baselinePath: string;
  soh: SohClientSecrets;
}

export interface BenchDeployOptions {
  store: StoreConfig;
  chs: { url: string; apiKey: string };
}

/** Store credential data as the Contact Hub Store credential reads it. */
function storeCredentialData(config: StoreConfig): Record<string, unknown> {
  if (config.type === 'sqlite') return { storeType: 'sqlite', sqlitePath: config.path };
  return {
    storeType: 'postgres',
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: config.password ?? '',
    schema: config.schema ?? '',
    sslMode: 'disable',
  };
}

/** Reads the node and credential descriptions the running n8n serves to a signed-in user. */
async function editorTypes<T>(n8n: N8nInstance, file: 'nodes.json' | 'credentials.json'): Promise<T> {
  const owner = await n8n.setupOwner();
  const response = await axios.get(`${n8n.baseUrl}/types/${file}`, { timeout: 30_000, headers: { cookie: owner.cookie, 'browser-id': owner.browserId } });
  return response.data as T;
}

/** Returns the baseline workflow: built-in Webhook → Respond to Webhook with a 201 and a small JSON:API body. */
function baselineWorkflow(path: string): { name: string; nodes: unknown[]; connections: Record<string, unknown>; settings: Record<string, unknown> } {
  return {
    name: 'Benchmark baseline: Webhook to Respond to Webhook',
    nodes: [
      {
        id: randomUUID(),
        name: 'Webhook',
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: [0, 0],
        webhookId: randomUUID(),
        parameters: { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} },
      },
      {
        id: randomUUID(),
        name: 'Respond 201',
        type: 'n8n-nodes-base.respondToWebhook',
        typeVersion: 1.5,
        position: [300, 0],
        parameters: {
          respondWith: 'json',
          responseBody: "={{ JSON.stringify({ data: { type: 'receipt', attributes: { status: 'accepted' } } }) }}",
          options: { responseCode: 201, responseHeaders: { entries: [{ name: 'Content-Type', value: 'application/vnd.api+json' }] } },
        },
      },
    ],
    connections: { Webhook: { main: [[{ node: 'Respond 201', type: 'main', index: 0 }]] } },
    settings: { executionOrder: 'v1' },
  };
}

/** Creates the credentials, the manual-handling data table and both workflows, and publishes the workflows. */
export async function deployBenchWorkflows(n8n: N8nInstance, options: BenchDeployOptions): Promise<BenchDeployment> {
  const soh: SohClientSecrets = {
    clientId: `ihub-bench-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(24).toString('base64url'),
    signingSecret: randomBytes(24).toString('base64url'),
  };
  const definitions = [
    { type: 'contactHubStoreApi', name: 'Contact Hub Store (benchmark)', data: storeCredentialData(options.store) },
    {
      type: 'sohApi',
      name: 'SOH API (benchmark)',
      data: {
        clientIdHeader: 'X-Client-Id',
        clientId: soh.clientId,
        clientSecretHeader: 'X-Client-Secret',
        clientSecret: soh.clientSecret,
        requireSignature: true,
        signatureHeader: 'X-Signature',
        timestampHeader: 'X-Timestamp',
        signingSecret: soh.signingSecret,
        previousSigningSecret: '',
        toleranceSeconds: 300,
      },
    },
    { type: 'chsApi', name: 'CHS API (simulator)', data: { baseUrl: options.chs.url, authType: 'apiKey', apiKey: options.chs.apiKey } },
    {
      type: 'contactHubAuditKeyApi',
      name: 'Contact Hub Audit Key (benchmark)',
      data: { algorithm: 'hmac-sha256', keyId: 'bench', secret: randomBytes(32).toString('base64'), digestSalt: randomBytes(16).toString('hex') },
    },
    // NOTE: nothing listens on this SMTP port. Only the manual-handling branch sends email, and a
    // benchmark submission that reaches it shows up as a missing CHS incident in the drain check.
    { type: 'smtp', name: 'Contact centre mail (unused)', data: { user: '', password: '', host: '127.0.0.1', port: 2525, secure: false, disableStartTls: true } },
  ];

  // The public API wants every field a credential type marks as required, even those with a default.
  const credentialTypes = await editorTypes<Array<{ name: string; properties?: Array<{ name: string; type: string; default?: unknown }> }>>(n8n, 'credentials.json');
  const defaults = new Map(
    credentialTypes.map((type) => [
      type.name,
      Object.fromEntries(
        (type.properties ?? [])
          .filter((property) => property.type !== 'notice' && property.type !== 'hidden' && property.default !== undefined)
          .map((property) => [property.name, property.default]),
      ),
    ]),
  );
  const credentials: Record<string, DeployedCredential> = {};
  for (const definition of definitions) {
    const data = { ...(defaults.get(definition.type) ?? {}), ...definition.data };
    const created = await n8n.publicApi<{ id: string; name: string }>('POST', '/credentials', { ...definition, data });
    credentials[definition.type] = { id: created.id, name: created.name, type: definition.type };
  }
  await n8n.publicApi('POST', '/data-tables', { name: MANUAL_HANDLING_TABLE, columns: MANUAL_HANDLING_COLUMNS.map((column) => ({ name: column, type: 'string' })) });

  const nodeTypes = await editorTypes<Array<{ name: string; credentials?: Array<{ name: string }> }>>(n8n, 'nodes.json');
  const credentialsByNodeType = new Map<string, string[]>();
  for (const description of nodeTypes) {
    const names = (description.credentials ?? []).map((credential) => credential.name);
    credentialsByNodeType.set(description.name, [...new Set([...(credentialsByNodeType.get(description.name) ?? []), ...names])]);
  }

  const create = async (workflow: { name: string; nodes: unknown[]; connections: Record<string, unknown>; settings: Record<string, unknown> }): Promise<string> => {
    const created = await n8n.publicApi<{ id: string }>('POST', '/workflows', workflow);
    await n8n.publishWorkflow(created.id);
    return created.id;
  };
  const template = attachCredentials(readTemplate('apiToChs'), credentialsByNodeType, credentials);
  const templateWorkflowId = await create({ name: template.name, nodes: template.nodes, connections: template.connections, settings: template.settings });
  const baselinePath = `bench-baseline-${randomBytes(4).toString('hex')}`;
  const baselineWorkflowId = await create(baselineWorkflow(baselinePath));

  return { templateWorkflowId, baselineWorkflowId, templatePath: `${WEBHOOK_IDS.apiToChs}/incidents`, baselinePath, soh };
}

/** Returns a function that builds the e2e bicycle theft fixture as a body with the given submission id. */
export function submissionBodyFactory(): (submissionId: string) => string {
  const document = JSON.parse(readFileSync(SUBMISSION_FIXTURE, 'utf8')) as { included: Array<{ type: string; attributes: Record<string, unknown> }> };
  const submission = document.included.find((entry) => entry.type === 'submission');
  if (!submission) throw new Error(`${SUBMISSION_FIXTURE} has no submission resource, so no submission id can be set`);
  submission.attributes.submissionId = SUBMISSION_ID_TOKEN;
  const text = JSON.stringify(document);
  return (submissionId) => text.replace(SUBMISSION_ID_TOKEN, submissionId);
}

/** Returns the headers iHub sends: client id and secret, and the HMAC-SHA256 of `<timestamp>.<body>`. */
export function signedHeaders(soh: SohClientSecrets, body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', soh.signingSecret).update(`${timestamp}.${body}`).digest('hex');
  return { 'x-client-id': soh.clientId, 'x-client-secret': soh.clientSecret, 'x-timestamp': timestamp, 'x-signature': signature };
}
