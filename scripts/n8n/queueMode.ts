/**
 * n8n in queue mode on 127.0.0.1, for fault tests. One main process runs the editor, the API,
 * the triggers and the pollers. A webhook process receives production webhooks, and workers run
 * the executions. They share one PostgreSQL database, in a schema created here and dropped by
 * `stop`, and one Redis, with keys under a prefix unique to the cluster that `stop` removes.
 *
 * The main process is started with `startN8n` from the harness; the webhook process and the
 * workers use the same environment builder and the same installed package (their user folders
 * link to the main one's `.n8n/nodes`). Environment names are those of n8n 2.41.1's
 * `@n8n/config` (`EXECUTIONS_MODE`, `DB_POSTGRESDB_*`, `QUEUE_BULL_*`, `QUEUE_WORKER_*`,
 * `QUEUE_HEALTH_CHECK_*`, `N8N_REDIS_KEY_PREFIX`, `N8N_DISABLE_PRODUCTION_MAIN_PROCESS`).
 */
import axios from 'axios';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

import { findFreePort, n8nEnvironment, N8nInstance, startN8n } from './harness';
import { ensureN8nInstalled } from './install';
import { node24Binary } from './paths';

const execFileAsync = promisify(execFile);

const HOST = '127.0.0.1';
const DEFAULT_START_TIMEOUT_MS = 240_000;

export interface PostgresConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
}

export interface QueueClusterOptions {
  /** Parent folder for every process's user folder and log; a new temporary folder when omitted. */
  folder?: string;
  workers?: number;
  /** Executions one worker runs at once (`n8n worker --concurrency`). */
  workerConcurrency?: number;
  /** n8n's own database; 127.0.0.1:5432, database `test`, user `postgres` when omitted. */
  postgres?: PostgresConnection;
  redis?: { host: string; port: number };
  /**
   * How long a worker's lock on a job lasts without renewal, in milliseconds. n8n's default is
   * 60 000; tests shorten it so a killed worker's job is noticed sooner.
   */
  lockDurationMs?: number;
  /** Extra environment for every process, applied last. */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

/** A webhook or worker process of the cluster. `port` is its HTTP port (the health port for a worker). */
export interface QueueProcess {
  role: 'webhook' | 'worker';
  instance: N8nInstance;
  child: ChildProcess;
  userFolder: string;
  logFile: string;
}

export const DEFAULT_POSTGRES: PostgresConnection = { host: HOST, port: 5432, database: 'test', user: 'postgres' };

function readLogTail(logFile: string, lines = 40): string {
  if (!existsSync(logFile)) return '(no log written)';
  return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
}

async function delay(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function withPostgres<T>(connection: PostgresConnection, action: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(connection);
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

/** Polls `/healthz/readiness` on 127.0.0.1:`port` until it returns 200, the process exits, or the timeout passes. */
async function waitForReadiness(port: number, child: ChildProcess, logFile: string, timeoutMs: number, label: string): Promise<void> {
  const probe = axios.create({ baseURL: `http://${HOST}:${port}`, validateStatus: () => true, timeout: 2_000 });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`n8n ${label} exited during start-up (code ${child.exitCode}, signal ${child.signalCode}). Log ${logFile}:\n${readLogTail(logFile)}`);
    }
    try {
      if ((await probe.get('/healthz/readiness')).status === 200) return;
    } catch {
      // Connection refused while the process starts: keep polling until the deadline.
    }
    if (Date.now() > deadline) {
      throw new Error(`n8n ${label} was not ready on port ${port} within ${timeoutMs} ms. Log ${logFile}:\n${readLogTail(logFile)}`);
    }
    await delay(500);
  }
}

// Process groups to kill if the test process exits without stopping the cluster.
const runningGroups = new Set<number>();
let exitHandlerInstalled = false;

function registerForExit(pid: number): void {
  runningGroups.add(pid);
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.once('exit', () => {
    for (const groupPid of runningGroups) {
      try {
        process.kill(-groupPid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
}

/** A running queue-mode n8n: main, webhook process and workers. Create it with `startQueueCluster`. */
export class N8nQueueCluster {
  private stopped = false;

  constructor(
    readonly main: N8nInstance,
    readonly webhook: QueueProcess,
    readonly workers: QueueProcess[],
    readonly folder: string,
    /** Schema of n8n's own database. */
    readonly schema: string,
    /** Prefix of every Redis key and channel of this cluster. */
    readonly redisPrefix: string,
    private readonly postgres: PostgresConnection,
    private readonly redis: { host: string; port: number },
    private readonly baseEnv: Record<string, string>,
    private readonly options: QueueClusterOptions,
  ) {}

  /** Production webhook URL on the webhook process: `<webhook process>/webhook/<path>`. */
  webhookUrl(webhookPath: string): string {
    return this.webhook.instance.webhookUrl(webhookPath);
  }

  /** Kills a worker's whole process group at once (SIGKILL by default), as a crashed host would. */
  async killWorker(index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const worker = this.workers[index];
    if (!worker) throw new Error(`The cluster has ${this.workers.length} worker(s); there is no worker ${index}`);
    const exited = new Promise<void>((resolve) => {
      if (worker.child.exitCode !== null || worker.child.signalCode !== null) resolve();
      else worker.child.once('exit', () => resolve());
    });
    try {
      process.kill(-worker.child.pid!, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    await exited;
    runningGroups.delete(worker.child.pid!);
  }

  /** Starts a worker again in its old user folder, after `killWorker`. */
  async restartWorker(index: number): Promise<QueueProcess> {
    const old = this.workers[index];
    if (!old) throw new Error(`The cluster has ${this.workers.length} worker(s); there is no worker ${index}`);
    if (old.child.exitCode === null && old.child.signalCode === null) throw new Error(`Worker ${index} is still running; kill it first`);
    const worker = await startQueueProcess('worker', old.userFolder, this.baseEnv, this.options);
    this.workers[index] = worker;
    return worker;
  }

  /** Stops every process, drops n8n's schema and removes the cluster's Redis keys. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const processes = [this.webhook, ...this.workers];
    await Promise.all(
      processes.map(async (entry) => {
        await entry.instance.stop();
        runningGroups.delete(entry.child.pid!);
      }),
    );
    await this.main.stop();
    await withPostgres(this.postgres, (client) => client.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`));
    await removeRedisKeys(this.redis, this.redisPrefix);
  }
}

/** Deletes every Redis key under `prefix` with redis-cli (SCAN, so a busy Redis is not blocked). */
async function removeRedisKeys(redis: { host: string; port: number }, prefix: string): Promise<void> {
  const connection = ['-h', redis.host, '-p', String(redis.port)];
  const { stdout } = await execFileAsync('redis-cli', [...connection, '--scan', '--pattern', `${prefix}*`]);
  const keys = stdout.split('\n').filter((key) => key.startsWith(prefix));
  for (let start = 0; start < keys.length; start += 200) {
    await execFileAsync('redis-cli', [...connection, 'DEL', ...keys.slice(start, start + 200)]);
  }
}

async function startQueueProcess(
  role: 'webhook' | 'worker',
  userFolder: string,
  baseEnv: Record<string, string>,
  options: QueueClusterOptions,
): Promise<QueueProcess> {
  const entryPoint = ensureN8nInstalled();
  const port = await findFreePort();
  const brokerPort = await findFreePort();
  const logFile = path.join(userFolder, `n8n-${role}-${Date.now()}.log`);
  const roleEnv: Record<string, string> =
    role === 'worker'
      ? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: HOST }
      : {};
  const env = n8nEnvironment(userFolder, port, brokerPort, { ...baseEnv, ...roleEnv, ...(options.env ?? {}) });
  const args = role === 'worker' ? ['worker', `--concurrency=${options.workerConcurrency ?? 5}`] : ['webhook'];

  const logFd = openSync(logFile, 'a');
  const child = spawn(node24Binary(), [entryPoint, ...args], { env, cwd: userFolder, detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  if (child.pid === undefined) throw new Error(`Could not start n8n ${role} with ${node24Binary()} ${entryPoint}`);
  registerForExit(child.pid);

  const instance = new N8nInstance(child.pid, port, userFolder, logFile, env, child);
  try {
    await waitForReadiness(port, child, logFile, options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, role);
  } catch (error) {
    await instance.stop();
    throw error;
  }
  return { role, instance, child, userFolder, logFile };
}

/** A user folder for a webhook or worker process that uses the package installed for the main process. */
function linkedUserFolder(folder: string, name: string, mainUserFolder: string): string {
  const userFolder = path.join(folder, name);
  mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
  const nodes = path.join(userFolder, '.n8n', 'nodes');
  if (!existsSync(nodes)) symlinkSync(path.join(mainUserFolder, '.n8n', 'nodes'), nodes, 'dir');
  return userFolder;
}

/**
 * Starts n8n in queue mode: creates a schema for n8n's database, starts the main process (which
 * migrates it), then the webhook process and the workers. Stops what it started if a step fails.
 */
export async function startQueueCluster(options: QueueClusterOptions = {}): Promise<N8nQueueCluster> {
  const folder = options.folder ?? mkdtempSync(path.join(tmpdir(), 'contact-hub-n8n-queue-'));
  mkdirSync(folder, { recursive: true });
  const postgres = options.postgres ?? DEFAULT_POSTGRES;
  const redis = options.redis ?? { host: HOST, port: 6379 };
  const suffix = randomBytes(5).toString('hex');
  const schema = `n8n_queue_${suffix}`;
  const redisPrefix = `contact-hub-${suffix}`;
  const lockDurationMs = options.lockDurationMs ?? 60_000;

  const baseEnv: Record<string, string> = {
    EXECUTIONS_MODE: 'queue',
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: postgres.host,
    DB_POSTGRESDB_PORT: String(postgres.port),
    DB_POSTGRESDB_DATABASE: postgres.database,
    DB_POSTGRESDB_USER: postgres.user,
    DB_POSTGRESDB_PASSWORD: postgres.password ?? '',
    DB_POSTGRESDB_SCHEMA: schema,
    QUEUE_BULL_REDIS_HOST: redis.host,
    QUEUE_BULL_REDIS_PORT: String(redis.port),
    QUEUE_BULL_PREFIX: `${redisPrefix}-bull`,
    N8N_REDIS_KEY_PREFIX: `${redisPrefix}-n8n`,
    QUEUE_WORKER_LOCK_DURATION: String(lockDurationMs),
    QUEUE_WORKER_LOCK_RENEW_TIME: String(Math.max(1_000, Math.floor(lockDurationMs / 6))),
    QUEUE_WORKER_STALLED_INTERVAL: String(Math.max(1_000, Math.floor(lockDurationMs / 2))),
    // Every process must decrypt the same credentials.
    N8N_ENCRYPTION_KEY: randomBytes(24).toString('base64url'),
    // Production webhooks go to the webhook process only, as in a scaled deployment.
    N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
    ...(options.env ?? {}),
  };

  await withPostgres(postgres, (client) => client.query(`CREATE SCHEMA "${schema}"`));

  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const main = await startN8n({ userFolder: path.join(folder, 'main'), env: baseEnv, startTimeoutMs: options.startTimeoutMs });
    started.push(main);

    const webhookFolder = linkedUserFolder(folder, 'webhook', main.userFolder);
    const workerFolders = Array.from({ length: options.workers ?? 2 }, (_, index) => linkedUserFolder(folder, `worker-${index}`, main.userFolder));
    const results = await Promise.allSettled([
      startQueueProcess('webhook', webhookFolder, baseEnv, options),
      ...workerFolders.map((workerFolder) => startQueueProcess('worker', workerFolder, baseEnv, options)),
    ]);
    for (const result of results) if (result.status === 'fulfilled') started.push(result.value.instance);
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;

    const [webhook, ...workers] = results.map((result) => (result as PromiseFulfilledResult<QueueProcess>).value);
    return new N8nQueueCluster(main, webhook, workers, folder, schema, redisPrefix, postgres, redis, baseEnv, options);
  } catch (error) {
    for (const instance of started.reverse()) await instance.stop().catch(() => undefined);
    await withPostgres(postgres, (client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)).catch(() => undefined);
    await removeRedisKeys(redis, redisPrefix).catch(() => undefined);
    throw error;
  }
}
