/**
 * Audit log benchmark (not a test): appends per second on SQLite and PostgreSQL with one writer
 * and with several writer processes, and verify time per 100 000 events.
 *
 *   npx tsx bench/auditBench.ts [--appends 2000] [--writers 4] [--verify-events 100000] [--only sqlite|postgres]
 *
 * PostgreSQL is the server on 127.0.0.1:5432 (database `test`, user `postgres`); the benchmark
 * works in its own schema and drops it afterwards. SQLite uses a file in a temporary folder.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { openStore, type StoreConfig } from '../core/store';
import { AuditLog, createAuditKey, type AuditEventInput } from '../core/audit';
import { WORKER_AUDIT_KEY } from './auditAppendWorker';

const run = promisify(execFile);
const root = join(__dirname, '..');
const PG = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

interface Target {
  name: 'sqlite' | 'postgres';
  config: StoreConfig;
  drop(): Promise<void>;
}

function makeTarget(name: 'sqlite' | 'postgres'): Target {
  if (name === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'contact-hub-audit-bench-'));
    return { name, config: { type: 'sqlite', path: join(folder, 'audit.sqlite') }, drop: async () => rmSync(folder, { recursive: true, force: true }) };
  }
  const schema = `audit_bench_${randomBytes(5).toString('hex')}`;
  return {
    name,
    config: { type: 'postgres', ...PG, schema, maxConnections: 4 },
    drop: async () => {
      const client = new Client(PG);
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    },
  };
}

const event = (index: number): AuditEventInput => ({
  step: 'written-to-chs',
  actor: { type: 'system', id: 'bench' },
  submissionId: `SUB-${index}`,
  reference: `42/${index}/26`,
  targetSystem: 'CHS',
  targetRecordId: `INC-${index}`,
  outcome: 'success',
  details: { index },
  digestValues: { phone: `07700 ${String(900000 + (index % 1000))}` },
});

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function singleWriter(target: Target, appends: number): Promise<string> {
  const store = await openStore(target.config);
  const log = new AuditLog(store.db, { key: createAuditKey(WORKER_AUDIT_KEY), digestSalt: 'bench-salt', checkpointInterval: 1000 });
  const start = process.hrtime.bigint();
  for (let index = 0; index < appends; index++) await log.append([event(index)]);
  const elapsed = seconds(start);
  await store.close();
  return `${target.name}: single writer, one event per append: ${appends} events in ${elapsed.toFixed(2)} s = ${(appends / elapsed).toFixed(0)} appends/s`;
}

async function concurrentWriters(target: Target, writers: number, appendsEach: number): Promise<string> {
  const store = await openStore(target.config);
  await store.close();
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const worker = join(root, 'bench', 'auditAppendWorker.ts');
  const start = process.hrtime.bigint();
  const outputs = await Promise.all(
    Array.from({ length: writers }, (_unused, writer) =>
      run(tsx, [worker, JSON.stringify(target.config), String(appendsEach), `b${writer}`], { cwd: root }),
    ),
  );
  const wall = seconds(start);
  const slowestLoop = Math.max(...outputs.map((output) => JSON.parse(output.stdout).ms as number)) / 1000;
  const total = writers * appendsEach;
  return (
    `${target.name}: ${writers} writer processes, one event per append: ${total} events; ` +
    `${(total / slowestLoop).toFixed(0)} appends/s over the slowest writer's loop (${slowestLoop.toFixed(2)} s), ` +
    `${(total / wall).toFixed(0)} appends/s including process start (${wall.toFixed(2)} s)`
  );
}

async function verifySpeed(target: Target, events: number): Promise<string> {
  const store = await openStore(target.config);
  const key = createAuditKey(WORKER_AUDIT_KEY);
  const log = new AuditLog(store.db, { key, digestSalt: 'bench-salt', checkpointInterval: 1000 });
  const batch = 1000;
  const fillStart = process.hrtime.bigint();
  for (let done = 0; done < events; done += batch) {
    await log.append(Array.from({ length: Math.min(batch, events - done) }, (_unused, offset) => event(done + offset)));
  }
  const fill = seconds(fillStart);

  const start = process.hrtime.bigint();
  const report = await log.verify({ key, digestSalt: 'bench-salt' });
  const elapsed = seconds(start);
  await store.close();
  if (!report.ok) throw new Error(`Verify failed on the benchmark chain: ${report.firstProblem?.detail}`);
  return (
    `${target.name}: appended ${events} events in batches of ${batch} in ${fill.toFixed(1)} s (${(events / fill).toFixed(0)} events/s); ` +
    `verify took ${elapsed.toFixed(2)} s = ${((elapsed * 100_000) / events).toFixed(2)} s per 100 000 events`
  );
}

async function main(): Promise<void> {
  const appends = option('appends', 2000);
  const writers = option('writers', 4);
  const verifyEvents = option('verify-events', 100_000);
  const onlyIndex = process.argv.indexOf('--only');
  const dialects = onlyIndex >= 0 ? [process.argv[onlyIndex + 1] as 'sqlite' | 'postgres'] : (['sqlite', 'postgres'] as const);

  console.log(`Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model ?? 'unknown'})`);
  for (const dialect of dialects) {
    for (const measure of [
      (target: Target) => singleWriter(target, appends),
      (target: Target) => concurrentWriters(target, writers, Math.ceil(appends / writers)),
      (target: Target) => verifySpeed(target, verifyEvents),
    ]) {
      const target = makeTarget(dialect);
      try {
        console.log(await measure(target));
      } finally {
        await target.drop();
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
