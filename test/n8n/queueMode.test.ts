/**
 * The same recovery in n8n queue mode: a main process, a webhook process and two workers on
 * PostgreSQL and Redis, with the Contact Hub Store in PostgreSQL. A worker is killed with SIGKILL
 * while it runs executions. The reconciler on the main process must then finish every submission,
 * with no submission lost, none written twice and every reference unique.
 *
 * Needs `npm run build`, the n8n install in the cache, PostgreSQL at 127.0.0.1:5432 and Redis at
 * 127.0.0.1:6379.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startQueueCluster, type N8nQueueCluster } from '../../scripts/n8n/queueMode';
import { SimulatorClient } from '../../simulators/common';
import { delay, expectEveryAcceptedSubmissionFinished, FaultEnvironment, newSubmissionIds, sendBurst, type FaultDeployment } from './faultsEnvironment';

jest.setTimeout(20 * 60_000);

const RECONCILER = { thresholdMinutes: 0.5, leaseMinutes: 1, maxAttempts: 5, maxPerPoll: 100 };
// Each CHS write takes this long, so a worker always has executions part-way when it is killed.
const CHS_DELAY_MS = 4_000;

let folder: string;
let env: FaultEnvironment;
let cluster: N8nQueueCluster;
let deployment: FaultDeployment;

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'contact-hub-queue-'));
  env = new FaultEnvironment(path.join(folder, 'environment'));
  await env.start();
  cluster = await startQueueCluster({ folder: path.join(folder, 'n8n'), workers: 2, workerConcurrency: 5, lockDurationMs: 10_000 });
  await cluster.main.setupOwner();
  deployment = await env.deploy(cluster.main, RECONCILER);
});

afterAll(async () => {
  await cluster?.stop();
  await env?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('n8n queue mode', () => {
  it('recovers from a worker killed mid-execution', async () => {
    const chs = new SimulatorClient(env.chs.url);
    await chs.setFault({ mode: 'delay', delayMs: CHS_DELAY_MS });

    const submissionIds = newSubmissionIds('queue', 24);
    let kill: Promise<void> | undefined;
    let unfinishedAtKill = 0;
    const sent = await sendBurst(
      cluster.webhookUrl(deployment.intakePath),
      deployment.soh,
      submissionIds,
      6,
      async (answered) => {
        if (kill || answered.filter((answer) => answer.status === 201).length < 6) return;
        kill = cluster.killWorker(0);
        await kill;
        const store = await env.openStore();
        try {
          const entries = await Promise.all(submissionIds.map((id) => store.intake.get(id)));
          unfinishedAtKill = entries.filter((entry) => entry && entry.state !== 'completed' && entry.state !== 'written-to-athena').length;
        } finally {
          await store.close();
        }
      },
      // A request whose execution died on the killed worker gets no answer from the webhook process.
      30_000,
    );
    expect(kill).toBeDefined();
    expect(unfinishedAtKill).toBeGreaterThan(0);

    await chs.clearFaults();
    await cluster.restartWorker(0);
    await delay(1_000);

    await expectEveryAcceptedSubmissionFinished(env, sent);
    // The killed worker's executions are not run again by n8n (its queue allows no stalled job to
    // restart), so the reconciler must have re-driven at least one submission.
    const store = await env.openStore();
    try {
      const entries = await Promise.all(submissionIds.map((id) => store.intake.get(id)));
      expect(entries.filter((entry) => (entry?.redriveCount ?? 0) > 0).length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
