/**
 * Deploys the template workflows into a running n8n through its public API. It creates the
 * credentials (store, SOH API, CHS, Athena, audit key, and IMAP and SMTP when a mail server is
 * given) and the data tables the templates write to. It attaches the credentials to each node in
 * memory, because the files in `workflows/` never hold credentials, then creates and publishes the
 * workflows. The demo (`npm start`), the end-to-end tests and the benchmarks all use it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import axios from 'axios';
import type { N8nInstance } from '../n8n/harness';
import { MANUAL_HANDLING_COLUMNS, MANUAL_HANDLING_TABLE, PERSON_REVIEW_COLUMNS, PERSON_REVIEW_TABLE } from './templates/nodes';
import { TEMPLATE_FILES, TemplateKey, templatePath, TemplateWorkflow, WEBHOOK_IDS } from './templates/build';

export interface SimulatorEndpoint {
  /** Base URL, e.g. `http://127.0.0.1:5681`. */
  url: string;
  apiKey: string;
}

export interface MailEndpoint {
  host: string;
  imapPort: number;
  smtpPort: number;
  user: string;
  password: string;
}

export interface DeployOptions {
  simulators: { chs: SimulatorEndpoint; athena: SimulatorEndpoint };
  /** SQLite file of the Contact Hub Store (intake ledger, references, audit log). */
  storePath: string;
  /** Local IMAP and SMTP server; without it the email template is created but not published. */
  mail?: MailEndpoint;
  /** Templates to deploy; all of them when omitted. */
  templates?: TemplateKey[];
  /** Publish the workflows so their webhooks and triggers run (default true). */
  publish?: boolean;
  /** Change a template before it is created, e.g. to switch a form type off in a test. */
  transform?: (key: TemplateKey, workflow: TemplateWorkflow) => TemplateWorkflow;
}

export interface DeployedWorkflow {
  id: string;
  name: string;
  published: boolean;
}

export interface DeployedCredential {
  id: string;
  name: string;
  type: string;
}

export interface SohClient {
  clientId: string;
  clientSecret: string;
}

export interface AuditKey {
  keyId: string;
  secret: string;
  digestSalt: string;
}

export interface DeployResult {
  workflows: Partial<Record<TemplateKey, DeployedWorkflow>>;
  credentials: Record<string, DeployedCredential>;
  webhookUrls: { apiToChs: string; apiToChsAndAthena: string; operatorReviewForm: string };
  dataTables: Record<string, string>;
  soh: SohClient;
  auditKey: AuditKey;
}

const ALL_TEMPLATES = Object.keys(TEMPLATE_FILES) as TemplateKey[];

/** Credential data for each credential type the templates use. Field names follow the credential classes. */
interface CredentialDefinition {
  type: string;
  name: string;
  data: Record<string, unknown>;
}

function credentialDefinitions(options: DeployOptions, soh: SohClient, auditKey: AuditKey): CredentialDefinition[] {
  const definitions: CredentialDefinition[] = [
    {
      type: 'contactHubStoreApi',
      name: 'Contact Hub Store (demo SQLite)',
      data: { storeType: 'sqlite', sqlitePath: options.storePath },
    },
    {
      type: 'sohApi',
      name: 'SOH API (demo client)',
      data: { clientId: soh.clientId, clientSecret: soh.clientSecret },
    },
    {
      type: 'chsApi',
      name: 'CHS API (simulator)',
      data: { baseUrl: options.simulators.chs.url, authType: 'apiKey', apiKey: options.simulators.chs.apiKey },
    },
    {
      type: 'athenaApi',
      name: 'Athena API (simulator)',
      data: { baseUrl: options.simulators.athena.url, authType: 'apiKey', apiKey: options.simulators.athena.apiKey },
    },
    {
      type: 'contactHubAuditKeyApi',
      name: 'Contact Hub Audit Key (demo)',
      data: { algorithm: 'hmac-sha256', keyId: auditKey.keyId, secret: auditKey.secret, digestSalt: auditKey.digestSalt },
    },
  ];
  if (options.mail) {
    definitions.push(
      {
        type: 'imap',
        name: 'iHub inbox (local IMAP)',
        data: {
          user: options.mail.user,
          password: options.mail.password,
          host: options.mail.host,
          port: options.mail.imapPort,
          secure: false,
          allowUnauthorizedCerts: true,
        },
      },
      {
        type: 'smtp',
        name: 'Contact centre mail (local SMTP)',
        data: {
          user: '',
          password: '',
          host: options.mail.host,
          port: options.mail.smtpPort,
          secure: false,
          disableStartTls: true,
        },
      },
    );
  }
  return definitions;
}

/** GET a path of the editor's static type data, which n8n 2.x serves only to a signed-in user. */
async function getTypes<T>(n8n: N8nInstance, file: 'nodes.json' | 'credentials.json'): Promise<T> {
  const { cookie, browserId } = await n8n.setupOwner();
  const response = await axios.get(`${n8n.baseUrl}/types/${file}`, { timeout: 30_000, headers: { cookie, 'browser-id': browserId } });
  return response.data as T;
}

/** Default value of every field of every credential type the running n8n has loaded, by type name. */
async function credentialDefaults(n8n: N8nInstance): Promise<Map<string, Record<string, unknown>>> {
  const types = await getTypes<Array<{ name: string; properties?: Array<{ name: string; type: string; default?: unknown }> }>>(n8n, 'credentials.json');
  const defaults = new Map<string, Record<string, unknown>>();
  for (const type of types) {
    const fields = (type.properties ?? []).filter((property) => property.type !== 'notice' && property.type !== 'hidden' && property.default !== undefined);
    defaults.set(type.name, Object.fromEntries(fields.map((property) => [property.name, property.default])));
  }
  return defaults;
}

/** Credential types each node type declares, read from the node descriptions the running n8n serves. */
async function credentialTypesByNodeType(n8n: N8nInstance): Promise<Map<string, string[]>> {
  const descriptions = await getTypes<Array<{ name: string; credentials?: Array<{ name: string }> }>>(n8n, 'nodes.json');
  const byType = new Map<string, string[]>();
  for (const description of descriptions) {
    const names = (description.credentials ?? []).map((credential) => credential.name);
    byType.set(description.name, [...new Set([...(byType.get(description.name) ?? []), ...names])]);
  }
  return byType;
}

/** Attach every credential a node declares and that this deployment created. */
export function attachCredentials(
  workflow: TemplateWorkflow,
  credentialTypes: Map<string, string[]>,
  credentials: Record<string, DeployedCredential>,
): TemplateWorkflow {
  const nodes = workflow.nodes.map((node) => {
    const attached: Record<string, { id: string; name: string }> = {};
    for (const type of credentialTypes.get(node.type) ?? []) {
      const credential = credentials[type];
      if (credential) attached[type] = { id: credential.id, name: credential.name };
    }
    return Object.keys(attached).length > 0 ? { ...node, credentials: attached } : node;
  });
  return { ...workflow, nodes };
}

export function readTemplate(key: TemplateKey): TemplateWorkflow {
  return JSON.parse(readFileSync(templatePath(key), 'utf8')) as TemplateWorkflow;
}

async function createDataTable(n8n: N8nInstance, name: string, columns: readonly string[]): Promise<string> {
  const existing = await n8n.publicApi<{ data: Array<{ id: string; name: string }> }>('GET', '/data-tables', undefined, { limit: 250 });
  const found = existing.data.find((table) => table.name === name);
  if (found) return found.id;
  const created = await n8n.publicApi<{ id: string }>('POST', '/data-tables', {
    name,
    columns: columns.map((column) => ({ name: column, type: 'string' })),
  });
  return created.id;
}

/** Create credentials, data tables and workflows in `n8n`, and publish the workflows. */
export async function deployTemplates(n8n: N8nInstance, options: DeployOptions): Promise<DeployResult> {
  const soh: SohClient = { clientId: `ihub-demo-${randomBytes(4).toString('hex')}`, clientSecret: randomBytes(24).toString('base64url') };
  const auditKey: AuditKey = {
    keyId: `demo-${new Date().toISOString().slice(0, 10)}`,
    secret: randomBytes(32).toString('base64'),
    digestSalt: randomBytes(16).toString('hex'),
  };

  // The public API wants every field a credential type marks as required, even those with a default.
  const defaults = await credentialDefaults(n8n);
  const credentials: Record<string, DeployedCredential> = {};
  for (const definition of credentialDefinitions(options, soh, auditKey)) {
    try {
      const data = { ...(defaults.get(definition.type) ?? {}), ...definition.data };
      const created = await n8n.publicApi<{ id: string; name: string }>('POST', '/credentials', { ...definition, data });
      credentials[definition.type] = { id: created.id, name: created.name, type: definition.type };
    } catch (error) {
      throw new Error(`Creating the ${definition.type} credential in n8n failed: ${(error as Error).message}`);
    }
  }

  const dataTables: Record<string, string> = {
    [MANUAL_HANDLING_TABLE]: await createDataTable(n8n, MANUAL_HANDLING_TABLE, MANUAL_HANDLING_COLUMNS),
    [PERSON_REVIEW_TABLE]: await createDataTable(n8n, PERSON_REVIEW_TABLE, PERSON_REVIEW_COLUMNS),
  };

  const credentialTypes = await credentialTypesByNodeType(n8n);
  const keys = options.templates ?? ALL_TEMPLATES;
  const ordered = keys.includes('errorHandler') ? (['errorHandler', ...keys.filter((key) => key !== 'errorHandler')] as TemplateKey[]) : keys;
  const workflows: Partial<Record<TemplateKey, DeployedWorkflow>> = {};

  for (const key of ordered) {
    let workflow = attachCredentials(readTemplate(key), credentialTypes, credentials);
    if (options.transform) workflow = options.transform(key, workflow);
    const settings = { ...workflow.settings };
    if (key !== 'errorHandler' && workflows.errorHandler) settings.errorWorkflow = workflows.errorHandler.id;

    const created = await n8n.publicApi<{ id: string; name: string }>('POST', '/workflows', {
      name: workflow.name,
      nodes: workflow.nodes,
      connections: workflow.connections,
      settings,
    });
    const publishable = key !== 'emailToChs' || options.mail !== undefined;
    let published = false;
    if ((options.publish ?? true) && publishable) {
      try {
        // n8n 2.x runs an error workflow only when it is published, although it registers no trigger.
        await n8n.publishWorkflow(created.id, { expectTriggers: key !== 'errorHandler' });
        published = true;
      } catch (error) {
        throw new Error(`Publishing the template "${workflow.name}" (workflow ${created.id}) failed: ${(error as Error).message}`);
      }
    }
    workflows[key] = { id: created.id, name: created.name, published };
  }

  return {
    workflows,
    credentials,
    webhookUrls: {
      apiToChs: n8n.webhookUrl(`${WEBHOOK_IDS.apiToChs}/incidents`),
      apiToChsAndAthena: n8n.webhookUrl(`${WEBHOOK_IDS.apiToChsAndAthena}/incidents`),
      operatorReviewForm: `${n8n.baseUrl}/form/${WEBHOOK_IDS.operatorReview}`,
    },
    dataTables,
    soh,
    auditKey,
  };
}

/** Replace a workflow's nodes and connections in n8n and publish it again (used to switch a form type off). */
export async function updateWorkflow(n8n: N8nInstance, id: string, workflow: TemplateWorkflow & { settings?: Record<string, unknown> }): Promise<void> {
  await n8n.publicApi('PUT', `/workflows/${id}`, {
    name: workflow.name,
    nodes: workflow.nodes,
    connections: workflow.connections,
    settings: workflow.settings,
  });
  await n8n.publishWorkflow(id);
}
