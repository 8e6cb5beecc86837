/**
 * Audit log rates on SQLite and PostgreSQL. Appends per second with one writer, one event per
 * append, sit beside a bare INSERT of a row of similar size. Appends per second with several writer
 * processes on one chain sit beside the single writer. Verify time per 100 000 events sits beside a
 * bare read of the same rows.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AuditLog, createAuditKey, type AuditEventInput } from '../../core/audit';
import { openStore, type StoreConfig } from '../../core/store';
import { WORKER_AUDIT_KEY } from '../auditAppendWorker';
import { BENCH_POSTGRES, dropSchema, uniqueSchemaName } from '../lib/postgres';
import type { Recorder } from '../lib/results';
import { rateConcurrent, timeAsync } from '../lib/timing';

const runFile = promisify(execFile);
const ROOT = join(__dirname, '..', '..');

export interface AuditSettings {
  /** Appends by the single writer, and in total across the writer processes. */
  appends: number;
  writers: number;
  /** Events in the chain that is verified. */
  verifyEvents: number;
  dialects: Array<'sqlite' | 'postgres'>;
}

export const DEFAULT_AUDIT_SETTINGS: AuditSettings = { appends: 1_000, writers: 4, verifyEvents: 100_000, dialects: ['sqlite', 'postgres'] };

const GROUP = 'Audit log';
const DIGEST_SALT = 'bench-salt';

interface Target {
  config: StoreConfig;
  drop(): Promise<void>;
}

function makeTarget(dialect: 'sqlite' | 'postgres'): Target {
  if (dialect === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'contact-hub-audit-bench-'));
    return { config: { type: 'sqlite', path: join(folder, 'audit.sqlite') }, drop: async () => rmSync(folder, { recursive: true, force: true }) };
  }
  const schema = uniqueSchemaName('contact_hub_audit_bench');
  return { config: { type: 'postgres', ...BENCH_POSTGRES, schema, maxConnections: 4 }, drop: () => dropSchema(schema) };
}

function event(index: number): AuditEventInput {
  return {
    step: 'written-to-chs',
    actor: { type: 'system', id: 'bench' },
    submissionId: `SUB-${index}`,
    reference: `42/${index}/26`,
    targetSystem: 'CHS',
    targetRecordId: `INC-${index}`,
    outcome: 'success',
    details: { index },
    digestValues: { phone: `07700 ${String(900000 + (index % 1000))}` },
  };
}

const dialectName = (dialect: 'sqlite' | 'postgres') => (dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL');

async function singleWriter(recorder: Recorder, dialect: 'sqlite' | 'postgres', appends: number): Promise<void> {
  const target = makeTarget(dialect);
  try {
    const store = await openStore(target.config);
    try {
      // Same payload size as an appended event's row: the event JSON, a hash and a MAC.
      await store.db.execute('CREATE TABLE bench_baseline (id INTEGER PRIMARY KEY, event_json TEXT NOT NULL, hash TEXT NOT NULL, mac TEXT NOT NULL)');
      const baselineId = `audit.${dialect}.insert`;
      const baseline = await rateConcurrent(appends, 1, (index) =>
        store.db.execute('INSERT INTO bench_baseline (id, event_json, hash, mac) VALUES ($1, $2, $3, $4)', [
          index + 1,
          JSON.stringify(event(index)),
          'f'.repeat(64),
          'e'.repeat(64),
        ]),
      );
      recorder.record(
        { id: baselineId, suite: 'audit', group: GROUP, label: `${dialectName(dialect)}, 1 writer: bare INSERT of a similar row (baseline)`, unit: 'ops/s', better: 'higher' },
        baseline.perSecond,
      );

      const log = new AuditLog(store.db, { key: createAuditKey(WORKER_AUDIT_KEY), digestSalt: DIGEST_SALT, checkpointInterval: 1_000 });
      const append = await rateConcurrent(appends, 1, (index) => log.append([event(index)]));
      recorder.record(
        { id: `audit.${dialect}.append`, suite: 'audit', group: GROUP, label: `${dialectName(dialect)}, 1 writer: append one event`, unit: 'ops/s', better: 'higher', baselineId },
        append.perSecond,
      );
    } finally {
      await store.close();
    }
  } finally {
    await target.drop();
  }
}

/**
 * Starts `writers` processes that append to one chain at once. The rate is the total over the
 * slowest writer's append loop, so process start-up is not counted.
 */
async function concurrentWriters(recorder: Recorder, dialect: 'sqlite' | 'postgres', writers: number, appends: number): Promise<void> {
  const target = makeTarget(dialect);
  try {
    const store = await openStore(target.config);
    await store.close();
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const worker = join(ROOT, 'bench', 'auditAppendWorker.ts');
    const appendsEach = Math.max(1, Math.ceil(appends / writers));
    const outputs = await Promise.all(
      Array.from({ length: writers }, (_, writer) => runFile(tsx, [worker, JSON.stringify(target.config), String(appendsEach), `w${writer}`], { cwd: ROOT })),
    );
    const slowestSeconds = Math.max(...outputs.map((output) => (JSON.parse(output.stdout) as { ms: number }).ms)) / 1000;
    recorder.record(
      {
        id: `audit.${dialect}.writers`,
        suite: 'audit',
        group: GROUP,
        label: `${dialectName(dialect)}, ${writers} writer processes: append one event`,
        unit: 'ops/s',
        better: 'higher',
        baselineId: `audit.${dialect}.append`,
      },
      (writers * appendsEach) / slowestSeconds,
    );
  } finally {
    await target.drop();
  }
}

/** Fills one chain once, then verifies it `repeats` times; each repeat also times a bare read of the rows. */
async function verifySpeed(recorder: Recorder, dialect: 'sqlite' | 'postgres', events: number, repeats: number): Promise<void> {
  const target = makeTarget(dialect);
  try {
    const store = await openStore(target.config);
    try {
      const key = createAuditKey(WORKER_AUDIT_KEY);
      const log = new AuditLog(store.db, { key, digestSalt: DIGEST_SALT, checkpointInterval: 1_000 });
      const batch = 1_000;
      for (let done = 0; done < events; done += batch) {
        await log.append(Array.from({ length: Math.min(batch, events - done) }, (_, offset) => event(done + offset)));
      }
      const scale = 100_000 / events;
      const baselineId = `audit.${dialect}.read`;
      for (let repeat = 0; repeat < repeats; repeat++) {
        const readSeconds = await timeAsync(() => store.db.query('SELECT * FROM audit_events ORDER BY sequence'));
        recorder.record(
          { id: baselineId, suite: 'audit', group: GROUP, label: `${dialectName(dialect)}: bare read of every event row, per 100 000 events (baseline)`, unit: 's', better: 'lower' },
          readSeconds * scale,
        );
        let ok = false;
        const verifySeconds = await timeAsync(async () => {
          ok = (await log.verify({ key, digestSalt: DIGEST_SALT })).ok;
        });
        if (!ok) throw new Error(`Verifying the ${dialect} benchmark chain of ${events} events failed, so its time would be meaningless`);
        recorder.record(
          { id: `audit.${dialect}.verify`, suite: 'audit', group: GROUP, label: `${dialectName(dialect)}: verify, per 100 000 events`, unit: 's', better: 'lower', baselineId },
          verifySeconds * scale,
        );
      }
    } finally {
      await store.close();
    }
  } finally {
    await target.drop();
  }
}

export async function runAuditSuite(recorder: Recorder, repeats: number, settings: AuditSettings = DEFAULT_AUDIT_SETTINGS): Promise<Record<string, unknown>> {
  for (const dialect of settings.dialects) {
    for (let repeat = 0; repeat < repeats; repeat++) {
      await singleWriter(recorder, dialect, settings.appends);
      await concurrentWriters(recorder, dialect, settings.writers, settings.appends);
    }
    await verifySpeed(recorder, dialect, settings.verifyEvents, repeats);
  }
  return { ...settings };
}
