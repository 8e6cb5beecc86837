/**
 * Several OS processes append to one audit log at once; the result must be one gap-free chain
 * that verifies. Runs on SQLite (one file shared by the processes) and PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openStore, type ContactHubStore } from '../../core/store';
import { AuditLog, createAuditKey } from '../../core/audit';
import { WORKER_AUDIT_KEY } from '../../bench/auditAppendWorker';
import { TARGET_FACTORIES, type StoreTarget } from './storeTargets';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');
const WRITERS = 4;
const EVENTS_PER_WRITER = 30;

jest.setTimeout(120_000);

describe.each(TARGET_FACTORIES)('audit log with concurrent processes on %s', (_dialect, makeTarget) => {
  let target: StoreTarget;
  let store: ContactHubStore;

  beforeAll(async () => {
    target = makeTarget();
    // Migrate once up front, as a deployment would.
    store = await openStore(target.config);
  });

  afterAll(async () => {
    await store?.close();
    await target?.drop();
  });

  it('keeps one gap-free chain', async () => {
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const worker = join(root, 'bench', 'auditAppendWorker.ts');
    const outputs = await Promise.all(
      Array.from({ length: WRITERS }, (_unused, writer) =>
        run(tsx, [worker, JSON.stringify(target.config), String(EVENTS_PER_WRITER), `w${writer}`], {
          cwd: root,
          env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` },
        }),
      ),
    );
    for (const output of outputs) expect(JSON.parse(output.stdout).appended).toBe(EVENTS_PER_WRITER);

    const total = WRITERS * EVENTS_PER_WRITER;
    const sequences = await store.db.query<{ sequence: number }>('SELECT sequence FROM audit_events ORDER BY sequence');
    expect(sequences.map((row) => Number(row.sequence))).toEqual(Array.from({ length: total }, (_unused, index) => index + 1));

    const writersSeen = await store.db.query<{ count: number }>("SELECT COUNT(DISTINCT submission_id) AS count FROM audit_events");
    expect(Number(writersSeen[0].count)).toBe(total);

    const log = new AuditLog(store.db, {});
    const report = await log.verify({ key: createAuditKey(WORKER_AUDIT_KEY) });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.eventsChecked).toBe(total);
    expect(report.checkpointsChecked).toBe(1);
  });
});
