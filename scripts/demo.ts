/**
 * The main job, `npm start`: builds the package, starts the CHS and Athena simulators, a local
 * mail server and a real n8n with this package installed, deploys and publishes the templates,
 * sends a sample submission and prints what happened to it. Keeps running until Ctrl+C.
 *
 * Ports: n8n 5678, CHS simulator 5681, Athena simulator 5682 (override with N8N_PORT,
 * CHS_PORT, ATHENA_PORT). Everything it stores is under `.run/` in the clone, cleared at each start.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import axios from 'axios';
import { ContactHubEnvironment, readAuditTrail, sendSubmission, startContactHubEnvironment } from './demo/environment';
import { DEMO_STATE_FILE, DemoState, SAMPLE_FILE } from './send-sample';

const ROOT = path.resolve(__dirname, '..');
const RUN_DIR = path.join(ROOT, '.run');

const PORTS = {
  n8n: Number(process.env.N8N_PORT ?? 5678),
  chs: Number(process.env.CHS_PORT ?? 5681),
  athena: Number(process.env.ATHENA_PORT ?? 5682),
};

let stepNumber = 0;
/** Set once everything is started, so a failure after that stops what the demo started. */
let running: ContactHubEnvironment | undefined;
function step(text: string): void {
  stepNumber += 1;
  process.stdout.write(`\n[${stepNumber}] ${text}\n`);
}

function fail(what: string, why: string, todo: string): never {
  process.stderr.write(`\nFAILED: ${what}\n  Why: ${why}\n  What to do: ${todo}\n`);
  process.exit(1);
}

async function portIsFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const PORT_LABELS: Record<keyof typeof PORTS, { label: string; variable: string }> = {
  n8n: { label: 'n8n', variable: 'N8N_PORT' },
  chs: { label: 'the CHS simulator', variable: 'CHS_PORT' },
  athena: { label: 'the Athena simulator', variable: 'ATHENA_PORT' },
};

/** Stops a second demo in this clone: it would clear `.run/`, the running demo's data. */
function checkNoDemoRunning(): void {
  let state: DemoState;
  try {
    state = JSON.parse(readFileSync(DEMO_STATE_FILE, 'utf8')) as DemoState;
  } catch {
    return;
  }
  if (state.pid === undefined || state.pid === process.pid) return;
  try {
    process.kill(state.pid, 0);
  } catch {
    return;
  }
  fail(
    `a demo started from this clone is still running (process ${state.pid})`,
    `a second start would clear ${path.relative(ROOT, RUN_DIR)}/, which holds the running demo's store and n8n data`,
    'use the running demo, or stop it with Ctrl+C in its terminal first; for a second demo beside it, use a second clone with other ports',
  );
}

async function checkPorts(): Promise<void> {
  const taken: string[] = [];
  for (const [name, port] of Object.entries(PORTS) as Array<[keyof typeof PORTS, number]>) {
    if (!(await portIsFree(port))) taken.push(`${port} (for ${PORT_LABELS[name].label}; choose another with ${PORT_LABELS[name].variable}=<port>)`);
  }
  if (taken.length > 0) {
    fail(
      `port${taken.length > 1 ? 's' : ''} on 127.0.0.1 already in use: ${taken.join(', ')}`,
      'another program, or an earlier `npm start` that is still running, listens on it',
      'stop that program (find it with `ss -ltnp`), or start with the variables named above, e.g. N8N_PORT=5690 npm start',
    );
  }
}

function build(): void {
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    fail('building the package (npm run build)', `${result.stdout}${result.stderr}`.trim().slice(-3000), 'fix the compile errors shown above, then run `npm start` again');
  }
}

async function waitForExecution(environment: ContactHubEnvironment, workflowId: string): Promise<void> {
  try {
    await environment.n8n.waitForExecutions(workflowId, 1, 60_000);
  } catch (error) {
    process.stdout.write(`  The workflow has not finished yet: ${(error as Error).message}\n`);
  }
}

async function printRecords(environment: ContactHubEnvironment, submissionId: string): Promise<void> {
  const chsDump = await axios.get(`${environment.chs.url}/__sim/incidents`, { timeout: 10_000 });
  const incidents = chsDump.data.items as Array<Record<string, unknown>>;
  const incident = incidents.find((candidate) => JSON.stringify(candidate).includes(submissionId));
  process.stdout.write(
    incident
      ? `  CHS incident ${String(incident.id)}: ${environment.chs.url}/api/v1/incidents/${String(incident.id)} (send header X-API-Key: ${environment.chs.apiKey})\n`
      : `  No CHS incident for this submission yet; all incidents: ${environment.chs.url}/__sim/incidents\n`,
  );

  const athenaDump = await axios.get(`${environment.athena.url}/__sim/dump`, { timeout: 10_000 });
  const occurrences = (athenaDump.data.occurrences ?? []) as Array<Record<string, unknown>>;
  const occurrence = occurrences.find((candidate) => JSON.stringify(candidate).includes(submissionId));
  process.stdout.write(
    occurrence
      ? `  Athena occurrence ${String(occurrence.id)}: ${environment.athena.url}/api/v1/occurrences/${String(occurrence.id)} (send header X-API-Key: ${environment.athena.apiKey})\n`
      : `  No Athena occurrence for this submission yet; everything stored: ${environment.athena.url}/__sim/dump\n`,
  );
  const stats = await axios.get(`${environment.athena.url}/__sim/stats`, { timeout: 10_000 });
  const { occurrences: occurrenceCount, nominals, links, descriptions } = stats.data as Record<string, number>;
  process.stdout.write(`  Athena holds ${occurrenceCount} occurrence(s), ${nominals} nominal(s), ${links} nominal link(s), ${descriptions} description(s)\n`);
}

async function printAuditTrail(environment: ContactHubEnvironment, submissionId: string): Promise<void> {
  const trail = await readAuditTrail(environment.storePath, environment.deployment, submissionId);
  if (trail.events.length === 0) process.stdout.write('  No audit events for this submission yet.\n');
  for (const event of trail.events) {
    const target = event.targetSystem ? ` → ${event.targetSystem} ${event.recordId ?? ''}` : '';
    process.stdout.write(`  #${event.sequence} ${event.occurredAtLondon} ${event.step} (${event.action}, ${event.outcome})${target}\n`);
  }
  process.stdout.write(
    trail.verify.ok
      ? `  Chain verified: ${trail.verify.eventsChecked} events, no break.\n`
      : `  Chain verification FAILED: ${JSON.stringify(trail.verify.firstProblem)}\n`,
  );
}

async function main(): Promise<void> {
  process.stdout.write('Contact Hub demo: a real n8n with the Contact Hub nodes, simulated CHS and Athena, and a sample submission.\n');

  checkNoDemoRunning();
  step(`Checking ports ${PORTS.n8n} (n8n), ${PORTS.chs} (CHS) and ${PORTS.athena} (Athena) on 127.0.0.1`);
  await checkPorts();

  step('Building the package (npm run build)');
  build();

  step(`Clearing ${path.relative(ROOT, RUN_DIR)}/ from the last run`);
  rmSync(RUN_DIR, { recursive: true, force: true });

  let environment: ContactHubEnvironment;
  try {
    environment = running = await startContactHubEnvironment({
      dataDir: RUN_DIR,
      ports: PORTS,
      onStep: (text) => step(text),
    });
  } catch (error) {
    fail(
      'starting the demo',
      (error as Error).message,
      `read the log it names (n8n writes ${path.relative(ROOT, path.join(RUN_DIR, 'n8n', 'n8n.log'))}); for an n8n install problem run \`bash scripts/n8n/install.sh\` and try again`,
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping n8n, the simulators and the mail server...\n`);
    await environment.stop();
    process.stdout.write('Stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl+C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  const { deployment, n8n } = environment;
  const state: DemoState = {
    webhookUrl: deployment.webhookUrls.apiToChsAndAthena,
    soh: deployment.soh,
    n8nUrl: n8n.baseUrl,
    pid: process.pid,
  };
  writeFileSync(DEMO_STATE_FILE, JSON.stringify(state, null, 2));

  step(`Sending a sample submission (${path.relative(ROOT, SAMPLE_FILE)}) to ${state.webhookUrl}`);
  const document = JSON.parse(readFileSync(SAMPLE_FILE, 'utf8'));
  const submissionId = String(
    (document.included as Array<{ type: string; attributes: { submissionId: string } }>).find((entry) => entry.type === 'submission')
      ?.attributes.submissionId,
  );
  const answer = await sendSubmission(state.webhookUrl, document, deployment.soh);
  process.stdout.write(`  HTTP ${answer.status}\n  ${JSON.stringify(answer.body)}\n`);
  if (answer.status !== 201) {
    process.stdout.write(`  Expected 201. Open the execution in the editor to see why, or read ${path.relative(ROOT, n8n.logFile)}.\n`);
  } else {
    process.stdout.write(`  Reference for the person reporting: ${answer.reference ?? '(none in the answer)'}\n`);
  }

  step('Waiting for the workflow to write to CHS and Athena');
  await waitForExecution(environment, deployment.workflows.apiToChsAndAthena!.id);
  await printRecords(environment, submissionId);

  step(`Audit trail of submission ${submissionId}`);
  await printAuditTrail(environment, submissionId);

  process.stdout.write(
    `\nReady.\n` +
      `  n8n editor:        ${n8n.baseUrl}  (sign in as ${environment.owner.email} / ${environment.owner.password})\n` +
      `  iHub Standard API: ${deployment.webhookUrls.apiToChsAndAthena}\n` +
      `  Operator review:   ${deployment.webhookUrls.operatorReviewForm}\n` +
      `  Manual handling:   n8n → Overview → Data tables → contact_hub_manual_handling\n` +
      `  Send another submission (a new terminal):\n` +
      `    npx tsx scripts/send-sample.ts test/fixtures/e2e/ocr-bicycle-theft.json --new-id\n` +
      `Press Ctrl+C to stop everything.\n`,
  );
}

main().catch(async (error: unknown) => {
  await running?.stop();
  fail('the demo', (error as Error).stack ?? String(error), 'read the message above; run `npm start` again once it is fixed');
});
