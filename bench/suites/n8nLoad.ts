/**
 * Load points shared by the n8n suites: template workflow 1 and the baseline workflow under
 * autocannon at each number of concurrent clients. Both the single-process and the queue-mode
 * suites use the figures, the drain wait and the reference tracking defined here.
 */
import axios from 'axios';
import type { LoadResult } from '../lib/load';
import { runLoad } from '../lib/load';
import type { FigureSpec, Recorder, SuiteName } from '../lib/results';
import { signedHeaders, submissionBodyFactory, type BenchDeployment } from '../lib/workflows';

export interface LoadSettings {
  /** Numbers of concurrent clients (autocannon connections). */
  clients: number[];
  durationSeconds: number;
  /** Seconds of load at the start of every load point that are not measured (see LoadOptions.rampSeconds). */
  rampSeconds: number;
  /** Unrecorded load on each workflow before the first repeat. */
  warmupSeconds: number;
  /** Upper limit of the wait for the executions that follow each template load, in seconds. */
  drainTimeoutSeconds: number;
}

export type WorkflowKey = 'baseline' | 'template';

const WORKFLOW_LABELS: Record<WorkflowKey, string> = {
  baseline: 'baseline: Webhook → Respond to Webhook',
  template: 'template 1: SOH Trigger → … → CHS Writer → Audit Logger',
};

/** Tracks the template's 201 responses and their references, for the drain wait and the uniqueness check. */
export class ReferenceTracker {
  readonly references = new Set<string>();

  readonly duplicates: string[] = [];

  /** Template responses with status 201. Each one with a reference must lead to one CHS incident. */
  successes = 0;

  /** 201 responses without a reference (the "reference not allocated" branch), which create no CHS incident. */
  withoutReference = 0;

  /** Drain waits that ended with executions still running or references without a CHS incident. */
  incompleteDrains: string[] = [];

  recordSuccess(body: string): void {
    this.successes++;
    let reference: unknown;
    try {
      reference = (JSON.parse(body) as { data?: { attributes?: { reference?: unknown } } }).data?.attributes?.reference;
    } catch {
      reference = undefined;
    }
    if (typeof reference !== 'string') {
      this.withoutReference++;
      return;
    }
    if (this.references.has(reference)) this.duplicates.push(reference);
    this.references.add(reference);
  }
}

export interface LoadContext {
  recorder: Recorder;
  suite: SuiteName;
  group: string;
  /** Prefix of figure ids, e.g. `n8n` or `queue`. */
  idPrefix: string;
  settings: LoadSettings;
  deployment: BenchDeployment;
  webhookUrl: (path: string) => string;
  chsUrl: string;
  /** Returns how many references the Contact Hub Store contains, for the drain wait. */
  countReferences: () => Promise<number>;
  /** Returns how many executions n8n lists as running, for the drain wait. */
  countRunningExecutions: () => Promise<number>;
  tracker: ReferenceTracker;
  /** Prefix of generated submission ids, unique to this run. */
  runTag: string;
  /** Label for the workflow column, e.g. `template 1, 1 worker`, in place of the default labels. */
  workflowLabel?: (key: WorkflowKey) => string;
  /** Figure id segment for the workflow, `baseline` or `template` by default. */
  workflowId?: (key: WorkflowKey) => string;
  /** False for comparison loads, whose figures carry no targets. */
  withTargets?: boolean;
  log: (line: string) => void;
}

let submissionCounter = 0;

async function chsIncidentCount(chsUrl: string): Promise<number> {
  const response = await axios.get(`${chsUrl}/__sim/stats`, { timeout: 10_000 });
  return Number(response.data.incidents);
}

/**
 * Waits until the executions a template load started have finished, so they do not run into the
 * next measurement. Requests still in flight when autocannon stops keep running in n8n. The wait
 * is over when n8n lists no running execution, the CHS simulator contains an incident for every
 * stored reference, and these counts stayed the same for two seconds. It gives up, returns false
 * and records why when the counts stop changing for 15 seconds without getting there (n8n can
 * leave an execution marked running) or when the timeout passes.
 */
export async function waitForDrain(context: LoadContext): Promise<boolean> {
  const deadline = Date.now() + context.settings.drainTimeoutSeconds * 1000;
  let previous = '';
  let stableSince = Date.now();
  for (;;) {
    const incidents = await chsIncidentCount(context.chsUrl);
    const references = await context.countReferences();
    const running = await context.countRunningExecutions();
    const state = `${incidents}/${references}/${running}`;
    if (state !== previous) {
      previous = state;
      stableSince = Date.now();
    }
    if (incidents >= references && running === 0 && Date.now() - stableSince >= 2_000) return true;
    const stalled = Date.now() - stableSince >= 15_000;
    if (stalled || Date.now() > deadline) {
      const reason = stalled ? 'no progress for 15 s' : `timed out after ${context.settings.drainTimeoutSeconds} s`;
      const detail = `${reason}: ${incidents} CHS incidents for ${references} stored references, ${running} executions listed as running`;
      context.tracker.incompleteDrains.push(detail);
      context.log(`  drain ended early, ${detail}`);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function loadWorkflow(context: LoadContext, key: WorkflowKey, clients: number, durationSeconds: number): Promise<LoadResult> {
  const makeSubmission = submissionBodyFactory();
  const path = key === 'template' ? context.deployment.templatePath : context.deployment.baselinePath;
  const result = await runLoad({
    url: context.webhookUrl(path),
    connections: clients,
    durationSeconds,
    rampSeconds: context.settings.rampSeconds,
    expectedStatus: 201,
    contentType: 'application/vnd.api+json',
    makeBody: () => makeSubmission(`${context.runTag}-${++submissionCounter}`),
    makeHeaders: (body) => signedHeaders(context.deployment.soh, body),
    onSuccessBody: key === 'template' ? (body) => context.tracker.recordSuccess(body) : undefined,
  });
  if (key === 'template') await waitForDrain(context);
  return result;
}

/** Runs unrecorded load on both workflows so the first measured repeat does not pay for n8n's first-call costs. */
export async function warmUp(context: LoadContext, keys: WorkflowKey[] = ['baseline', 'template']): Promise<void> {
  for (const key of keys) {
    const result = await loadWorkflow(context, key, Math.min(10, Math.max(...context.settings.clients)), context.settings.warmupSeconds);
    context.log(`  warm-up ${key}: ${result.succeeded} responses with 201, ${result.errors} errors`);
  }
}

/** Runs one repeat of every load point and records its figures. The baseline runs first at each point. */
export async function runLoadRepeat(context: LoadContext, keys: WorkflowKey[] = ['baseline', 'template'], clientsList = context.settings.clients): Promise<void> {
  for (const clients of clientsList) {
    for (const key of keys) {
      const result = await loadWorkflow(context, key, clients, context.settings.durationSeconds);
      recordLoad(context, key, clients, result);
      context.log(
        `  ${key.padEnd(8)} ${String(clients).padStart(3)} clients: ${result.requestsPerSecond.toFixed(1)} req/s, ` +
          `p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms, errors ${result.errors} ${JSON.stringify(result.statusCounts)}`,
      );
      for (const sample of result.errorSamples) context.log(`    unexpected response ${sample}`);
    }
  }
}

function recordLoad(context: LoadContext, key: WorkflowKey, clients: number, result: LoadResult): void {
  const workflowId = context.workflowId?.(key) ?? key;
  const id = (workflow: string, metric: string) => `${context.idPrefix}.${workflow}.c${clients}.${metric}`;
  const label = context.workflowLabel?.(key) ?? WORKFLOW_LABELS[key];
  const isTemplate = key === 'template';
  const hasTargets = isTemplate && context.withTargets !== false;
  const base = (metric: 'rps' | 'p50' | 'p95' | 'p99' | 'errors', unit: string, better: 'higher' | 'lower'): FigureSpec => ({
    id: id(workflowId, metric),
    suite: context.suite,
    group: context.group,
    label: `${label}, ${clients} clients: ${metric}`,
    unit,
    better,
    baselineId: isTemplate && metric !== 'errors' ? id(context.workflowId?.('baseline') ?? 'baseline', metric) : undefined,
    load: { workflow: label, clients, metric },
  });

  const rps = base('rps', 'req/s', 'higher');
  if (hasTargets) rps.target = { kind: 'ratio-of-baseline', min: 0.5 };
  context.recorder.record(rps, result.requestsPerSecond);
  context.recorder.record(base('p50', 'ms', 'lower'), result.p50Ms);
  context.recorder.record(base('p95', 'ms', 'lower'), result.p95Ms);
  const p99 = base('p99', 'ms', 'lower');
  if (hasTargets && clients === 10) p99.target = { kind: 'at-most', max: 250 };
  context.recorder.record(p99, result.p99Ms);
  context.recorder.record(base('errors', 'count', 'lower'), result.errors);
}
