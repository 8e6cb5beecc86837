/** Describes the machine and the software versions a benchmark run used. */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { n8nInstallDir, N8N_VERSION } from '../../scripts/n8n/paths';
import type { MachineInfo } from './results';
import { withPostgresClient } from './postgres';

const runFile = promisify(execFile);

function installedN8nVersion(): string {
  const file = join(n8nInstallDir(), 'node_modules', 'n8n', 'package.json');
  if (!existsSync(file)) return `${N8N_VERSION} (not installed yet)`;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Returns when the PostgreSQL server last started, so a run can tell whether it restarted meanwhile. */
export async function postgresStartTime(): Promise<string | undefined> {
  try {
    return await withPostgresClient(async (client) => {
      const { rows } = await client.query<{ started: Date }>('SELECT pg_postmaster_start_time() AS started');
      return rows[0]?.started.toISOString();
    });
  } catch {
    return undefined;
  }
}

async function postgresVersion(): Promise<string | undefined> {
  try {
    return await withPostgresClient(async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version);
  } catch {
    return undefined;
  }
}

async function redisVersion(): Promise<string | undefined> {
  try {
    const { stdout } = await runFile('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'INFO', 'server'], { timeout: 5_000 });
    return /redis_version:(\S+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

export async function describeMachine(): Promise<MachineInfo> {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${osType()} ${release()}`,
    node: process.version,
    n8n: installedN8nVersion(),
    postgres: await postgresVersion(),
    redis: await redisVersion(),
    loadAverage: { start: loadavg()[0] },
  };
}
