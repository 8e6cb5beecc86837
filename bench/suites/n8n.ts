/**
 * Template workflow 1 and the baseline workflow in one real n8n (regular mode, one process, its
 * own SQLite database), the Contact Hub Store on SQLite and the CHS simulator in this process, all
 * on 127.0.0.1. Records requests per second, p50/p95/p99 latency to the 201 and errors at each
 * number of concurrent clients, the n8n process tree's peak RSS per repeat, and checks that every
 * reference the run handed out is unique.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type StoreConfig } from '../../core/store';
import { startN8n } from '../../scripts/n8n/harness';
import { createChsSimulator } from '../../simulators/chs';
import { MemorySampler } from '../lib/rss';
import type { Recorder, SuiteName } from '../lib/results';
import { deployBenchWorkflows } from '../lib/workflows';
import { ReferenceTracker, runLoadRepeat, warmUp, type LoadContext, type LoadSettings } from './n8nLoad';

export type N8nSettings = LoadSettings;

export const DEFAULT_N8N_SETTINGS: N8nSettings = { clients: [1, 10, 50], durationSeconds: 8, warmupSeconds: 3, drainTimeoutSeconds: 120 };

/** Environment for every benchmarked n8n process: warnings only, so logging costs little. */
export const BENCH_N8N_ENV = { N8N_LOG_LEVEL: 'warn' } as const;

/** Starts the CHS simulator on a free port with its database in `folder`. */
export async function startBenchChs(folder: string): Promise<{ url: string; apiKey: string; close(): Promise<void> }> {
  const apiKey = `chs-bench-${randomBytes(8).toString('hex')}`;
  const chs = await createChsSimulator({ port: 0, host: '127.0.0.1', databasePath: join(folder, 'chs.sqlite'), auth: { apiKey }, log: 'silent' });
  return { url: chs.url, apiKey, close: () => chs.close() };
}

/** Reads every stored reference and records whether they, and the references in the 201 responses, are unique. */
export async function checkReferences(recorder: Recorder, suite: SuiteName, store: StoreConfig, tracker: ReferenceTracker): Promise<void> {
  const opened = await openStore(store);
  try {
    const rows = await opened.db.query<{ reference: string }>('SELECT reference FROM contact_hub_references');
    const stored = new Set(rows.map((row) => row.reference));
    const missing = [...tracker.references].filter((reference) => !stored.has(reference));
    const passed = stored.size === rows.length && tracker.duplicates.length === 0 && missing.length === 0;
    recorder.check({
      suite,
      name: 'references unique',
      passed,
      detail:
        `${rows.length} references stored, ${stored.size} distinct; ${tracker.successes} template responses with 201, ` +
        `${tracker.references.size} distinct references in them, ${tracker.duplicates.length} repeated, ` +
        `${missing.length} not in the store, ${tracker.withoutReference} without a reference`,
    });
  } finally {
    await opened.close();
  }
}

export async function runN8nSuite(
  recorder: Recorder,
  repeats: number,
  settings: N8nSettings = DEFAULT_N8N_SETTINGS,
  log: (line: string) => void = console.log,
): Promise<Record<string, unknown>> {
  const folder = mkdtempSync(join(tmpdir(), 'contact-hub-bench-n8n-'));
  const chs = await startBenchChs(folder);
  const store: StoreConfig = { type: 'sqlite', path: join(folder, 'contact-hub.sqlite') };
  let n8n: Awaited<ReturnType<typeof startN8n>> | undefined;
  try {
    const migrated = await openStore(store);
    await migrated.close();
    log('  starting n8n');
    n8n = await startN8n({ userFolder: join(folder, 'n8n'), env: { ...BENCH_N8N_ENV } });
    const instance = n8n;
    await instance.setupOwner();
    const deployment = await deployBenchWorkflows(instance, { store, chs });

    const context: LoadContext = {
      recorder,
      suite: 'n8n',
      group: 'n8n, regular mode (one process)',
      idPrefix: 'n8n',
      settings,
      deployment,
      webhookUrl: (path) => instance.webhookUrl(path),
      chsUrl: chs.url,
      tracker: new ReferenceTracker(),
      runTag: `bench-${randomBytes(3).toString('hex')}`,
      log,
    };
    await warmUp(context);
    for (let repeat = 0; repeat < repeats; repeat++) {
      log(`  repeat ${repeat + 1} of ${repeats}`);
      const sampler = new MemorySampler({ n8n: instance.pid });
      sampler.start();
      await runLoadRepeat(context);
      const peak = sampler.stop().n8n;
      recorder.record(
        { id: 'n8n.memory.tree', suite: 'n8n', group: 'n8n memory', label: 'n8n process and its task runner: peak RSS during one repeat', unit: 'MiB', better: 'lower' },
        peak.peakTreeRssMiB,
      );
      recorder.record(
        { id: 'n8n.memory.hwm', suite: 'n8n', group: 'n8n memory', label: 'n8n main process: VmHWM (peak RSS since start) at the end of the repeat', unit: 'MiB', better: 'lower' },
        peak.rootHwmMiB,
      );
    }
    await checkReferences(recorder, 'n8n', store, context.tracker);
    return { ...settings, store: 'sqlite', n8nDatabase: 'sqlite' };
  } finally {
    await n8n?.stop();
    await chs.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
