/**
 * Several OS processes allocate references at once against one store. Every submission must get
 * exactly one reference, no two submissions may share one, and the sequence must have no gaps,
 * also when a process dies inside an allocation.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { openStore, type StoreConfig } from '../../core/store';
import { TARGET_FACTORIES, type StoreTarget } from './storeTargets';

const WORKER = join(__dirname, 'allocateWorker.ts');
const PROCESSES = 6;
const SHARED_IDS = 40;
const OWN_IDS = 25;

interface Allocation {
  submissionId: string;
  reference: string;
  sequence: number;
  created: boolean;
  pid: number;
}

function runWorker(job: { config: StoreConfig; submissionIds: string[]; crashInsideTransaction?: boolean }): Promise<{ code: number | null; allocations: Allocation[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    // process.execPath is the Node 24 binary running jest; tsx compiles the worker.
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, allocations: stdout.trim() ? (JSON.parse(stdout) as Allocation[]) : [], stderr }));
  });
}

/** Shuffles with a seeded generator, so each process meets the shared ids in its own order. */
function shuffled<T>(values: T[], seed: number): T[] {
  const result = [...values];
  let state = seed;
  for (let index = result.length - 1; index > 0; index--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const other = state % (index + 1);
    [result[index], result[other]] = [result[other], result[index]];
  }
  return result;
}

describe.each(TARGET_FACTORIES)('allocation across processes on %s', (_name, makeTarget) => {
  let target: StoreTarget;

  beforeAll(() => {
    target = makeTarget();
  });

  afterAll(async () => {
    await target?.drop();
  });

  it('gives unique references without gaps', async () => {
    const shared = Array.from({ length: SHARED_IDS }, (_, index) => `shared-${index}`);
    // The processes start together on an empty database, so they also race to migrate it.
    const runs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, worker) =>
        runWorker({
          config: target.config,
          submissionIds: shuffled([...shared, ...Array.from({ length: OWN_IDS }, (_, index) => `own-${worker}-${index}`)], worker + 1),
        }),
      ),
    );
    for (const run of runs) expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });

    const allocations = runs.flatMap((run) => run.allocations);
    expect(allocations).toHaveLength(PROCESSES * (SHARED_IDS + OWN_IDS));
    expect(new Set(allocations.map((allocation) => allocation.pid)).size).toBe(PROCESSES);

    const referenceBySubmission = new Map<string, string>();
    const createdCount = new Map<string, number>();
    for (const allocation of allocations) {
      const known = referenceBySubmission.get(allocation.submissionId);
      if (known !== undefined) expect(allocation.reference).toBe(known);
      referenceBySubmission.set(allocation.submissionId, allocation.reference);
      createdCount.set(allocation.submissionId, (createdCount.get(allocation.submissionId) ?? 0) + (allocation.created ? 1 : 0));
    }

    const distinctSubmissions = SHARED_IDS + PROCESSES * OWN_IDS;
    expect(referenceBySubmission.size).toBe(distinctSubmissions);
    expect(new Set(referenceBySubmission.values()).size).toBe(distinctSubmissions);
    expect([...createdCount.values()].every((count) => count === 1)).toBe(true);

    const sequences = [...new Set(allocations.map((allocation) => allocation.sequence))].sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: distinctSubmissions }, (_, index) => index + 1));

    const store = await openStore(target.config);
    try {
      const [row] = await store.db.query<{ count: number }>('SELECT count(*) AS count FROM contact_hub_references');
      expect(Number(row.count)).toBe(distinctSubmissions);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('leaves no gap when a process dies mid-allocation', async () => {
    const store = await openStore(target.config);
    try {
      const [before] = await store.db.query<{ max: number }>('SELECT max(sequence) AS max FROM contact_hub_references');

      const crashed = await runWorker({ config: target.config, submissionIds: ['crash-victim'], crashInsideTransaction: true });
      expect(crashed.code).toBe(3);
      expect(crashed.allocations).toEqual([]);

      const next = await runWorker({ config: target.config, submissionIds: ['after-crash'] });
      expect(next.code).toBe(0);
      expect(next.allocations[0].sequence).toBe(Number(before.max) + 1);
      expect(await store.references.findBySubmission('crash-victim')).toBeNull();
    } finally {
      await store.close();
    }
  }, 60_000);
});
