/**
 * Template workflow 1 and the baseline workflow in one real n8n (regular mode, one process, its
 * own SQLite database), the Contact Hub Store on SQLite and the CHS simulator in this process, all
 * on 127.0.0.1. Records requests per second, p50/p95/p99 latency to the 201 and errors at each
 * number of concurrent clients, the n8n process tree's peak RSS per repeat, and checks that every
 * reference the run handed out is unique.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { openStore, type ContactHubStore, type StoreConfig } from '../../core/store';
import { RECOMMENDED_ENV, startN8n, type N8nInstance } from '../../scripts/n8n/harness';
import { createChsSimulator } from '../../simulators/chs';
import { MemorySampler } from '../lib/rss';
import type { Recorder, SuiteName } from '../lib/results';
import { deployBenchWorkflows, type BenchDeployment } from '../lib/workflows';
import { ReferenceTracker, runLoadRepeat, warmUp, type LoadContext, type LoadSettings } from './n8nLoad';

export interface N8nSettings extends LoadSettings {
  /**
   * Numbers of clients of one extra repeat in a second n8n with n8n's default expression settings
   * (isolates acquired eagerly), to show what the recommended setting changes. Empty skips it.
   */
  defaultSettingsClients: number[];
}

export const DEFAULT_N8N_SETTINGS: N8nSettings = { clients: [1, 10, 50], durationSeconds: 10, rampSeconds: 5, warmupSeconds: 3, drainTimeoutSeconds: 120, defaultSettingsClients: [1, 10] };

/** n8n's default for the setting that RECOMMENDED_ENV changes, for the comparison run. */
const N8N_DEFAULT_EXPRESSION_ENV = { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'false' } as const;

/** Environment for every benchmarked n8n process: warnings only, so logging costs little. */
export const BENCH_N8N_ENV = { N8N_LOG_LEVEL: 'warn' } as const;

/** Starts the CHS simulator on a free port with its database in `folder`. */
export async function startBenchChs(folder: string): Promise<{ url: string; apiKey: string; close(): Promise<void> }> {
  const apiKey = `chs-bench-${randomBytes(8).toString('hex')}`;
  const chs = await createChsSimulator({ port: 0, host: '127.0.0.1', databasePath: join(folder, 'chs.sqlite'), auth: { apiKey }, log: 'silent' });
  return { url: chs.url, apiKey, close: () => chs.close() };
}

/** Returns a function that counts the references in the store, for the drain wait. */
export function referenceCounter(store: ContactHubStore): () => Promise<number> {
  return async () => {
    const [row] = await store.db.query<{ count: number | string }>('SELECT COUNT(*) AS count FROM contact_hub_references');
    return Number(row.count);
  };
}

/**
 * Reads every stored reference and records three checks: that they, and the references in the 201
 * responses, are unique, that every drain wait finished, and that the CHS simulator has an
 * incident for every stored reference.
 */
export async function checkReferences(recorder: Recorder, suite: SuiteName, store: ContactHubStore, tracker: ReferenceTracker, chsUrl: string): Promise<void> {
  const rows = await store.db.query<{ reference: string }>('SELECT reference FROM contact_hub_references');
  const stored = new Set(rows.map((row) => row.reference));
  const missing = [...tracker.references].filter((reference) => !stored.has(reference));
  recorder.check({
    suite,
    name: 'references unique',
    passed: stored.size === rows.length && tracker.duplicates.length === 0 && missing.length === 0,
    detail:
      `${rows.length} references stored, ${stored.size} distinct; ${tracker.successes} template responses with 201, ` +
      `${tracker.references.size} distinct references in them, ${tracker.duplicates.length} repeated, ` +
      `${missing.length} not in the store, ${tracker.withoutReference} without a reference`,
  });

  recorder.check({
    suite,
    name: 'executions finished between loads',
    passed: tracker.incompleteDrains.length === 0,
    detail: tracker.incompleteDrains.length === 0 ? 'every drain wait ended with no running execution' : tracker.incompleteDrains.join('; '),
  });

  const incidents = Number((await axios.get(`${chsUrl}/__sim/stats`, { timeout: 10_000 })).data.incidents);
  recorder.check({
    suite,
    name: 'one CHS incident per reference',
    passed: incidents === rows.length,
    detail: `${incidents} CHS incidents for ${rows.length} stored references`,
  });
}

/** A running n8n with the benchmark workflows, its CHS simulator and a reader on its store. */
interface BenchEnvironment {
  n8n: N8nInstance;
  chs: { url: string };
  reader: ContactHubStore;
  deployment: BenchDeployment;
}

/**
 * Starts a CHS simulator, a Contact Hub Store on SQLite and an n8n with `env` and the benchmark
 * workflows, all in `folder`, runs `work` on them and stops them again.
 */
async function withBenchEnvironment<T>(
  folder: string,
  env: Record<string, string>,
  startMessage: string,
  log: (line: string) => void,
  work: (environment: BenchEnvironment) => Promise<T>,
): Promise<T> {
  mkdirSync(folder, { recursive: true });
  const chs = await startBenchChs(folder);
  const store: StoreConfig = { type: 'sqlite', path: join(folder, 'contact-hub.sqlite') };
  let n8n: N8nInstance | undefined;
  let reader: ContactHubStore | undefined;
  try {
    // Opening the store migrates it before n8n starts, and the benchmark keeps it open to count references.
    reader = await openStore(store);
    log(startMessage);
    n8n = await startN8n({ userFolder: join(folder, 'n8n'), env: { ...BENCH_N8N_ENV, ...env } });
    await n8n.setupOwner();
    const deployment = await deployBenchWorkflows(n8n, { store, chs });
    return await work({ n8n, chs, reader, deployment });
  } finally {
    await n8n?.stop();
    await reader?.close();
    await chs.close();
  }
}

/** Builds the load context of one group of figures on a benchmark environment. */
function benchLoadContext(
  recorder: Recorder,
  settings: N8nSettings,
  environment: BenchEnvironment,
  figures: Pick<LoadContext, 'group' | 'idPrefix' | 'withTargets'>,
  log: (line: string) => void,
): LoadContext {
  const { n8n, chs, reader, deployment } = environment;
  return {
    ...figures,
    recorder,
    suite: 'n8n',
    settings,
    deployment,
    webhookUrl: (path) => n8n.webhookUrl(path),
    chsUrl: chs.url,
    countReferences: referenceCounter(reader),
    countRunningExecutions: async () => (await n8n.executions({ status: 'running', limit: 250 })).length,
    tracker: new ReferenceTracker(),
    runTag: `bench-${randomBytes(3).toString('hex')}`,
    log,
  };
}

export async function runN8nSuite(
  recorder: Recorder,
  repeats: number,
  settings: N8nSettings = DEFAULT_N8N_SETTINGS,
  log: (line: string) => void = console.log,
): Promise<Record<string, unknown>> {
  const folder = mkdtempSync(join(tmpdir(), 'contact-hub-bench-n8n-'));
  try {
    await withBenchEnvironment(folder, {}, '  starting n8n', log, async (environment) => {
      const context = benchLoadContext(recorder, settings, environment, { group: 'n8n, regular mode (one process)', idPrefix: 'n8n' }, log);
      await warmUp(context);
      for (let repeat = 0; repeat < repeats; repeat++) {
        log(`  repeat ${repeat + 1} of ${repeats}`);
        const sampler = new MemorySampler({ n8n: environment.n8n.pid });
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
      await checkReferences(recorder, 'n8n', environment.reader, context.tracker, environment.chs.url);
    });

    // A separate n8n, simulator and store, because each deployment's audit key credential is new
    // and one audit chain takes one key.
    if (settings.defaultSettingsClients.length > 0) {
      const message = "  starting a second n8n with n8n's default expression settings";
      await withBenchEnvironment(join(folder, 'default-settings'), N8N_DEFAULT_EXPRESSION_ENV, message, log, async (environment) => {
        const figures = {
          group: "n8n, regular mode, n8n's default expression settings (for comparison)",
          idPrefix: 'n8n.default-expression-settings',
          withTargets: false,
        };
        const context = benchLoadContext(recorder, settings, environment, figures, log);
        await warmUp(context);
        await runLoadRepeat(context, ['baseline', 'template'], settings.defaultSettingsClients);
      });
    }
    return { ...settings, store: 'sqlite', n8nDatabase: 'sqlite', n8nEnvironment: RECOMMENDED_ENV };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
