/**
 * What the fault tests share: the CHS and Athena simulators, a local mail server, the Contact Hub
 * Store in a fresh PostgreSQL schema, deployment of the iHub-to-CHS-and-Athena template and the
 * reconciler template into a running n8n, a burst of submissions, and the checks that every
 * submission answered 201 ends with one CHS incident, one Athena occurrence, a completed ledger
 * entry and an audit trail in a chain that verifies.
 */
import axios from 'axios';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { openAuditLog } from '../../core/audit/auditLog';
import { createAuditKey } from '../../core/audit/keys';
import type { VerifyReport } from '../../core/audit/verify';
import { openStore, type ContactHubStore, type LedgerEntry, type StoreConfig } from '../../core/store';
import { attachCredentials, readTemplate, type DeployedCredential } from '../../scripts/demo/deploy';
import { startLocalMailServer, type LocalMailServer } from '../../scripts/demo/mailServer';
import { WEBHOOK_IDS, type TemplateWorkflow } from '../../scripts/demo/templates/build';
import { MANUAL_HANDLING_COLUMNS, MANUAL_HANDLING_TABLE, PERSON_REVIEW_COLUMNS, PERSON_REVIEW_TABLE } from '../../scripts/demo/templates/nodes';
import { RECONCILER_NODE_NAME } from '../../scripts/demo/templates/reconciler';
import type { N8nInstance } from '../../scripts/n8n/harness';
import { DEFAULT_POSTGRES } from '../../scripts/n8n/queueMode';
import { startAthenaSimulator, type AthenaSimulator } from '../../simulators/athena/server';
import { createChsSimulator, type ChsSimulator } from '../../simulators/chs';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'e2e', 'ocr-bicycle-theft.json');

export interface ReconcilerSettings {
  thresholdMinutes: number;
  leaseMinutes: number;
  maxAttempts: number;
  maxPerPoll: number;
}

export interface FaultDeployment {
  apiWorkflowId: string;
  reconcilerWorkflowId: string;
  soh: { clientId: string; clientSecret: string };
  /** Path of the intake webhook under `/webhook/`. */
  intakePath: string;
}

export interface SimulatorHandle {
  url: string;
  apiKey: string;
}

/** One sent submission and what iHub would have seen. */
export interface SentSubmission {
  submissionId: string;
  status: number;
  reference?: string;
  body?: unknown;
  error?: string;
}

/** Store credential data as the Contact Hub Store credential reads it. */
export function storeCredentialData(config: StoreConfig): Record<string, unknown> {
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

export class FaultEnvironment {
  chs!: ChsSimulator;
  athena!: AthenaSimulator;
  mail!: LocalMailServer;
  readonly chsApiKey = `chs-${randomBytes(8).toString('hex')}`;
  readonly athenaApiKey = `athena-${randomBytes(8).toString('hex')}`;
  readonly auditKey = { keyId: 'fault-tests', secret: randomBytes(32).toString('base64'), digestSalt: randomBytes(16).toString('hex') };
  readonly storeConfig: StoreConfig;
  private chsPort = 0;

  constructor(readonly folder: string) {
    mkdirSync(folder, { recursive: true });
    this.storeConfig = { type: 'postgres', ...DEFAULT_POSTGRES, schema: `contact_hub_faults_${randomBytes(5).toString('hex')}`, maxConnections: 6 };
  }

  async start(): Promise<void> {
    await this.startChs();
    this.athena = await startAthenaSimulator({
      port: 0,
      databasePath: path.join(this.folder, 'athena.sqlite'),
      apiKeys: [this.athenaApiKey],
      log: { file: path.join(this.folder, 'athena-requests.log') },
    });
    this.mail = await startLocalMailServer();
    // Creating the schema and its tables before n8n starts keeps the first submissions from racing the migrations.
    const store = await openStore(this.storeConfig);
    await store.close();
  }

  /** Starts the CHS simulator, on the port it had before when it is restarted, with the same database. */
  async startChs(): Promise<void> {
    this.chs = await createChsSimulator({
      port: this.chsPort,
      host: '127.0.0.1',
      databasePath: path.join(this.folder, 'chs.sqlite'),
      auth: { apiKey: this.chsApiKey },
      log: { file: path.join(this.folder, 'chs-requests.log') },
    });
    this.chsPort = Number(new URL(this.chs.url).port);
  }

  async stopChs(): Promise<void> {
    await this.chs.close();
  }

  async openStore(): Promise<ContactHubStore> {
    return openStore(this.storeConfig);
  }

  async stop(): Promise<void> {
    await this.chs?.close().catch(() => undefined);
    await this.athena?.close().catch(() => undefined);
    await this.mail?.close().catch(() => undefined);
    if (this.storeConfig.type === 'postgres') {
      const client = new Client(DEFAULT_POSTGRES);
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${this.storeConfig.schema}" CASCADE`);
      } finally {
        await client.end();
      }
    }
  }

  /**
   * Creates the credentials and data tables, and the intake and reconciler workflows with
   * `settings` applied to the reconciler, then publishes both.
   */
  async deploy(n8n: N8nInstance, settings: ReconcilerSettings, transform: (workflow: TemplateWorkflow) => TemplateWorkflow = (workflow) => workflow): Promise<FaultDeployment> {
    const soh = { clientId: `ihub-${randomBytes(4).toString('hex')}`, clientSecret: randomBytes(24).toString('base64url') };
    const definitions = [
      { type: 'contactHubStoreApi', name: 'Contact Hub Store (fault tests)', data: storeCredentialData(this.storeConfig) },
      { type: 'sohApi', name: 'SOH API (fault tests)', data: { clientIdHeader: 'X-Client-Id', clientId: soh.clientId, clientSecretHeader: 'X-Client-Secret', clientSecret: soh.clientSecret } },
      { type: 'chsApi', name: 'CHS API (simulator)', data: { baseUrl: this.chs.url, authType: 'apiKey', apiKey: this.chsApiKey } },
      { type: 'athenaApi', name: 'Athena API (simulator)', data: { baseUrl: this.athena.url, authType: 'apiKey', apiKey: this.athenaApiKey } },
      { type: 'contactHubAuditKeyApi', name: 'Contact Hub Audit Key (fault tests)', data: { algorithm: 'hmac-sha256', ...this.auditKey } },
      {
        type: 'smtp',
        name: 'Contact centre mail (local SMTP)',
        data: { user: '', password: '', host: this.mail.host, port: this.mail.smtpPort, secure: false, disableStartTls: true },
      },
    ];
    const credentials: Record<string, DeployedCredential> = {};
    for (const definition of definitions) {
      const created = await n8n.publicApi<{ id: string; name: string }>('POST', '/credentials', definition);
      credentials[definition.type] = { id: created.id, name: created.name, type: definition.type };
    }
    for (const [table, columns] of [
      [MANUAL_HANDLING_TABLE, MANUAL_HANDLING_COLUMNS],
      [PERSON_REVIEW_TABLE, PERSON_REVIEW_COLUMNS],
    ] as const) {
      await n8n.publicApi('POST', '/data-tables', { name: table, columns: columns.map((column) => ({ name: column, type: 'string' })) });
    }

    const owner = await n8n.setupOwner();
    const nodeTypes = (
      await axios.get(`${n8n.baseUrl}/types/nodes.json`, { timeout: 30_000, headers: { cookie: owner.cookie, 'browser-id': owner.browserId } })
    ).data as Array<{ name: string; credentials?: Array<{ name: string }> }>;
    const credentialTypes = new Map<string, string[]>();
    for (const description of nodeTypes) {
      const names = (description.credentials ?? []).map((credential) => credential.name);
      credentialTypes.set(description.name, [...new Set([...(credentialTypes.get(description.name) ?? []), ...names])]);
    }

    const create = async (workflow: TemplateWorkflow): Promise<string> => {
      const attached = attachCredentials(transform(workflow), credentialTypes, credentials);
      const created = await n8n.publicApi<{ id: string }>('POST', '/workflows', {
        name: attached.name,
        nodes: attached.nodes,
        connections: attached.connections,
        settings: attached.settings,
      });
      await n8n.publishWorkflow(created.id);
      return created.id;
    };

    const apiWorkflowId = await create(readTemplate('apiToChsAndAthena'));
    const reconciler = readTemplate('reconciler');
    reconciler.nodes = reconciler.nodes.map((node) =>
      node.name === RECONCILER_NODE_NAME ? { ...node, parameters: { ...node.parameters, ...settings, finalStep: 'written-to-athena' } } : node,
    );
    const reconcilerWorkflowId = await create(reconciler);
    return { apiWorkflowId, reconcilerWorkflowId, soh, intakePath: `${WEBHOOK_IDS.apiToChsAndAthena}/incidents` };
  }

  async chsIncidents(submissionId: string): Promise<Array<Record<string, unknown>>> {
    const response = await axios.get(`${this.chs.url}/api/v1/incidents`, {
      params: { externalReference: submissionId },
      headers: { 'X-API-Key': this.chsApiKey },
    });
    return response.data.items;
  }

  async athenaOccurrences(submissionId: string): Promise<Array<Record<string, unknown>>> {
    const response = await axios.get(`${this.athena.url}/api/v1/occurrences`, {
      params: { externalReference: submissionId },
      headers: { 'X-API-Key': this.athenaApiKey },
    });
    return response.data.items;
  }
}

/** The e2e bicycle theft fixture with a new submission id. */
export function submissionDocument(submissionId: string): string {
  const document = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { included: Array<{ type: string; attributes: Record<string, unknown> }> };
  document.included.find((entry) => entry.type === 'submission')!.attributes.submissionId = submissionId;
  return JSON.stringify(document);
}

export function newSubmissionIds(prefix: string, count: number): string[] {
  const run = randomBytes(3).toString('hex');
  return Array.from({ length: count }, (_, index) => `${prefix}-${run}-${String(index + 1).padStart(3, '0')}`);
}

/** POSTs one submission the way iHub does. A connection error or timeout counts as no answer. */
export async function sendOne(url: string, soh: FaultDeployment['soh'], submissionId: string, timeoutMs = 90_000): Promise<SentSubmission> {
  try {
    const response = await axios.post(url, submissionDocument(submissionId), {
      headers: { 'content-type': 'application/vnd.api+json', 'x-client-id': soh.clientId, 'x-client-secret': soh.clientSecret },
      validateStatus: () => true,
      timeout: timeoutMs,
    });
    return { submissionId, status: response.status, reference: response.data?.data?.attributes?.reference, body: response.data };
  } catch (error) {
    return { submissionId, status: 0, error: (error as Error).message };
  }
}

/**
 * Sends submissions with `concurrency` requests in flight, calling `onAnswer` after each answer
 * so a test can break something in the middle of the burst.
 */
export async function sendBurst(
  url: string,
  soh: FaultDeployment['soh'],
  submissionIds: string[],
  concurrency: number,
  onAnswer: (answered: SentSubmission[]) => void | Promise<void> = () => undefined,
  timeoutMs = 90_000,
): Promise<SentSubmission[]> {
  const answered: SentSubmission[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < submissionIds.length) {
      const submissionId = submissionIds[next];
      next += 1;
      answered.push(await sendOne(url, soh, submissionId, timeoutMs));
      await onAnswer(answered);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => lane()));
  return answered;
}

export async function delay(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until every listed ledger entry is `completed`, or returns the entries that are not when time runs out. */
export async function waitForCompleted(env: FaultEnvironment, submissionIds: string[], timeoutMs: number): Promise<LedgerEntry[]> {
  const deadline = Date.now() + timeoutMs;
  const store = await env.openStore();
  try {
    for (;;) {
      const unfinished: LedgerEntry[] = [];
      for (const submissionId of submissionIds) {
        const entry = await store.intake.get(submissionId).catch(() => null);
        if (!entry || entry.state !== 'completed') unfinished.push(entry ?? ({ submissionId, state: 'missing' } as unknown as LedgerEntry));
      }
      if (unfinished.length === 0 || Date.now() > deadline) return unfinished;
      await delay(2_000);
    }
  } finally {
    await store.close();
  }
}

export interface SubmissionOutcome {
  submissionId: string;
  state: string | undefined;
  chsIncidents: number;
  athenaOccurrences: number;
  reference: string | null | undefined;
  auditSteps: string[];
}

/** Collects what the simulators, the ledger and the audit log hold for each submission. */
export async function outcomes(env: FaultEnvironment, submissionIds: string[]): Promise<SubmissionOutcome[]> {
  const store = await env.openStore();
  try {
    const auditLog = openAuditLog(store);
    const result: SubmissionOutcome[] = [];
    for (const submissionId of submissionIds) {
      const entry = await store.intake.get(submissionId);
      const trail = await auditLog.trail({ submissionId });
      result.push({
        submissionId,
        state: entry?.state,
        chsIncidents: (await env.chsIncidents(submissionId)).length,
        athenaOccurrences: (await env.athenaOccurrences(submissionId)).length,
        reference: entry?.reference,
        auditSteps: trail.filter(({ event }) => event.outcome === 'success').map(({ event }) => event.step),
      });
    }
    return result;
  } finally {
    await store.close();
  }
}

/** Verifies the whole audit chain with the deployment's key. */
export async function verifyAuditChain(env: FaultEnvironment): Promise<VerifyReport> {
  const store = await env.openStore();
  try {
    const key = createAuditKey({ keyId: env.auditKey.keyId, algorithm: 'hmac-sha256', secret: env.auditKey.secret });
    return await openAuditLog(store, { key, digestSalt: env.auditKey.digestSalt }).verify({ key, digestSalt: env.auditKey.digestSalt });
  } finally {
    await store.close();
  }
}

/** Lists every allocated reference in the store, to check that no two submissions share one. */
export async function allReferences(env: FaultEnvironment): Promise<Array<{ scope: string; submissionId: string; reference: string }>> {
  const store = await env.openStore();
  try {
    return await store.db.query<{ scope: string; submissionId: string; reference: string }>(
      'SELECT scope, submission_id AS "submissionId", reference FROM contact_hub_references',
    );
  } finally {
    await store.close();
  }
}

const FINISH_TIMEOUT_MS = 5 * 60_000;
const EXPECTED_AUDIT_STEPS = ['received', 'reference-allocated', 'written-to-chs', 'written-to-athena'];

/**
 * Checks the end state of one scenario. Every submission the ledger holds must be completed, and
 * every one that got a 201 response must be in the ledger. Each has one CHS incident, one Athena
 * occurrence and its audit events, and keeps the reference from its 201 response. The whole audit
 * chain must verify.
 */
export async function expectEveryAcceptedSubmissionFinished(env: FaultEnvironment, sent: SentSubmission[]): Promise<void> {
  const accepted = sent.filter((answer) => answer.status === 201);
  expect(accepted.length).toBeGreaterThan(0);

  const store = await env.openStore();
  const inLedger: string[] = [];
  try {
    for (const answer of sent) if (await store.intake.get(answer.submissionId)) inLedger.push(answer.submissionId);
  } finally {
    await store.close();
  }
  for (const answer of accepted) expect({ submissionId: answer.submissionId, inLedger: inLedger.includes(answer.submissionId) }).toEqual({ submissionId: answer.submissionId, inLedger: true });

  const unfinished = await waitForCompleted(env, inLedger, FINISH_TIMEOUT_MS);
  expect(unfinished.map((entry) => ({ submissionId: entry.submissionId, state: entry.state, lastError: entry.lastError }))).toEqual([]);

  const results = await outcomes(env, sent.map((answer) => answer.submissionId));
  const references = await allReferences(env);
  for (const result of results) {
    const answer = sent.find((candidate) => candidate.submissionId === result.submissionId)!;
    if (!inLedger.includes(result.submissionId)) {
      // Never stored, so iHub was not answered 201 and sends it again; nothing may have been written.
      expect({ submissionId: result.submissionId, chs: result.chsIncidents, athena: result.athenaOccurrences }).toEqual({ submissionId: result.submissionId, chs: 0, athena: 0 });
      continue;
    }
    expect({ submissionId: result.submissionId, state: result.state, chs: result.chsIncidents, athena: result.athenaOccurrences }).toEqual({
      submissionId: result.submissionId,
      state: 'completed',
      chs: 1,
      athena: 1,
    });
    for (const step of EXPECTED_AUDIT_STEPS) {
      expect({ submissionId: result.submissionId, step, audited: result.auditSteps.includes(step) }).toEqual({ submissionId: result.submissionId, step, audited: true });
    }
    const kept = references.filter((row) => row.submissionId === result.submissionId);
    expect({ submissionId: result.submissionId, references: kept.length }).toEqual({ submissionId: result.submissionId, references: 1 });
    if (answer.status === 201 && answer.reference) expect(kept[0].reference).toBe(answer.reference);
  }

  const byReference = new Map<string, string[]>();
  for (const row of references) byReference.set(`${row.scope}:${row.reference}`, [...(byReference.get(`${row.scope}:${row.reference}`) ?? []), row.submissionId]);
  expect([...byReference.entries()].filter(([, ids]) => ids.length > 1)).toEqual([]);

  const verify = await verifyAuditChain(env);
  expect(verify.firstProblem).toBeUndefined();
  expect(verify.ok).toBe(true);
}
