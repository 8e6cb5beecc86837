/**
 * One writer process for the concurrency test and the benchmark: opens the store from the JSON
 * config in argv[2], appends argv[3] events one call at a time and prints `{"appended":N,"ms":T}`.
 */
import { openStore, type StoreConfig } from '../core/store';
import { AuditLog, createAuditKey } from '../core/audit';

export const WORKER_AUDIT_KEY = { keyId: 'bench-key', algorithm: 'hmac-sha256', secret: 'bench-secret-bench-secret-bench-secret' } as const;

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '') as StoreConfig;
  const count = Number(process.argv[3]);
  const writerId = process.argv[4] ?? String(process.pid);
  if (!Number.isInteger(count) || count < 1) throw new Error(`Event count "${process.argv[3]}" must be a positive whole number.`);

  const store = await openStore(config);
  const log = new AuditLog(store.db, { key: createAuditKey(WORKER_AUDIT_KEY), digestSalt: 'bench-salt', checkpointInterval: 100 });
  const started = process.hrtime.bigint();
  try {
    for (let index = 0; index < count; index++) {
      await log.append([
        {
          step: 'received',
          actor: { type: 'system', id: `writer-${writerId}` },
          submissionId: `SUB-${writerId}-${index}`,
          outcome: 'success',
          details: { writer: writerId, index },
        },
      ]);
    }
  } finally {
    await store.close();
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(`${JSON.stringify({ appended: count, ms })}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
