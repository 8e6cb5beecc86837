/**
 * One OS process of the multi-process allocation test. Reads its job from the JSON in argv[2],
 * allocates references through the real store, and prints the results as one JSON line.
 * With `crashInsideTransaction` it exits from the render callback, in the middle of an allocation.
 * On SQLite that is inside the open transaction, after the counter was read. On PostgreSQL it is
 * before the one statement that would store the reference.
 */
import { openStore, type StoreConfig } from '../../core/store';
import { allocationKeys, compileReferenceFormat, renderReference } from '../../core/reference';

interface WorkerJob {
  config: StoreConfig;
  submissionIds: string[];
  crashInsideTransaction?: boolean;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as WorkerJob;
  const store = await openStore(job.config);
  const format = compileReferenceFormat({ pattern: '{FORCE}/{SEQ:6}/{YY}', forceCode: '46', resetPeriod: 'yearly', checkCharacter: true });
  const { scope, periodKey, date } = allocationKeys(format, new Date('2026-06-01T12:00:00Z'));

  const results = [];
  for (const submissionId of job.submissionIds) {
    const result = await store.references.allocate({
      scope,
      periodKey,
      submissionId,
      render: (sequence) => {
        if (job.crashInsideTransaction) process.exit(3);
        return renderReference(format, date, sequence);
      },
    });
    results.push({ submissionId, reference: result.reference, sequence: result.sequence, created: result.created, pid: process.pid });
  }
  await store.close();
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
