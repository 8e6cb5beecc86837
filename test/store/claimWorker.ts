/**
 * One claiming process for the claim test: opens the store from the JSON job in argv[2], claims
 * in small batches until a claim returns nothing, and prints the claimed submission ids as JSON.
 * It never releases a claim, so a second claim of the same entry would mean two holders.
 */
import { openStore, type StoreConfig } from '../../core/store';

interface ClaimJob {
  config: StoreConfig;
  owner: string;
  batch: number;
  /** Epoch milliseconds to start claiming at, so every process starts together after its slow start-up. */
  startAt: number;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as ClaimJob;
  const store = await openStore(job.config);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, job.startAt - Date.now())));
  const claimed: string[] = [];
  try {
    for (;;) {
      const entries = await store.intake.claimUnfinished({ olderThanSeconds: 0, owner: job.owner, leaseSeconds: 600, limit: job.batch });
      if (entries.length === 0) break;
      claimed.push(...entries.map((entry) => entry.submissionId));
    }
  } finally {
    await store.close();
  }
  process.stdout.write(JSON.stringify(claimed));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
