/**
 * Reference allocation: allocations per second and p99 latency on SQLite (one process) and
 * PostgreSQL (1 and 8 concurrent clients in one process), each beside a baseline measured in the
 * same repeat. The baseline is a bare autocommit INSERT on SQLite and a bare `nextval` on
 * PostgreSQL, and the target is at least half the baseline's throughput. A bare PostgreSQL INSERT
 * is measured too, because it waits for a durable commit as an allocation must and `nextval` does not.
 * All allocations share one scope, the worst case, because allocations in one scope are serialised.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocationKeys, compileReferenceFormat, renderReference } from '../../core/reference';
import { openStore, type ContactHubStore } from '../../core/store';
import { BENCH_POSTGRES, dropSchema, uniqueSchemaName } from '../lib/postgres';
import type { FigureSpec, Recorder } from '../lib/results';
import { rateConcurrent, type ConcurrentResult } from '../lib/timing';

export interface StoreSettings {
  /** Allocations (and baseline operations) per SQLite measurement. */
  sqliteOperations: number;
  /** Allocations (and baseline operations) per PostgreSQL measurement. */
  postgresOperations: number;
  /** Concurrent PostgreSQL clients in the second PostgreSQL measurement. */
  postgresClients: number;
}

/**
 * With 1 000 operations a SQLite baseline took about 12 ms, and its repeats differed by up to 62%.
 * These counts make the shortest measurement (the SQLite baseline) take about 0.2 s.
 */
export const DEFAULT_STORE_SETTINGS: StoreSettings = { sqliteOperations: 20_000, postgresOperations: 5_000, postgresClients: 8 };

/** Share of a measurement's operations run once before it, unmeasured, so that it starts warm. */
const WARM_UP_SHARE = 0.1;

/** Runs an unmeasured warm-up (its indexes are negative), then the measurement. */
async function measure(total: number, clients: number, operation: (index: number) => Promise<unknown>): Promise<ConcurrentResult> {
  const warmUp = Math.ceil(total * WARM_UP_SHARE);
  await rateConcurrent(warmUp, clients, (index) => operation(-1 - index));
  return rateConcurrent(total, clients, operation);
}

const GROUP = 'Reference allocation';
const HALF_OF_BASELINE = { kind: 'ratio-of-baseline', min: 0.5 } as const;

function allocator(store: ContactHubStore, runId: string): (index: number) => Promise<unknown> {
  const format = compileReferenceFormat({ pattern: '{FORCE}/{SEQ:7}/{YY}', forceCode: '42', resetPeriod: 'yearly', checkCharacter: true });
  const { scope, periodKey, date } = allocationKeys(format, new Date());
  return (index) =>
    store.references.allocate({ scope, periodKey, submissionId: `${runId}-${index}`, render: (sequence) => renderReference(format, date, sequence) });
}

/** Records a concurrent measurement as two figures: rate and p99 latency, with the rate's baseline and target. */
function recordPair(recorder: Recorder, spec: Omit<FigureSpec, 'unit' | 'better' | 'suite' | 'group'>, result: ConcurrentResult): void {
  recorder.record({ ...spec, suite: 'store', group: GROUP, unit: 'ops/s', better: 'higher' }, result.perSecond);
  recorder.record(
    {
      id: `${spec.id}.p99`,
      suite: 'store',
      group: GROUP,
      label: `${spec.label}, p99 latency`,
      unit: 'ms',
      better: 'lower',
      baselineId: spec.baselineId ? `${spec.baselineId}.p99` : undefined,
    },
    result.p99Ms,
  );
}

async function sqliteRepeat(recorder: Recorder, repeat: number, operations: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'contact-hub-store-bench-'));
  const store = await openStore({ type: 'sqlite', path: join(folder, 'bench.sqlite') });
  try {
    await store.db.execute('CREATE TABLE bench_baseline (id INTEGER PRIMARY KEY, submission_id TEXT NOT NULL)');
    const baselineId = 'store.sqlite.insert';
    recordPair(
      recorder,
      { id: baselineId, label: 'SQLite, 1 process: bare INSERT (baseline)' },
      await measure(operations, 1, (index) => store.db.execute('INSERT INTO bench_baseline (submission_id) VALUES ($1)', [`baseline-${index}`])),
    );
    recordPair(
      recorder,
      { id: 'store.sqlite.allocate', label: 'SQLite, 1 process: allocate', baselineId, target: HALF_OF_BASELINE },
      await measure(operations, 1, allocator(store, `sqlite-${repeat}`)),
    );
  } finally {
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function postgresRepeat(recorder: Recorder, repeat: number, operations: number, clients: number): Promise<void> {
  const schema = uniqueSchemaName('contact_hub_store_bench');
  const store = await openStore({ type: 'postgres', ...BENCH_POSTGRES, schema, maxConnections: clients });
  const prefix = `store.postgres.c${clients}`;
  const clientLabel = `PostgreSQL, ${clients} client${clients === 1 ? '' : 's'}`;
  try {
    await store.db.execute('CREATE SEQUENCE bench_baseline_seq');
    await store.db.execute('CREATE TABLE bench_insert (id bigserial PRIMARY KEY, submission_id text NOT NULL)');
    const baselineId = `${prefix}.nextval`;
    recordPair(
      recorder,
      { id: baselineId, label: `${clientLabel}: bare nextval (baseline)` },
      await measure(operations, clients, () => store.db.query("SELECT nextval('bench_baseline_seq')")),
    );
    recordPair(
      recorder,
      { id: `${prefix}.insert`, label: `${clientLabel}: bare INSERT (for comparison)`, baselineId },
      await measure(operations, clients, (index) => store.db.execute('INSERT INTO bench_insert (submission_id) VALUES ($1)', [`insert-${index}`])),
    );
    recordPair(
      recorder,
      { id: `${prefix}.allocate`, label: `${clientLabel}: allocate`, baselineId, target: HALF_OF_BASELINE },
      await measure(operations, clients, allocator(store, `pg-${clients}-${repeat}`)),
    );
  } finally {
    await store.close();
    await dropSchema(schema);
  }
}

export async function runStoreSuite(recorder: Recorder, repeats: number, settings: StoreSettings = DEFAULT_STORE_SETTINGS): Promise<Record<string, unknown>> {
  for (let repeat = 0; repeat < repeats; repeat++) {
    await sqliteRepeat(recorder, repeat, settings.sqliteOperations);
    await postgresRepeat(recorder, repeat, settings.postgresOperations, 1);
    await postgresRepeat(recorder, repeat, settings.postgresOperations, settings.postgresClients);
  }
  return { ...settings };
}
