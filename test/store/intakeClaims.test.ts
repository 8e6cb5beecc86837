/**
 * Reconciler claims across OS processes: several processes claim unfinished ledger entries from one
 * store at once, and no entry may go to two of them while its lease runs. Also the `states` filter
 * of listUnfinished that the reconciler uses to find entries at the final step.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

import { openStore, type ContactHubStore, type StoreConfig } from '../../core/store';
import { TARGET_FACTORIES, type StoreTarget } from './storeTargets';

const WORKER = join(__dirname, 'claimWorker.ts');

jest.setTimeout(120_000);
const PROCESSES = 5;
const ENTRIES = 120;

function runClaimer(job: { config: StoreConfig; owner: string; batch: number; startAt: number }): Promise<{ code: number | null; claimed: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    // process.execPath is the Node 24 binary running jest; tsx compiles the worker.
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, claimed: stdout.trim() ? (JSON.parse(stdout) as string[]) : [], stderr }));
  });
}

async function receive(store: ContactHubStore, submissionId: string): Promise<void> {
  const document = JSON.stringify({ data: { id: submissionId } });
  await store.intake.recordReceived({
    submissionId,
    bodySha256: createHash('sha256').update(document).digest('hex'),
    source: 'standard-api',
    document,
  });
}

describe.each(TARGET_FACTORIES)('intake claims on %s', (_name, makeTarget) => {
  let target: StoreTarget;
  let store: ContactHubStore;

  beforeAll(async () => {
    target = makeTarget();
    store = await openStore(target.config);
  });

  afterAll(async () => {
    await store?.close();
    await target?.drop();
  });

  it('gives each entry to one process', async () => {
    const ids = Array.from({ length: ENTRIES }, (_, index) => `claim-${String(index).padStart(4, '0')}`);
    for (const id of ids) await receive(store, id);

    // Node and tsx take a few seconds to start, so every process waits for one start time.
    const startAt = Date.now() + 8_000;
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, index) => runClaimer({ config: target.config, owner: `process-${index}`, batch: 2, startAt })),
    );

    for (const result of results) expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const claimed = results.flatMap((result) => result.claimed);
    expect(claimed).toHaveLength(ENTRIES);
    expect(new Set(claimed).size).toBe(ENTRIES);
    expect([...claimed].sort()).toEqual(ids);
    if (target.name === 'postgres') {
      // More than one process got work, so the claims really ran side by side. On SQLite one process
      // can take every batch, because a writer that just committed often wins the lock again before
      // the others' busy handlers retry.
      expect(results.filter((result) => result.claimed.length > 0).length).toBeGreaterThan(1);
    }

    for (const [index, result] of results.entries()) {
      for (const id of result.claimed) {
        const entry = await store.intake.get(id);
        expect({ id, owner: entry?.claimOwner, redriveCount: entry?.redriveCount }).toEqual({ id, owner: `process-${index}`, redriveCount: 1 });
      }
    }
  });

  it('lists only the requested states', async () => {
    for (const id of ['states-a', 'states-b', 'states-c', 'states-d']) await receive(store, id);
    await store.intake.markState('states-b', 'written-to-athena');
    await store.intake.markState('states-c', 'written-to-chs');
    await store.intake.markState('states-d', 'completed');

    const atAthena = await store.intake.listUnfinished({ olderThanSeconds: 0, limit: 500, states: ['written-to-athena'] });
    const atEither = await store.intake.listUnfinished({ olderThanSeconds: 0, limit: 500, states: ['written-to-chs', 'written-to-athena'] });
    const none = await store.intake.listUnfinished({ olderThanSeconds: 0, limit: 500, states: [] });

    expect(atAthena.map((entry) => entry.submissionId)).toEqual(['states-b']);
    expect(atEither.map((entry) => entry.submissionId).sort()).toEqual(['states-b', 'states-c']);
    expect(none).toEqual([]);
  });

  it.each(['completed', 'manual-handling', 'unknown'])('rejects the state %s in the filter', async (state) => {
    await expect(store.intake.listUnfinished({ olderThanSeconds: 0, limit: 10, states: [state as never] })).rejects.toThrow(/unfinished states only/);
  });
});
