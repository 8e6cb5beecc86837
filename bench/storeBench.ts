/**
 * Reference allocation benchmark (not a test): allocations per second and p99 latency on SQLite
 * (one process) and PostgreSQL (1 and 8 concurrent clients in one process). Each sits beside a
 * baseline measured in the same run, which is a bare autocommit INSERT on SQLite and a bare
 * `nextval` on PostgreSQL. The target is at least half the baseline's throughput. All allocations share one scope, the
 * worst case, because allocations in one scope are serialised.
 *
 *   npx tsx bench/storeBench.ts [--operations 2000] [--only sqlite|postgres]
 *
 * PostgreSQL is the server on 127.0.0.1:5432 (database `test`, user `postgres`), in a schema of
 * its own that is dropped afterwards. SQLite uses a file in a temporary folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

import { allocationKeys, compileReferenceFormat, renderReference } from '../core/reference';
import { openStore, type ContactHubStore, type StoreConfig } from '../core/store';

const PG = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

interface Measurement {
  label: string;
  operations: number;
  perSecond: number;
  p99Ms: number;
}

/** Runs `operation` `total` times spread over `clients` concurrent loops and times each call. */
async function measure(label: string, total: number, clients: number, operation: (index: number) => Promise<unknown>): Promise<Measurement> {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        const index = next++;
        const before = process.hrtime.bigint();
        await operation(index);
        latencies.push(Number(process.hrtime.bigint() - before) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { label, operations: total, perSecond: total / seconds, p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] };
}

function allocator(store: ContactHubStore, runId: string) {
  const format = compileReferenceFormat({ pattern: '{FORCE}/{SEQ:7}/{YY}', forceCode: '46', resetPeriod: 'yearly', checkCharacter: true });
  const { scope, periodKey, date } = allocationKeys(format, new Date());
  return (index: number) =>
    store.references.allocate({ scope, periodKey, submissionId: `${runId}-${index}`, render: (sequence) => renderReference(format, date, sequence) });
}

async function benchSqlite(total: number): Promise<Measurement[]> {
  const folder = mkdtempSync(join(tmpdir(), 'contact-hub-store-bench-'));
  const config: StoreConfig = { type: 'sqlite', path: join(folder, 'bench.sqlite') };
  const store = await openStore(config);
  try {
    await store.db.execute('CREATE TABLE bench_baseline (id INTEGER PRIMARY KEY, submission_id TEXT NOT NULL)');
    const baseline = await measure('SQLite, 1 process: bare INSERT', total, 1, (index) =>
      store.db.execute('INSERT INTO bench_baseline (submission_id) VALUES ($1)', [`baseline-${index}`]),
    );
    const allocation = await measure('SQLite, 1 process: allocate', total, 1, allocator(store, 'sqlite'));
    return [baseline, allocation];
  } finally {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function benchPostgres(total: number, clients: number): Promise<Measurement[]> {
  const schema = `chs_bench_${randomBytes(5).toString('hex')}`;
  const config: StoreConfig = { type: 'postgres', ...PG, schema, maxConnections: clients };
  const store = await openStore(config);
  try {
    await store.db.execute('CREATE SEQUENCE bench_baseline_seq');
    const baseline = await measure(`PostgreSQL, ${clients} client(s): bare nextval`, total, clients, () =>
      store.db.query("SELECT nextval('bench_baseline_seq')"),
    );
    // A second reference point: a bare INSERT also waits for its commit to reach disk, as an allocation must.
    await store.db.execute('CREATE TABLE bench_insert (id bigserial PRIMARY KEY, submission_id text NOT NULL)');
    const durableInsert = await measure(`PostgreSQL, ${clients} client(s): bare INSERT (for comparison)`, total, clients, (index) =>
      store.db.execute('INSERT INTO bench_insert (submission_id) VALUES ($1)', [`insert-${index}`]),
    );
    const allocation = await measure(`PostgreSQL, ${clients} client(s): allocate`, total, clients, allocator(store, `pg-${clients}`));
    return [baseline, durableInsert, allocation];
  } finally {
    await store.close();
    const client = new Client(PG);
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  }
}

/** Prints one Markdown table; the first measurement of each group is its baseline. */
function report(pairs: Measurement[][]): void {
  console.log('| measurement | operations | per second | p99 latency (ms) | share of baseline |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [baseline, ...others] of pairs) {
    console.log(`| ${baseline.label} | ${baseline.operations} | ${baseline.perSecond.toFixed(0)} | ${baseline.p99Ms.toFixed(2)} | 100% |`);
    for (const measurement of others) {
      const share = measurement.perSecond / baseline.perSecond;
      let verdict = '';
      if (measurement.label.endsWith('allocate')) verdict = share >= 0.5 ? ' (meets the 50% target)' : ' (below the 50% target)';
      console.log(
        `| ${measurement.label} | ${measurement.operations} | ${measurement.perSecond.toFixed(0)} | ${measurement.p99Ms.toFixed(2)} | ${(share * 100).toFixed(0)}%${verdict} |`,
      );
    }
  }
}

async function main(): Promise<void> {
  const total = Number(option('operations', '2000'));
  const only = option('only', '');
  console.log(`Store benchmark on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${total} operations each`);

  const pairs: Measurement[][] = [];
  if (only !== 'postgres') pairs.push(await benchSqlite(total));
  if (only !== 'sqlite') {
    pairs.push(await benchPostgres(total, 1));
    pairs.push(await benchPostgres(total, 8));
  }
  report(pairs);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
