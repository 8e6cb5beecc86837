/**
 * Fault tests in a real n8n with the templates: n8n killed with SIGKILL in the middle of a burst of
 * submissions, the CHS simulator down for a while, and PostgreSQL (the Contact Hub Store) restarted
 * mid-burst. After each, the reconciler template must finish every submission: each one answered
 * 201 ends with exactly one CHS incident, one Athena occurrence, a completed ledger entry and its
 * audit events, and the whole audit chain verifies.
 *
 * The PostgreSQL restart runs last because other test runs share that server; set
 * CONTACT_HUB_SKIP_PG_RESTART=1 to skip it. Needs `npm run build`, the n8n install in the cache,
 * PostgreSQL at 127.0.0.1:5432 and `pg_ctlcluster` rights to restart it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startN8n, type N8nInstance } from '../../scripts/n8n/harness';
import { delay, expectEveryAcceptedSubmissionFinished, FaultEnvironment, newSubmissionIds, sendBurst, type FaultDeployment, type SentSubmission } from './faultsEnvironment';

const execFileAsync = promisify(execFile);

jest.setTimeout(20 * 60_000);

const SKIP_PG_RESTART = process.env.CONTACT_HUB_SKIP_PG_RESTART === '1';
const PG_CLUSTER = (process.env.CONTACT_HUB_PG_CLUSTER ?? '15/main').split('/');

// Short times so a test waits one or two polls (n8n polls at most once a minute), not the defaults of 15 and 10 minutes.
const RECONCILER = { thresholdMinutes: 0.5, leaseMinutes: 1, maxAttempts: 5, maxPerPoll: 100 };

let folder: string;
let env: FaultEnvironment;
let n8n: N8nInstance;
let deployment: FaultDeployment;

/** Answers by HTTP status (0 for no answer), with the first body of each, for failure messages. */
function statusCounts(sent: SentSubmission[]): Record<string, number | string> {
  const counts: Record<string, number | string> = {};
  for (const answer of sent) {
    counts[answer.status] = ((counts[answer.status] as number | undefined) ?? 0) + 1;
    counts[`${answer.status}-example`] ??= answer.error ?? JSON.stringify(answer.body ?? null).slice(0, 300);
  }
  return counts;
}

/** Stored submissions that have not reached the final step. */
async function strandedSubmissions(submissionIds: string[]): Promise<string[]> {
  const store = await env.openStore();
  try {
    const entries = await Promise.all(submissionIds.map((id) => store.intake.get(id)));
    return entries
      .filter((entry) => entry !== null && ['received', 'reference-allocated', 'written-to-chs'].includes(entry.state))
      .map((entry) => entry!.submissionId);
  } finally {
    await store.close();
  }
}

/** When the PostgreSQL server started, to prove that the restart happened. */
async function postmasterStartTime(): Promise<string> {
  const store = await env.openStore();
  try {
    const [row] = await store.db.query<{ started: string }>('SELECT pg_postmaster_start_time()::text AS started');
    return row.started;
  } finally {
    await store.close();
  }
}

function intakeUrl(): string {
  return n8n.webhookUrl(deployment.intakePath);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills n8n and its task runner at once, as a crash or an OOM kill would. */
async function killN8n(): Promise<void> {
  process.kill(-n8n.pid, 'SIGKILL');
  while (isAlive(n8n.pid)) await delay(100);
}

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'contact-hub-faults-'));
  env = new FaultEnvironment(folder);
  await env.start();
  n8n = await startN8n({ userFolder: path.join(folder, 'n8n') });
  await n8n.setupOwner();
  deployment = await env.deploy(n8n, RECONCILER);
});

afterAll(async () => {
  await n8n?.stop();
  await env?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('n8n faults', () => {
  it('recovers from SIGKILL mid-burst', async () => {
    const submissionIds = newSubmissionIds('kill', 30);
    let kill: Promise<void> | undefined;
    const sent = await sendBurst(intakeUrl(), deployment.soh, submissionIds, 6, (answered) => {
      if (!kill && answered.filter((answer) => answer.status === 201).length >= 8) kill = killN8n();
    });
    await kill;
    expect(statusCounts(sent)).toHaveProperty('201');
    expect(kill).toBeDefined();
    // Some requests were in flight when n8n died, so some submissions got no 201.
    expect(sent.filter((answer) => answer.status === 201).length).toBeLessThan(submissionIds.length);

    // With n8n dead, some stored submissions must have stopped before the final step, or the kill proved nothing.
    const stranded = await strandedSubmissions(submissionIds);
    expect(stranded.length).toBeGreaterThan(0);

    n8n = await startN8n({ userFolder: n8n.userFolder, skipPackageInstall: true });
    await expectEveryAcceptedSubmissionFinished(env, sent);
    // At start-up n8n 2.41 runs the executions that were queued but not started when it died. Those
    // submissions finish without the reconciler, but the ones whose executions were running need it.
    const store = await env.openStore();
    try {
      const redriven = [];
      for (const submissionId of stranded) if (((await store.intake.get(submissionId))?.redriveCount ?? 0) > 0) redriven.push(submissionId);
      expect(redriven.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('recovers from CHS down for a while', async () => {
    await env.stopChs();
    const submissionIds = newSubmissionIds('chs-down', 20);
    const sent = await sendBurst(intakeUrl(), deployment.soh, submissionIds, 5);
    expect(sent.filter((answer) => answer.status === 201)).toHaveLength(submissionIds.length);

    // Longer than the CHS Writer's retries, so executions give up and the reconciler must finish them.
    await delay(60_000);
    expect((await strandedSubmissions(submissionIds)).length).toBeGreaterThan(0);
    await env.startChs();

    await expectEveryAcceptedSubmissionFinished(env, sent);
  });

  (SKIP_PG_RESTART ? it.skip : it)('recovers from a PostgreSQL restart mid-burst', async () => {
    const startedBefore = await postmasterStartTime();
    const submissionIds = newSubmissionIds('pg-restart', 30);
    let restart: Promise<unknown> | undefined;
    const sent = await sendBurst(intakeUrl(), deployment.soh, submissionIds, 6, (answered) => {
      if (!restart && answered.filter((answer) => answer.status === 201).length >= 8) {
        restart = execFileAsync('pg_ctlcluster', [PG_CLUSTER[0], PG_CLUSTER[1], 'restart'], { timeout: 60_000 });
      }
    });
    await restart;
    expect(restart).toBeDefined();
    expect(await postmasterStartTime()).not.toBe(startedBefore);

    await expectEveryAcceptedSubmissionFinished(env, sent);
  });
});
