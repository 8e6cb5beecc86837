import axios, { type AxiosInstance } from 'axios';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { ensureN8nInstalled } from './install';
import { installPackageIntoUserFolder, type InstalledPackage } from './package';
import { node24Binary } from './paths';

const execFileAsync = promisify(execFile);

const HOST = '127.0.0.1';
const DEFAULT_START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;
const STATE_FILE = 'harness.json';
const OWNER_FILE = 'owner.json';

/**
 * n8n settings this package recommends for production, used by the demo, the tests and the
 * benchmarks alike (docs/operations.md explains them).
 * - N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: n8n 2.41.1 gives every webhook request whose start node
 *   is not its own Webhook node a fresh expression isolate, whether or not an expression runs.
 *   With this setting the isolate is made only when an expression is evaluated. The n8n suite of
 *   `npm run bench` measures template workflow 1 with and without it.
 */
export const RECOMMENDED_ENV: Readonly<Record<string, string>> = {
  N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true',
};

/**
 * Environment for a quiet, offline n8n: everything that n8n 2.41.1's configuration
 * (packages/@n8n/config and the CLI modules) would otherwise fetch from n8n's own
 * services is switched off. Listen address, ports and user folder are added per instance.
 */
export const OFFLINE_ENV: Readonly<Record<string, string>> = {
  N8N_DIAGNOSTICS_ENABLED: 'false',
  N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
  N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
  N8N_TEMPLATES_ENABLED: 'false',
  N8N_HIRING_BANNER_ENABLED: 'false',
  N8N_DYNAMIC_BANNERS_ENABLED: 'false',
  N8N_PERSONALIZATION_ENABLED: 'false',
  N8N_AI_ENABLED: 'false',
  N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
  // Community packages stay enabled (this package is one), but n8n must not look them up in a registry.
  N8N_VERIFIED_PACKAGES_ENABLED: 'false',
  N8N_UNVERIFIED_PACKAGES_ENABLED: 'false',
  N8N_REINSTALL_MISSING_PACKAGES: 'false',
  N8N_MCP_COMMUNITY_NODE_DISCOVERY_ENABLED: 'false',
  // The MCP registry module refreshes a server list from n8n's registry at start-up and every few hours.
  N8N_DISABLED_MODULES: 'mcp-registry',
  N8N_SECURE_COOKIE: 'false',
  N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
  N8N_LOG_OUTPUT: 'console',
  N8N_LOG_LEVEL: 'info',
  DB_SQLITE_POOL_SIZE: '2',
  EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
  EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
};

export interface StartN8nOptions {
  /** Folder for n8n's `.n8n` data, log and state file. The harness creates a temporary folder when this is omitted. */
  userFolder?: string;
  /** HTTP port. The harness picks a free port when this is omitted. */
  port?: number;
  /** Extra environment, applied after the offline defaults. */
  env?: Record<string, string>;
  /** Log file for n8n's stdout and stderr, `<userFolder>/n8n.log` by default. */
  logFile?: string;
  /** Package folder to install as a community package, this repository by default. */
  packageDir?: string;
  /** Skip installing a package, for a user folder that already has it. */
  skipPackageInstall?: boolean;
  startTimeoutMs?: number;
}

export interface OwnerSession {
  email: string;
  password: string;
  /** `Cookie` header value with n8n's auth cookie. */
  cookie: string;
  /** Value of the `browser-id` header that n8n ties the auth cookie to, so send both. */
  browserId: string;
  /** Key for the public API (`X-N8N-API-KEY`), with every scope the owner role allows. */
  apiKey: string;
}

export interface WorkflowJson {
  id?: string;
  name: string;
  nodes: unknown[];
  connections: Record<string, unknown>;
  settings?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface CredentialJson {
  id?: string;
  name: string;
  type: string;
  /** Decrypted credential data, which n8n encrypts on import. */
  data: Record<string, unknown>;
}

export interface NodeTypeSummary {
  name: string;
  displayName: string;
  version: number | number[];
}

export interface ExecutionQuery {
  workflowId?: string;
  status?: 'success' | 'error' | 'waiting' | 'running' | 'canceled';
  limit?: number;
  includeData?: boolean;
}

export interface ExecutionSummary {
  id: string;
  workflowId: string;
  status: string;
  finished: boolean;
  mode: string;
  startedAt: string;
  stoppedAt: string | null;
  data?: {
    resultData: {
      runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> }; error?: unknown }>>;
      error?: { message: string };
    };
  };
}

/** The run data `n8n execute --rawOutput` prints. */
export interface CliRunResult {
  status?: string;
  finished?: boolean;
  data: {
    resultData: {
      runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> }; error?: { message: string } }>>;
      error?: { message: string; description?: string };
      lastNodeExecuted?: string;
    };
  };
}

interface HarnessState {
  pid: number;
  port: number;
  userFolder: string;
  logFile: string;
}

/** Finds a free TCP port on 127.0.0.1 by binding port 0 and releasing it. */
export async function findFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not read the port of a probe server on 127.0.0.1'));
      });
    });
  });
}

function readLogTail(logFile: string, lines = 40): string {
  if (!existsSync(logFile)) return '(no log written)';
  return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function delay(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Kills the process group that `spawn({ detached: true })` created, so n8n's task runner goes too. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** A running n8n started by `startN8n` or found again by `attachN8n`. */
export class N8nInstance {
  readonly baseUrl: string;

  private owner: OwnerSession | undefined;

  private readonly http: AxiosInstance;

  /** Set for a temporary user folder the harness created; CONTACT_HUB_KEEP_N8N=1 keeps it for debugging. */
  removeUserFolderOnStop = false;

  constructor(
    readonly pid: number,
    readonly port: number,
    readonly userFolder: string,
    readonly logFile: string,
    private readonly env: Record<string, string>,
    private readonly child?: ChildProcess,
  ) {
    this.baseUrl = `http://${HOST}:${port}`;
    this.http = axios.create({ baseURL: this.baseUrl, validateStatus: () => true, timeout: 30_000 });
  }

  /** Production URL of a Webhook-style node: `<base>/webhook/<path>`, where path is often `<webhookId>/<path>`. */
  webhookUrl(webhookPath: string): string {
    return `${this.baseUrl}/webhook/${webhookPath.replace(/^\/+/, '')}`;
  }

  /** Test URL that a manual "listen for test event" run uses. */
  webhookTestUrl(webhookPath: string): string {
    return `${this.baseUrl}/webhook-test/${webhookPath.replace(/^\/+/, '')}`;
  }

  /**
   * Creates the owner account through the REST API (once per instance) and returns a
   * logged-in session cookie and a public API key. Later calls return the same session.
   */
  async setupOwner(email = 'owner@example.com', password = `Owner-${randomBytes(6).toString('hex')}1`): Promise<OwnerSession> {
    if (this.owner) return this.owner;
    const ownerFile = path.join(this.userFolder, OWNER_FILE);
    if (existsSync(ownerFile)) {
      this.owner = JSON.parse(readFileSync(ownerFile, 'utf8')) as OwnerSession;
      return this.owner;
    }

    const browserId = randomUUID();
    const setup = await this.http.post(
      '/rest/owner/setup',
      { email, firstName: 'Contact Hub', lastName: 'Owner', password },
      { headers: { 'browser-id': browserId } },
    );
    if (setup.status !== 200) {
      throw new Error(`Creating the n8n owner failed: HTTP ${setup.status} ${JSON.stringify(setup.data)}`);
    }
    const authCookie = (setup.headers['set-cookie'] ?? []).find((cookie) => cookie.startsWith('n8n-auth='));
    if (!authCookie) throw new Error('n8n created the owner but set no n8n-auth cookie');
    const cookie = authCookie.split(';')[0];
    const headers = { cookie, 'browser-id': browserId };

    const scopes = await this.http.get('/rest/api-keys/scopes', { headers });
    if (scopes.status !== 200) {
      throw new Error(`Reading API key scopes failed: HTTP ${scopes.status} ${JSON.stringify(scopes.data)}`);
    }
    const created = await this.http.post(
      '/rest/api-keys',
      { label: 'contact-hub-harness', scopes: scopes.data.data, expiresAt: null },
      { headers },
    );
    if (created.status !== 200) {
      throw new Error(`Creating a public API key failed: HTTP ${created.status} ${JSON.stringify(created.data)}`);
    }

    this.owner = { email, password, cookie, browserId, apiKey: created.data.data.rawApiKey };
    // Kept so a later process (the CLI, a demo script) can act as the owner of this instance.
    writeFileSync(ownerFile, JSON.stringify(this.owner, null, 2), { mode: 0o600 });
    return this.owner;
  }

  private async ownerHeaders(): Promise<Record<string, string>> {
    const { cookie, browserId } = await this.setupOwner();
    return { cookie, 'browser-id': browserId };
  }

  /** Sends a request to n8n's internal REST API (`/rest/...`) as the owner and returns `data` from the response. */
  async rest<T = unknown>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', route: string, body?: unknown): Promise<T> {
    const response = await this.http.request({ method, url: `/rest${route}`, data: body, headers: await this.ownerHeaders() });
    if (response.status >= 300) {
      throw new Error(`n8n REST ${method} /rest${route} failed: HTTP ${response.status} ${JSON.stringify(response.data)}`);
    }
    return response.data.data as T;
  }

  /** Sends a request to n8n's public API (`/api/v1/...`) with the owner's API key. */
  async publicApi<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', route: string, body?: unknown, params?: Record<string, unknown>): Promise<T> {
    const { apiKey } = await this.setupOwner();
    const response = await this.http.request({
      method,
      url: `/api/v1${route}`,
      data: body,
      params,
      headers: { 'X-N8N-API-KEY': apiKey },
    });
    if (response.status >= 300) {
      throw new Error(`n8n public API ${method} /api/v1${route} failed: HTTP ${response.status} ${JSON.stringify(response.data)}`);
    }
    return response.data as T;
  }

  /**
   * Imports a workflow with `n8n import:workflow`, keeping its id (a new id is added when it
   * has none), so templates keep their ids and webhook ids. Returns the workflow id.
   * The workflow is imported unpublished, so call `publishWorkflow` to serve its webhooks.
   */
  async importWorkflow(workflow: WorkflowJson | string): Promise<string> {
    const json: WorkflowJson = typeof workflow === 'string' ? JSON.parse(readFileSync(workflow, 'utf8')) : { ...workflow };
    json.id ??= randomBytes(8).toString('hex');
    const file = this.writeImportFile('workflow', json);
    await this.runCli(['import:workflow', `--input=${file}`]);
    return json.id;
  }

  /**
   * Imports credentials with `n8n import:credentials`, keeping their ids so workflows that
   * refer to them by id resolve. Data is given decrypted, and n8n encrypts it with this instance's key.
   */
  async importCredentials(credentials: CredentialJson | CredentialJson[]): Promise<string[]> {
    const list = (Array.isArray(credentials) ? credentials : [credentials]).map((credential) => ({
      ...credential,
      id: credential.id ?? randomBytes(8).toString('hex'),
    }));
    const file = this.writeImportFile('credentials', list);
    await this.runCli(['import:credentials', `--input=${file}`]);
    return list.map((credential) => credential.id);
  }

  /**
   * Publishes (activates) a workflow through the public API and waits until n8n has
   * registered its triggers and webhooks. n8n 2.41.1 activates after the publish request
   * has returned, and only then stores the workflow's trigger count (0 until activated).
   * An error workflow (Error Trigger only) registers no trigger, so give `expectTriggers: false`
   * to wait only until its newest version is the active one.
   */
  async publishWorkflow(workflowId: string, { timeoutMs = 30_000, expectTriggers = true }: { timeoutMs?: number; expectTriggers?: boolean } = {}): Promise<void> {
    const route = `/workflows/${encodeURIComponent(workflowId)}`;
    await this.publicApi('POST', `${route}/publish`, {});

    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // A re-publish keeps the earlier version's triggers registered, so the trigger count alone
      // cannot tell that the new version is live: the active version must be the saved one too.
      const workflow = await this.publicApi<{ triggerCount?: number; versionId?: string; activeVersionId?: string | null }>('GET', route);
      const newestIsActive = workflow.versionId === undefined || workflow.activeVersionId === workflow.versionId;
      const live = expectTriggers ? (workflow.triggerCount ?? 0) > 0 : Boolean(workflow.activeVersionId);
      if (live && newestIsActive) return;

      const activationError = await this.rest<{ error?: string } | null>('GET', `/active-workflows/error/${encodeURIComponent(workflowId)}`);
      if (activationError?.error) throw new Error(`Publishing workflow ${workflowId} failed: ${activationError.error}`);
      if (Date.now() > deadline) {
        const missing = expectTriggers ? 'registered no trigger' : 'did not make its newest version active';
        throw new Error(`Workflow ${workflowId} was published but n8n ${missing} within ${timeoutMs} ms. See ${this.logFile}`);
      }
      await delay(250);
    }
  }

  async unpublishWorkflow(workflowId: string): Promise<void> {
    await this.publicApi('POST', `/workflows/${encodeURIComponent(workflowId)}/unpublish`, {});
  }

  /** Node types this n8n has loaded, from the node descriptions it serves to the editor. */
  async listNodeTypes(): Promise<NodeTypeSummary[]> {
    const response = await this.http.get('/types/nodes.json', { headers: await this.ownerHeaders() });
    if (response.status !== 200) throw new Error(`Reading /types/nodes.json failed: HTTP ${response.status}`);
    return (response.data as NodeTypeSummary[]).map(({ name, displayName, version }) => ({ name, displayName, version }));
  }

  /** Credential type names this n8n has loaded. */
  async listCredentialTypes(): Promise<string[]> {
    const response = await this.http.get('/types/credentials.json', { headers: await this.ownerHeaders() });
    if (response.status !== 200) throw new Error(`Reading /types/credentials.json failed: HTTP ${response.status}`);
    return (response.data as Array<{ name: string }>).map(({ name }) => name);
  }

  /** Executions, newest first, from the public API. */
  async executions(query: ExecutionQuery = {}): Promise<ExecutionSummary[]> {
    const { data } = await this.publicApi<{ data: ExecutionSummary[] }>('GET', '/executions', undefined, {
      workflowId: query.workflowId,
      status: query.status,
      limit: query.limit ?? 100,
      includeData: query.includeData ?? false,
    });
    return data;
  }

  /** Polls until the workflow has at least `count` finished executions, or throws after `timeoutMs`. */
  async waitForExecutions(workflowId: string, count = 1, timeoutMs = 30_000): Promise<ExecutionSummary[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const finished = (await this.executions({ workflowId, includeData: true })).filter(
        (execution) => execution.status !== 'running' && execution.status !== 'new',
      );
      if (finished.length >= count) return finished;
      if (Date.now() > deadline) {
        throw new Error(`Timed out after ${timeoutMs} ms waiting for ${count} finished execution(s) of workflow ${workflowId}: found ${finished.length}`);
      }
      await delay(250);
    }
  }

  /**
   * Runs a workflow once with `n8n execute` (a separate n8n process on the same database),
   * which also runs workflows that start with a Manual Trigger and cannot be published.
   * Returns the run data, also for a failed run, which has `data.resultData.error` set.
   */
  async executeWorkflow(workflowId: string): Promise<CliRunResult> {
    let output: string;
    try {
      output = await this.runCli(['execute', `--id=${workflowId}`, '--rawOutput'], { N8N_LOG_LEVEL: 'info' });
    } catch (error) {
      // n8n exits non-zero when the run fails but still prints the run data.
      output = (error as Error).message;
    }
    const start = output.indexOf('\n{');
    const json = start >= 0 ? output.slice(start + 1) : output.startsWith('{') ? output : undefined;
    const end = json?.lastIndexOf('\n}');
    if (json === undefined || end === undefined || end < 0) throw new Error(`n8n execute --id=${workflowId} printed no run data:\n${output}`);
    return JSON.parse(json.slice(0, end + 2)) as CliRunResult;
  }

  /** Runs an n8n CLI command against this instance's user folder and database. */
  async runCli(args: string[], env: Record<string, string> = {}): Promise<string> {
    const entryPoint = ensureN8nInstalled();
    // A CLI process that starts a task runner needs its own broker port next to the running server.
    const brokerPort = String(await findFreePort());
    try {
      const { stdout } = await execFileAsync(node24Binary(), [entryPoint, ...args], {
        env: { ...this.env, N8N_RUNNERS_BROKER_PORT: brokerPort, ...env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      });
      return stdout;
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`n8n ${args.join(' ')} failed: ${failure.message}\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
    }
  }

  /** Stops n8n and its child processes: SIGTERM to the process group, then SIGKILL after 20 seconds. */
  async stop(): Promise<void> {
    if (!isAlive(this.pid)) return;
    const exited = this.child
      ? new Promise<void>((resolve) => {
          if (this.child!.exitCode !== null || this.child!.signalCode !== null) resolve();
          else this.child!.once('exit', () => resolve());
        })
      : undefined;

    killGroup(this.pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (isAlive(this.pid) && Date.now() < deadline) await delay(200);
    if (isAlive(this.pid)) killGroup(this.pid, 'SIGKILL');
    if (exited) await exited;
    unregisterForExit(this.pid);
    if (this.removeUserFolderOnStop) rmSync(this.userFolder, { recursive: true, force: true });
  }

  /** Lets n8n outlive this process (the CLI's `start`). Stop it later with `attachN8n(userFolder)?.stop()`. */
  detach(): void {
    unregisterForExit(this.pid);
    this.child?.unref();
  }

  private writeImportFile(kind: string, content: unknown): string {
    const dir = path.join(this.userFolder, 'imports');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${kind}-${Date.now()}-${randomBytes(4).toString('hex')}.json`);
    writeFileSync(file, JSON.stringify(content, null, 2));
    return file;
  }
}

// Process groups to kill if the calling process exits without stopping them (a crashed test run).
const runningGroups = new Set<number>();
let exitHandlerInstalled = false;

function registerForExit(pid: number): void {
  runningGroups.add(pid);
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.once('exit', () => {
    for (const groupPid of runningGroups) killGroup(groupPid, 'SIGKILL');
  });
}

function unregisterForExit(pid: number): void {
  runningGroups.delete(pid);
}

export function n8nEnvironment(userFolder: string, port: number, brokerPort: number, extra: Record<string, string> = {}): Record<string, string> {
  // Settings of the calling process must not leak in: jest sets NODE_ENV=test, with which n8n exits at start-up.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] =>
        entry[1] !== undefined && !entry[0].startsWith('N8N_') && !entry[0].startsWith('JEST_') && entry[0] !== 'NODE_ENV',
    ),
  );
  return {
    ...inherited,
    ...OFFLINE_ENV,
    ...RECOMMENDED_ENV,
    NODE_ENV: 'production',
    N8N_USER_FOLDER: userFolder,
    N8N_LISTEN_ADDRESS: HOST,
    N8N_HOST: HOST,
    N8N_PORT: String(port),
    N8N_PROTOCOL: 'http',
    N8N_EDITOR_BASE_URL: `http://${HOST}:${port}`,
    N8N_WEBHOOK_URL: `http://${HOST}:${port}/`,
    N8N_RUNNERS_BROKER_LISTEN_ADDRESS: HOST,
    N8N_RUNNERS_BROKER_PORT: String(brokerPort),
    // Our Node 24 first on PATH, so the task runner n8n spawns uses it too.
    PATH: `${path.dirname(node24Binary())}:${process.env.PATH ?? ''}`,
    ...extra,
  };
}

/** Throws n8n's reason when it could not load the package, because n8n 2.41.1 logs that and starts without the package. */
function assertPackageLoaded(logFile: string, packageName: string): void {
  const lines = readFileSync(logFile, 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(`Failed to load package "${packageName}"`));
  if (index < 0) return;
  const reason = lines.slice(index, index + 30).find((line) => /^\w*Error\b/.test(line)) ?? lines[index];
  throw new Error(`n8n could not load ${packageName}: ${reason}. Run \`npm run build\` and fix the build errors. Full log: ${logFile}`);
}

async function waitUntilReady(instance: N8nInstance, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const probe = axios.create({ baseURL: instance.baseUrl, validateStatus: () => true, timeout: 2_000 });
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `n8n exited during start-up (code ${child.exitCode}, signal ${child.signalCode}). Log ${instance.logFile}:\n${readLogTail(instance.logFile)}`,
      );
    }
    try {
      // /healthz returns 200 as soon as the port is open, even during database migrations,
      // but /healthz/readiness returns 200 only once n8n has fully started.
      const health = await probe.get('/healthz');
      if (health.status === 200 && (await probe.get('/healthz/readiness')).status === 200) return;
    } catch {
      // Connection refused while n8n starts: keep polling until the deadline.
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for n8n's /healthz/readiness to return 200. Log ${instance.logFile}:\n${readLogTail(instance.logFile)}`);
    }
    await delay(500);
  }
}

/**
 * Starts the pinned n8n on 127.0.0.1 with this package (or `packageDir`) installed as a
 * community package, and waits until `/healthz` and `/healthz/readiness` return 200. Installs n8n into
 * the cache first when needed. The caller must `stop()` the instance, and a process exit kills it too.
 */
export async function startN8n(options: StartN8nOptions = {}): Promise<N8nInstance & { installedPackage?: InstalledPackage }> {
  const entryPoint = ensureN8nInstalled();

  const userFolder = options.userFolder ?? mkdtempSync(path.join(tmpdir(), 'contact-hub-n8n-'));
  mkdirSync(userFolder, { recursive: true });
  const installedPackage = options.skipPackageInstall
    ? undefined
    : installPackageIntoUserFolder(userFolder, { packageDir: options.packageDir });

  const port = options.port ?? (await findFreePort());
  const brokerPort = await findFreePort();
  const logFile = options.logFile ?? path.join(userFolder, 'n8n.log');
  const env = n8nEnvironment(userFolder, port, brokerPort, options.env);

  const logFd = openSync(logFile, 'a');
  const child = spawn(node24Binary(), [entryPoint, 'start'], {
    env,
    cwd: userFolder,
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  if (child.pid === undefined) throw new Error(`Could not start n8n with ${node24Binary()} ${entryPoint}`);
  registerForExit(child.pid);

  const instance = Object.assign(new N8nInstance(child.pid, port, userFolder, logFile, env, child), { installedPackage });
  instance.removeUserFolderOnStop = options.userFolder === undefined && options.logFile === undefined && process.env.CONTACT_HUB_KEEP_N8N !== '1';
  writeFileSync(
    path.join(userFolder, STATE_FILE),
    JSON.stringify({ pid: child.pid, port, userFolder, logFile } satisfies HarnessState, null, 2),
  );

  try {
    await waitUntilReady(instance, child, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS);
    if (installedPackage) assertPackageLoaded(logFile, installedPackage.name);
  } catch (error) {
    // Keep the user folder, so the log that the error points to is still there.
    instance.removeUserFolderOnStop = false;
    await instance.stop();
    throw error;
  }
  return instance;
}

/** Finds an n8n that `startN8n` left running in `userFolder` (for the CLI's stop and status commands). */
export function attachN8n(userFolder: string): N8nInstance | undefined {
  const stateFile = path.join(userFolder, STATE_FILE);
  if (!existsSync(stateFile)) return undefined;
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as HarnessState;
  if (!isAlive(state.pid)) return undefined;
  const env = n8nEnvironment(state.userFolder, state.port, 0);
  return new N8nInstance(state.pid, state.port, state.userFolder, state.logFile, env);
}
