/**
 * The one result format every benchmark suite writes: figures keyed by a stable id, each with one
 * value per repeat, an optional baseline figure measured in the same run and an optional target.
 */
import { summarise, type Summary } from './stats';

export const SUITES = ['core', 'store', 'audit', 'n8n', 'queue'] as const;
export type SuiteName = (typeof SUITES)[number];

/** A target the issue sets for a figure. */
export type Target =
  /** The figure's median must be at least `min` times its baseline's median (throughput). */
  | { kind: 'ratio-of-baseline'; min: number }
  /** The figure's median must not exceed `max` (latency, errors). */
  | { kind: 'at-most'; max: number };

export interface FigureSpec {
  /** Stable key, e.g. `store.sqlite.allocate`; a baseline is referred to by this id. */
  id: string;
  suite: SuiteName;
  /** Table the figure appears in on the page. */
  group: string;
  label: string;
  /** `ops/s`, `req/s`, `ms`, `MiB`, `s`, `count`. */
  unit: string;
  better: 'higher' | 'lower';
  baselineId?: string;
  target?: Target;
  /** Load figures: the workflow, the number of concurrent clients and the metric, for the load table layout. */
  load?: { workflow: string; clients: number; metric: 'rps' | 'p50' | 'p95' | 'p99' | 'errors' };
}

export interface Figure extends FigureSpec {
  /** One value per repeat, in run order. */
  values: number[];
}

export interface FigureReport extends Figure {
  summary: Summary;
  baselineMedian?: number;
  /** Median over baseline median. */
  ratio?: number;
  /** Undefined when the figure has no target. */
  targetMet?: boolean;
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  n8n: string;
  postgres?: string;
  redis?: string;
  /** 1-minute load average when the run started and when it finished; above `cpus` means other work competed for the CPUs. */
  loadAverage: { start: number; end?: number };
}

export interface BenchRun {
  startedAt: string;
  finishedAt: string;
  command: string;
  repeats: number;
  suites: SuiteName[];
  machine: MachineInfo;
  /** Settings each suite ran with (counts, durations), so a reader can reproduce the run. */
  settings: Record<string, unknown>;
  /** Facts measured beside the figures, such as the reference uniqueness check after the queue-mode run. */
  checks: Check[];
  /** Suites that failed, with their error, so one broken part does not hide the others' figures. */
  failures: Array<{ suite: SuiteName; error: string }>;
  figures: FigureReport[];
}

export interface Check {
  suite: SuiteName;
  name: string;
  passed: boolean;
  detail: string;
}

/** Collects figures and checks as the suites run. */
export class Recorder {
  private readonly figures = new Map<string, Figure>();

  readonly checks: Check[] = [];

  /** Adds one repeat's value to a figure, creating the figure on its first value. */
  record(spec: FigureSpec, value: number): void {
    const existing = this.figures.get(spec.id);
    if (existing) {
      existing.values.push(value);
      return;
    }
    this.figures.set(spec.id, { ...spec, values: [value] });
  }

  check(check: Check): void {
    this.checks.push(check);
  }

  get(id: string): Figure | undefined {
    return this.figures.get(id);
  }

  list(): Figure[] {
    return [...this.figures.values()];
  }
}

/** Summarises every figure and compares it with its baseline and target. */
export function reportFigures(figures: readonly Figure[]): FigureReport[] {
  const summaries = new Map(figures.map((figure) => [figure.id, summarise(figure.values)]));
  return figures.map((figure) => {
    const summary = summaries.get(figure.id)!;
    const baselineMedian = figure.baselineId ? summaries.get(figure.baselineId)?.median : undefined;
    const ratio = baselineMedian !== undefined && baselineMedian !== 0 ? summary.median / baselineMedian : undefined;
    let targetMet: boolean | undefined;
    if (figure.target?.kind === 'ratio-of-baseline') targetMet = ratio !== undefined && ratio >= figure.target.min;
    if (figure.target?.kind === 'at-most') targetMet = Number.isFinite(summary.median) && summary.median <= figure.target.max;
    return { ...figure, summary, baselineMedian, ratio, targetMet };
  });
}
