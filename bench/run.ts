/**
 * Runs the benchmarks (`npm run bench`), each beside a baseline measured in the same run, and
 * writes one JSON result file under bench/results/. A run of every suite also updates
 * bench/results/latest.json and the tables in BENCHMARKS.md. `--render FILE` only rewrites the
 * tables in BENCHMARKS.md from a result file.
 *
 *   npm run bench -- [--only core,store,audit,n8n,queue] [--repeats 3] [--duration 10] [--clients 1,10,50]
 *                    [--write-page] [--no-write-page]
 *   npm run bench -- --render bench/results/latest.json
 *
 * Needs PostgreSQL on 127.0.0.1:5432 (store, audit, queue), Redis on 127.0.0.1:6379 (queue),
 * `npm run build` and the n8n install in the cache (n8n, queue). All traffic stays on 127.0.0.1.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { describeMachine, postgresStartTime } from './lib/machine';
import { renderResults, writeResultsSection } from './lib/markdown';
import { Recorder, reportFigures, SUITES, type BenchRun, type SuiteName } from './lib/results';
import { DEFAULT_AUDIT_SETTINGS, runAuditSuite, type AuditSettings } from './suites/audit';
import { DEFAULT_CORE_SETTINGS, runCoreSuite, type CoreSettings } from './suites/core';
import { DEFAULT_N8N_SETTINGS, runN8nSuite, type N8nSettings } from './suites/n8n';
import { DEFAULT_QUEUE_SETTINGS, runQueueSuite, type QueueSettings } from './suites/queue';
import { DEFAULT_STORE_SETTINGS, runStoreSuite, type StoreSettings } from './suites/store';

const ROOT = join(__dirname, '..');

export interface BenchOptions {
  suites: SuiteName[];
  repeats: number;
  core: CoreSettings;
  store: StoreSettings;
  audit: AuditSettings;
  n8n: N8nSettings;
  queue: QueueSettings;
  /** Folder for the JSON result files. */
  resultsDir: string;
  /** Page whose generated section is replaced; undefined leaves every page alone. */
  pagePath?: string;
  /** Also write `latest.json` in `resultsDir`. */
  writeLatest: boolean;
  command: string;
  log: (line: string) => void;
}

export const USAGE =
  'Usage: npm run bench -- [--only core,store,audit,n8n,queue] [--repeats N] [--duration SECONDS] [--clients 1,10,50] [--write-page | --no-write-page], ' +
  'or npm run bench -- --render RESULT_FILE';

function positiveInteger(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a whole number of at least 1; got "${value ?? ''}". ${USAGE}`);
  return number;
}

/** Parses the command line into options with the defaults for everything not given. */
export function parseArguments(argv: readonly string[]): BenchOptions {
  let suites: SuiteName[] = [...SUITES];
  let repeats = 3;
  let duration: number | undefined;
  let clients: number[] | undefined;
  let writePage: boolean | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    const value = argv[index + 1];
    if (argument === '--only') {
      const names = (value ?? '').split(',').filter((name) => name !== '');
      const unknown = names.filter((name) => !(SUITES as readonly string[]).includes(name));
      if (names.length === 0 || unknown.length > 0) throw new Error(`--only takes suite names from ${SUITES.join(', ')}; got "${value ?? ''}". ${USAGE}`);
      suites = SUITES.filter((suite) => names.includes(suite));
      index++;
    } else if (argument === '--repeats') {
      repeats = positiveInteger('repeats', value);
      index++;
    } else if (argument === '--duration') {
      duration = positiveInteger('duration', value);
      index++;
    } else if (argument === '--clients') {
      clients = (value ?? '').split(',').map((part) => positiveInteger('clients', part));
      index++;
    } else if (argument === '--write-page') {
      writePage = true;
    } else if (argument === '--no-write-page') {
      writePage = false;
    } else {
      throw new Error(`Unknown option "${argument}". ${USAGE}`);
    }
  }

  const full = suites.length === SUITES.length;
  const load = { ...(duration ? { durationSeconds: duration } : {}), ...(clients ? { clients } : {}) };
  return {
    suites,
    repeats,
    core: { ...DEFAULT_CORE_SETTINGS },
    store: { ...DEFAULT_STORE_SETTINGS },
    audit: { ...DEFAULT_AUDIT_SETTINGS },
    n8n: {
      ...DEFAULT_N8N_SETTINGS,
      ...load,
      defaultSettingsClients: DEFAULT_N8N_SETTINGS.defaultSettingsClients.filter((count) => !clients || clients.includes(count)),
    },
    queue: { ...DEFAULT_QUEUE_SETTINGS, ...load, scalingClients: (clients ?? DEFAULT_QUEUE_SETTINGS.scalingClients).filter((count) => count > 1) },
    resultsDir: join(ROOT, 'bench', 'results'),
    // A partial run leaves the page alone unless --write-page is given, so the page shows one whole run.
    pagePath: (writePage ?? full) ? join(ROOT, 'BENCHMARKS.md') : undefined,
    writeLatest: writePage ?? full,
    command: ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    log: console.log,
  };
}

async function runSuite(name: SuiteName, options: BenchOptions, recorder: Recorder): Promise<Record<string, unknown>> {
  switch (name) {
    case 'core':
      return runCoreSuite(recorder, options.repeats, options.core);
    case 'store':
      return runStoreSuite(recorder, options.repeats, options.store);
    case 'audit':
      return runAuditSuite(recorder, options.repeats, options.audit);
    case 'n8n':
      return runN8nSuite(recorder, options.repeats, options.n8n, options.log);
    case 'queue':
      return runQueueSuite(recorder, options.repeats, options.queue, options.log);
  }
}

/** Runs the chosen suites. A failing suite is reported in the result, and the others still run. */
export async function runBench(options: BenchOptions): Promise<{ run: BenchRun; resultFile: string }> {
  const startedAt = new Date();
  const machine = await describeMachine();
  const postgresStartedAt = await postgresStartTime();
  const recorder = new Recorder();
  const settings: Record<string, unknown> = {};
  const failures: BenchRun['failures'] = [];

  for (const suite of options.suites) {
    const suiteStart = Date.now();
    options.log(`${suite}: running ${options.repeats} repeat(s)`);
    try {
      settings[suite] = await runSuite(suite, options, recorder);
      options.log(`${suite}: done in ${((Date.now() - suiteStart) / 1000).toFixed(0)} s`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      failures.push({ suite, error: message });
      options.log(`${suite}: failed after ${((Date.now() - suiteStart) / 1000).toFixed(0)} s: ${message}`);
    }
  }

  machine.loadAverage.end = loadavg()[0];
  if (options.suites.some((suite) => suite === 'store' || suite === 'audit' || suite === 'queue')) {
    const startedAtEnd = await postgresStartTime();
    recorder.check({
      suite: 'store',
      name: 'PostgreSQL not restarted during the run',
      passed: startedAtEnd === postgresStartedAt,
      detail: `server start time ${postgresStartedAt ?? 'unknown'} before the run and ${startedAtEnd ?? 'unknown'} after it`,
    });
  }
  const run: BenchRun = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: options.command,
    repeats: options.repeats,
    suites: options.suites,
    machine,
    settings,
    checks: recorder.checks,
    failures,
    figures: reportFigures(recorder.list()),
  };

  mkdirSync(options.resultsDir, { recursive: true });
  const resultFile = join(options.resultsDir, `${run.startedAt.replace(/[:.]/g, '-')}.json`);
  const json = `${JSON.stringify(run, null, 2)}\n`;
  writeFileSync(resultFile, json);
  if (options.writeLatest) writeFileSync(join(options.resultsDir, 'latest.json'), json);
  if (options.pagePath) writeResultsSection(options.pagePath, renderResults(run));
  return { run, resultFile };
}

async function main(): Promise<void> {
  const renderIndex = process.argv.indexOf('--render');
  if (renderIndex >= 0) {
    const file = process.argv[renderIndex + 1];
    if (!file) throw new Error(`--render needs a result file, e.g. bench/results/latest.json. ${USAGE}`);
    writeResultsSection(join(ROOT, 'BENCHMARKS.md'), renderResults(JSON.parse(readFileSync(file, 'utf8')) as BenchRun));
    console.log(`BENCHMARKS.md rewritten from ${file}`);
    return;
  }

  // The n8n harness kills the processes it started in an exit handler, which a bare SIGINT skips.
  // NOTE: an interrupted run still leaves its PostgreSQL schemas (`contact_hub_*_bench_*`,
  // `n8n_queue_*`), Redis keys and temporary folders behind, because cleanup runs in `finally` blocks.
  process.once('SIGINT', () => process.exit(130));
  const options = parseArguments(process.argv.slice(2));
  const { run, resultFile } = await runBench(options);
  console.log(`\n${renderResults(run)}\n`);
  console.log(`Results written to ${resultFile}${options.pagePath ? ` and ${options.pagePath}` : ''}`);
  if (run.failures.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
