/**
 * Starts everything a Contact Hub run needs on 127.0.0.1: the CHS and Athena simulators, a local
 * IMAP and SMTP server, and a real n8n with this package installed, then deploys the templates.
 * The demo (`npm start`) uses fixed ports; the end-to-end tests use free ports and temporary folders.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import { openAuditLog } from '../../core/audit/auditLog';
import { createAuditKey } from '../../core/audit/keys';
import type { VerifyReport } from '../../core/audit/verify';
import { REPLAYED_RESPONSE_HEADER } from '../../core/sdm';
import { openStore } from '../../core/store';
import { startAthenaSimulator } from '../../simulators/athena/server';
import { createChsSimulator } from '../../simulators/chs';
import type { RequestLogDestination } from '../../simulators/common';
import { N8nInstance, OwnerSession, startN8n } from '../n8n/harness';
import { deployTemplates, DeployOptions, DeployResult } from './deploy';
import { LocalMailServer, startLocalMailServer } from './mailServer';

export interface ContactHubEnvironmentOptions {
  /** Folder for n8n's user folder, the store and the simulators' databases. */
  dataDir: string;
  /** 0 or omitted: free ports. */
  ports?: { n8n?: number; chs?: number; athena?: number };
  /** Destination of the simulators' request log; a file in `dataDir` when omitted. */
  simulatorLog?: RequestLogDestination;
  /** Passed to `deployTemplates`. */
  templates?: DeployOptions['templates'];
  transform?: DeployOptions['transform'];
  /** Called before each step, for progress output. */
  onStep?: (step: string) => void;
}

export interface ContactHubEnvironment {
  n8n: N8nInstance;
  owner: OwnerSession;
  chs: { url: string; apiKey: string; close(): Promise<void> };
  athena: { url: string; apiKey: string; close(): Promise<void> };
  mail: LocalMailServer;
  storePath: string;
  deployment: DeployResult;
  stop(): Promise<void>;
}

/** Start the simulators, the mail server and n8n, and deploy the templates. Stops what it started if a step fails. */
export async function startContactHubEnvironment(options: ContactHubEnvironmentOptions): Promise<ContactHubEnvironment> {
  const step = options.onStep ?? (() => undefined);
  mkdirSync(options.dataDir, { recursive: true });
  const simulatorDir = path.join(options.dataDir, 'simulators');
  mkdirSync(simulatorDir, { recursive: true });
  const log = options.simulatorLog ?? { file: path.join(simulatorDir, 'requests.log') };
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`Stopping a demo component failed: ${(error as Error).message}\n`);
      }
    }
    cleanups.length = 0;
  };

  try {
    step('Starting the CHS simulator');
    const chsApiKey = `chs-${randomBytes(12).toString('hex')}`;
    const chs = await createChsSimulator({
      port: options.ports?.chs ?? 0,
      host: '127.0.0.1',
      databasePath: path.join(simulatorDir, 'chs.sqlite'),
      auth: { apiKey: chsApiKey },
      log,
    });
    cleanups.push(() => chs.close());

    step('Starting the Athena simulator');
    const athenaApiKey = `athena-${randomBytes(12).toString('hex')}`;
    const athena = await startAthenaSimulator({
      port: options.ports?.athena ?? 0,
      databasePath: path.join(simulatorDir, 'athena.sqlite'),
      apiKeys: [athenaApiKey],
      log,
    });
    cleanups.push(() => athena.close());

    step('Starting a local IMAP and SMTP server');
    const mail = await startLocalMailServer();
    cleanups.push(() => mail.close());

    step('Starting n8n with this package installed (the first run installs n8n, about 5 minutes)');
    // Europe/London, so times that n8n shows and forms record are UK times.
    const n8n = await startN8n({ userFolder: path.join(options.dataDir, 'n8n'), port: options.ports?.n8n, env: { GENERIC_TIMEZONE: 'Europe/London' } });
    cleanups.push(() => n8n.stop());
    const owner = await n8n.setupOwner();

    step('Importing credentials and templates, and publishing them');
    const storePath = path.join(options.dataDir, 'contact-hub.sqlite');
    const deployment = await deployTemplates(n8n, {
      simulators: { chs: { url: chs.url, apiKey: chsApiKey }, athena: { url: athena.url, apiKey: athenaApiKey } },
      storePath,
      mail: { host: mail.host, imapPort: mail.imapPort, smtpPort: mail.smtpPort, user: mail.user, password: mail.password },
      templates: options.templates,
      transform: options.transform,
    });
    for (const [key, url] of [
      ['apiToChs', deployment.webhookUrls.apiToChs],
      ['apiToChsAndAthena', deployment.webhookUrls.apiToChsAndAthena],
    ] as const) {
      if (deployment.workflows[key]?.published) await waitForWebhook(url);
    }

    return {
      n8n,
      owner,
      chs: { url: chs.url, apiKey: chsApiKey, close: () => chs.close() },
      athena: { url: athena.url, apiKey: athenaApiKey, close: () => athena.close() },
      mail,
      storePath,
      deployment,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Wait until n8n serves a published SOH Trigger at `url`. An unauthenticated POST gets 401 once the
 * webhook is registered (and stores nothing) and 404 before, which n8n returns for a short while
 * after a workflow is published again.
 */
export async function waitForWebhook(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // A re-publish first keeps the old registration, then removes and adds the webhook again, so
  // one answer other than 404 is not enough: the webhook must stay registered for a while.
  const requiredAnswers = 8;
  let answersInARow = 0;
  for (;;) {
    const response = await axios.post(url, '{}', { headers: { 'content-type': 'application/json' }, validateStatus: () => true, timeout: 10_000 });
    answersInARow = response.status === 404 ? 0 : answersInARow + 1;
    if (answersInARow >= requiredAnswers) return;
    if (Date.now() > deadline) throw new Error(`n8n did not register the webhook ${url} within ${timeoutMs} ms; it still returns 404. Check the workflow is published and the n8n log.`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface SubmissionAnswer {
  status: number;
  body: unknown;
  reference?: string;
  /** True when the trigger served a re-delivery from the intake ledger (`Idempotent-Replayed: true`). */
  replayed: boolean;
}

/** POST an SDM document to a SOH Trigger the way iHub does, with the client id and secret headers. */
export async function sendSubmission(
  url: string,
  document: unknown,
  client: { clientId: string; clientSecret: string },
): Promise<SubmissionAnswer> {
  const response = await axios.post(url, typeof document === 'string' ? document : JSON.stringify(document), {
    headers: {
      'content-type': 'application/vnd.api+json',
      'x-client-id': client.clientId,
      'x-client-secret': client.clientSecret,
    },
    validateStatus: () => true,
    timeout: 60_000,
    transformResponse: (data: string) => {
      try {
        return JSON.parse(data);
      } catch {
        return data;
      }
    },
  });
  const body = response.data as { data?: { attributes?: { reference?: string } } };
  const replayed = String(response.headers[REPLAYED_RESPONSE_HEADER.toLowerCase()] ?? '') === 'true';
  return { status: response.status, body, reference: body?.data?.attributes?.reference, replayed };
}

export interface AuditTrailSummary {
  events: Array<{ sequence: number; step: string; action: string; outcome: string; occurredAtLondon: string; targetSystem?: string; recordId?: string }>;
  verify: VerifyReport;
}

/** Read the audit trail of a submission from the store and verify the whole chain with the deployment's key. */
export async function readAuditTrail(storePath: string, deployment: DeployResult, submissionId: string): Promise<AuditTrailSummary> {
  const store = await openStore({ type: 'sqlite', path: storePath });
  try {
    const key = createAuditKey({ keyId: deployment.auditKey.keyId, algorithm: 'hmac-sha256', secret: deployment.auditKey.secret });
    const auditLog = openAuditLog(store, { key, digestSalt: deployment.auditKey.digestSalt });
    const trail = await auditLog.trail({ submissionId });
    const verify = await auditLog.verify({ key, digestSalt: deployment.auditKey.digestSalt });
    const events = trail.map(({ event }) => {
      return {
        sequence: event.sequence,
        step: event.step,
        action: event.action,
        outcome: event.outcome,
        occurredAtLondon: event.occurredAtLondon,
        targetSystem: event.targetSystem,
        recordId: event.targetRecordId,
      };
    });
    return { events, verify };
  } finally {
    await store.close();
  }
}
