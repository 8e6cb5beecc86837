/**
 * The benchmark runner with a tiny configuration: argument parsing, statistics, the result file
 * and the generated page. Nothing here asserts speed, and the figures only have to exist and be
 * positive.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderResults, RESULTS_END, RESULTS_START, writeResultsSection } from '../../../bench/lib/markdown';
import { Recorder, reportFigures, type BenchRun } from '../../../bench/lib/results';
import { median, quantile, summarise } from '../../../bench/lib/stats';
import { parseArguments, runBench } from '../../../bench/run';
import { largeDocument, smallDocument } from '../../../bench/suites/core';
import { parseSubmission } from '../../../core/sdm';

jest.setTimeout(120_000);

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'contact-hub-bench-test-'));
});

afterEach(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('bench statistics', () => {
  test('median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  test('quantile by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.95)).toBe(95);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
  });

  test('summarise gives relative spread', () => {
    const summary = summarise([90, 100, 110]);
    expect(summary.median).toBe(100);
    expect(summary.min).toBe(90);
    expect(summary.max).toBe(110);
    expect(summary.relativeSpread).toBeCloseTo(0.2);
    expect(summary.runs).toBe(3);
  });
});

describe('bench figures', () => {
  test('ratio and targets against baseline', () => {
    const recorder = new Recorder();
    const common = { suite: 'store', group: 'g', unit: 'ops/s', better: 'higher' } as const;
    for (const value of [100, 120, 80]) recorder.record({ ...common, id: 'base', label: 'baseline' }, value);
    for (const value of [60, 40, 50]) recorder.record({ ...common, id: 'fast', label: 'fast', baselineId: 'base', target: { kind: 'ratio-of-baseline', min: 0.5 } }, value);
    for (const value of [30, 40, 20]) recorder.record({ ...common, id: 'slow', label: 'slow', baselineId: 'base', target: { kind: 'ratio-of-baseline', min: 0.5 } }, value);
    recorder.record({ ...common, id: 'latency', label: 'p99', unit: 'ms', better: 'lower', target: { kind: 'at-most', max: 250 } }, 300);

    const byId = new Map(reportFigures(recorder.list()).map((figure) => [figure.id, figure]));
    expect(byId.get('fast')?.ratio).toBeCloseTo(0.5);
    expect(byId.get('fast')?.targetMet).toBe(true);
    expect(byId.get('slow')?.ratio).toBeCloseTo(0.3);
    expect(byId.get('slow')?.targetMet).toBe(false);
    expect(byId.get('latency')?.targetMet).toBe(false);
    expect(byId.get('base')?.targetMet).toBeUndefined();
  });
});

describe('bench arguments', () => {
  test('defaults run every suite and write the page', () => {
    const options = parseArguments([]);
    expect(options.suites).toEqual(['core', 'store', 'audit', 'n8n', 'queue']);
    expect(options.repeats).toBe(3);
    expect(options.n8n.clients).toEqual([1, 10, 50]);
    expect(options.pagePath).toMatch(/BENCHMARKS\.md$/);
    expect(options.writeLatest).toBe(true);
  });

  test('only one suite leaves the page alone', () => {
    const options = parseArguments(['--only', 'n8n', '--repeats', '5', '--duration', '4', '--clients', '1,10']);
    expect(options.suites).toEqual(['n8n']);
    expect(options.repeats).toBe(5);
    expect(options.n8n.durationSeconds).toBe(4);
    expect(options.n8n.clients).toEqual([1, 10]);
    expect(options.queue.scalingClients).toEqual([10]);
    expect(options.pagePath).toBeUndefined();
    expect(options.writeLatest).toBe(false);
  });

  test('invalid options are rejected by name', () => {
    expect(() => parseArguments(['--only', 'cpu'])).toThrow(/--only takes suite names/);
    expect(() => parseArguments(['--repeats', '0'])).toThrow(/--repeats must be a whole number/);
    expect(() => parseArguments(['--clients', '1,x'])).toThrow(/--clients must be a whole number/);
    expect(() => parseArguments(['--fast'])).toThrow(/Unknown option "--fast"/);
  });
});

describe('bench documents', () => {
  test('small and large SDM documents parse', () => {
    const small = smallDocument();
    const large = largeDocument();
    expect(small.byteLength).toBeGreaterThan(4 * 1024);
    expect(small.byteLength).toBeLessThan(8 * 1024);
    expect(large.byteLength).toBeGreaterThanOrEqual(200 * 1024);
    expect(parseSubmission(small, { source: 'standard-api' }).ok).toBe(true);
    expect(parseSubmission(large, { source: 'standard-api' }).ok).toBe(true);
  });
});

describe('bench page', () => {
  test('generated section replaced, rest kept', () => {
    const page = join(folder, 'BENCHMARKS.md');
    writeFileSync(page, `# Benchmarks\n\nIntro stays.\n\n${RESULTS_START}\nold figures\n${RESULTS_END}\n\nNotes stay.\n`);
    writeResultsSection(page, 'new figures');
    const text = readFileSync(page, 'utf8');
    expect(text).toContain('Intro stays.');
    expect(text).toContain('Notes stay.');
    expect(text).toContain('new figures');
    expect(text).not.toContain('old figures');
  });
});

describe('bench load table', () => {
  test('load figures render per row', () => {
    const recorder = new Recorder();
    const load = (workflow: string, metric: 'rps' | 'p99' | 'errors') => ({ workflow, clients: 10, metric });
    const spec = { suite: 'n8n', group: 'n8n', better: 'higher' } as const;
    recorder.record({ ...spec, id: 'b.rps', label: 'b rps', unit: 'req/s', load: load('baseline', 'rps') }, 20);
    recorder.record({ ...spec, id: 't.rps', label: 't rps', unit: 'req/s', baselineId: 'b.rps', target: { kind: 'ratio-of-baseline', min: 0.5 }, load: load('template', 'rps') }, 5);
    recorder.record({ ...spec, id: 't.p99', label: 't p99', unit: 'ms', better: 'lower', target: { kind: 'at-most', max: 250 }, load: load('template', 'p99') }, Number.NaN);
    recorder.record({ ...spec, id: 't.errors', label: 't errors', unit: 'count', better: 'lower', load: load('template', 'errors') }, 3);
    const run: BenchRun = {
      startedAt: '2026-12-04T21:00:00.000Z',
      finishedAt: '2026-12-04T21:10:00.000Z',
      command: 'npm run bench',
      repeats: 1,
      suites: ['n8n'],
      machine: { cpus: 2, cpuModel: 'test CPU', memoryGiB: 4, os: 'Linux', node: 'v24', n8n: '2.41.1', loadAverage: { start: 1, end: 1 } },
      settings: {},
      checks: [{ suite: 'n8n', name: 'references unique', passed: false, detail: '2 repeated' }],
      failures: [],
      figures: reportFigures(recorder.list()),
    };
    const text = renderResults(run);
    const templateRow = text.split('\n').find((line) => line.startsWith('| template | 10 |'));

    expect(templateRow).toBeDefined();
    expect(templateRow).toContain('| 5.00 (0%) |');
    expect(templateRow).toContain('| 3 (max 3) |');
    expect(templateRow).toContain('0.25×');
    expect(templateRow).toContain('rps ≥ 50% of baseline: **missed**');
    expect(templateRow).toContain('p99 ≤ 250: **missed**');
    expect(text).toContain('| n8n | references unique | **failed** | 2 repeated |');
  });
});

describe('bench runner', () => {
  test('core suite with a tiny configuration', async () => {
    const page = join(folder, 'BENCHMARKS.md');
    const options = {
      ...parseArguments(['--only', 'core', '--repeats', '2']),
      core: { durationMs: 5 },
      resultsDir: join(folder, 'results'),
      pagePath: page,
      writeLatest: true,
      log: () => undefined,
    };
    const { run, resultFile } = await runBench(options);

    expect(run.failures).toEqual([]);
    expect(readdirSync(join(folder, 'results')).sort()).toEqual(['latest.json', resultFile.split('/').pop()].sort());
    const written = JSON.parse(readFileSync(resultFile, 'utf8')) as BenchRun;
    expect(written.repeats).toBe(2);
    expect(written.machine.cpus).toBeGreaterThan(0);
    const parse = written.figures.find((figure) => figure.id === 'core.sdm.large.parse');
    expect(parse?.values).toHaveLength(2);
    expect(parse?.summary.median).toBeGreaterThan(0);
    expect(parse?.baselineId).toBe('core.sdm.large.json-parse');
    expect(parse?.ratio).toBeGreaterThan(0);
    expect(existsSync(page)).toBe(true);
    expect(readFileSync(page, 'utf8')).toContain('parseSubmission');
  });
});
