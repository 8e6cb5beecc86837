/**
 * The n8n load points again with n8n in queue mode, started by the queue-mode harness. It runs one
 * main process, one webhook process that receives the production webhooks, and two workers. n8n's
 * database and the Contact Hub Store are in PostgreSQL, each in a schema dropped afterwards, and
 * the queue is in Redis. The same loads then run with one worker stopped, to show how throughput
 * scales with workers. The run ends with a check that every reference handed out is unique.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type ContactHubStore, type StoreConfig } from '../../core/store';
import { startQueueCluster, type N8nQueueCluster } from '../../scripts/n8n/queueMode';
import { BENCH_POSTGRES, dropSchema, uniqueSchemaName } from '../lib/postgres';
import { MemorySampler } from '../lib/rss';
import type { Recorder } from '../lib/results';
import { deployBenchWorkflows } from '../lib/workflows';
import { BENCH_N8N_ENV, checkReferences, referenceCounter, startBenchChs } from './n8n';
import { ReferenceTracker, runLoadRepeat, warmUp, type LoadContext, type LoadSettings } from './n8nLoad';

export interface QueueSettings extends LoadSettings {
  workers: number;
  /** Executions one worker runs at once (`n8n worker --concurrency`); n8n's own default is 10. */
  workerConcurrency: number;
  /** Client counts measured again with one worker stopped; empty to skip the scaling comparison. */
  scalingClients: number[];
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = {
  clients: [1, 10, 50],
  durationSeconds: 10,
  rampSeconds: 5,
  warmupSeconds: 3,
  drainTimeoutSeconds: 120,
  workers: 2,
  workerConcurrency: 10,
  scalingClients: [10, 50],
};

const GROUP = 'n8n, queue mode';

function recordMemory(recorder: Recorder, cluster: N8nQueueCluster, sampler: MemorySampler, phase: string): void {
  const peaks = sampler.stop();
  let total = 0;
  for (const [label, peak] of Object.entries(peaks)) {
    total += peak.peakTreeRssMiB;
    recorder.record(
      { id: `queue.memory.${phase}.${label}`, suite: 'queue', group: 'n8n memory', label: `queue mode, ${phase}: ${label} peak RSS (with its children)`, unit: 'MiB', better: 'lower' },
      peak.peakTreeRssMiB,
    );
  }
  recorder.record(
    {
      id: `queue.memory.${phase}.total`,
      suite: 'queue',
      group: 'n8n memory',
      label: `queue mode, ${phase}: sum of the processes' peaks (${cluster.workers.length} worker processes started)`,
      unit: 'MiB',
      better: 'lower',
    },
    total,
  );
}

function memoryRoots(cluster: N8nQueueCluster, workerIndexes: number[]): Record<string, number> {
  const roots: Record<string, number> = { main: cluster.main.pid, webhook: cluster.webhook.instance.pid };
  for (const index of workerIndexes) roots[`worker ${index + 1}`] = cluster.workers[index].instance.pid;
  return roots;
}

export async function runQueueSuite(
  recorder: Recorder,
  repeats: number,
  settings: QueueSettings = DEFAULT_QUEUE_SETTINGS,
  log: (line: string) => void = console.log,
): Promise<Record<string, unknown>> {
  const folder = mkdtempSync(join(tmpdir(), 'contact-hub-bench-queue-'));
  const chs = await startBenchChs(folder);
  const storeSchema = uniqueSchemaName('contact_hub_queue_bench');
  const store: StoreConfig = { type: 'postgres', ...BENCH_POSTGRES, schema: storeSchema, maxConnections: 6 };
  let cluster: N8nQueueCluster | undefined;
  let reader: ContactHubStore | undefined;
  try {
    // Creating the store's tables before n8n starts keeps the first submissions from racing the
    // migrations. The benchmark keeps the store open to count references.
    reader = await openStore(store);
    log(`  starting n8n in queue mode: main, webhook process and ${settings.workers} workers`);
    cluster = await startQueueCluster({
      folder: join(folder, 'n8n'),
      workers: settings.workers,
      workerConcurrency: settings.workerConcurrency,
      env: { ...BENCH_N8N_ENV },
    });
    const running = cluster;
    await running.main.setupOwner();
    const deployment = await deployBenchWorkflows(running.main, { store, chs });
    const tracker = new ReferenceTracker();
    const runTag = `bench-queue-${randomBytes(3).toString('hex')}`;
    const context: LoadContext = {
      recorder,
      suite: 'queue',
      group: `${GROUP}, ${settings.workers} workers`,
      idPrefix: 'queue',
      settings,
      deployment,
      webhookUrl: (path) => running.webhookUrl(path),
      chsUrl: chs.url,
      countReferences: referenceCounter(reader),
      countRunningExecutions: async () => (await running.main.executions({ status: 'running', limit: 250 })).length,
      tracker,
      runTag,
      workflowLabel: (key) => (key === 'template' ? `template 1, ${settings.workers} workers` : `baseline, ${settings.workers} workers`),
      log,
    };

    await warmUp(context);
    const allWorkers = running.workers.map((_, index) => index);
    for (let repeat = 0; repeat < repeats; repeat++) {
      log(`  repeat ${repeat + 1} of ${repeats}, ${settings.workers} workers`);
      const sampler = new MemorySampler(memoryRoots(running, allWorkers));
      sampler.start();
      await runLoadRepeat(context);
      recordMemory(recorder, running, sampler, `${settings.workers} workers`);
    }

    if (settings.scalingClients.length > 0 && settings.workers > 1) {
      log('  stopping all workers but the first, for the scaling comparison');
      for (let index = 1; index < running.workers.length; index++) await running.killWorker(index, 'SIGTERM');
      const oneWorker: LoadContext = {
        ...context,
        group: `${GROUP}, 1 worker (the others stopped)`,
        workflowLabel: (key) => (key === 'template' ? 'template 1, 1 worker' : 'baseline, 1 worker'),
        workflowId: (key) => `${key}-1w`,
      };
      for (let repeat = 0; repeat < repeats; repeat++) {
        log(`  repeat ${repeat + 1} of ${repeats}, 1 worker`);
        await runLoadRepeat(oneWorker, ['baseline', 'template'], settings.scalingClients);
      }
      recordScaling(recorder, settings);
    }

    await checkReferences(recorder, 'queue', reader, tracker, chs.url);
    return { ...settings, store: 'postgres', n8nDatabase: 'postgres', redis: 'redis', webhookProcess: true };
  } finally {
    await cluster?.stop();
    await reader?.close();
    await chs.close();
    await dropSchema(storeSchema);
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Records, per repeat, template 1's throughput with all workers over its throughput with one worker. */
function recordScaling(recorder: Recorder, settings: QueueSettings): void {
  for (const clients of settings.scalingClients) {
    const allWorkersRates = recorder.get(`queue.template.c${clients}.rps`)?.values ?? [];
    const oneWorkerRates = recorder.get(`queue.template-1w.c${clients}.rps`)?.values ?? [];
    for (let index = 0; index < Math.min(allWorkersRates.length, oneWorkerRates.length); index++) {
      recorder.record(
        {
          id: `queue.scaling.c${clients}`,
          suite: 'queue',
          group: 'n8n, queue mode: scaling with workers',
          label: `template 1, ${clients} clients: req/s with ${settings.workers} workers ÷ req/s with 1 worker`,
          unit: '×',
          better: 'higher',
        },
        oneWorkerRates[index] > 0 ? allWorkersRates[index] / oneWorkerRates[index] : Number.NaN,
      );
    }
  }
}
