/**
 * Samples the resident memory of process trees from Linux `/proc`. It sums `VmRSS` over a root
 * process and all its descendants, because n8n starts a task runner as a child. It also reads the
 * root's `VmHWM`, the peak RSS that the kernel keeps for each process.
 */
import { readdirSync, readFileSync } from 'node:fs';

function readStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    // The process exited between listing and reading.
    return 0;
  }
}

/** Returns the pid of `root` and of every descendant, from the parent ids in `/proc/<pid>/stat`. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name in brackets may contain spaces, so parse after its closing bracket.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      // The process exited while the list was read.
    }
  }
  const tree: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface MemoryPeak {
  /** Largest sampled sum of VmRSS over the tree, in MiB. */
  peakTreeRssMiB: number;
  /** Largest VmHWM of the root process seen, in MiB. */
  rootHwmMiB: number;
  samples: number;
}

/** Samples the trees of `roots` every `intervalMs` until `stop()`; each root is reported separately by its label. */
export class MemorySampler {
  private readonly peaks = new Map<string, MemoryPeak>();

  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly roots: Record<string, number>,
    private readonly intervalMs = 250,
  ) {
    for (const label of Object.keys(roots)) this.peaks.set(label, { peakTreeRssMiB: 0, rootHwmMiB: 0, samples: 0 });
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): Record<string, MemoryPeak> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(this.peaks);
  }

  private sample(): void {
    for (const [label, root] of Object.entries(this.roots)) {
      const peak = this.peaks.get(label)!;
      const treeKiB = processTree(root).reduce((sum, pid) => sum + readStatusKiB(pid, 'VmRSS'), 0);
      peak.peakTreeRssMiB = Math.max(peak.peakTreeRssMiB, treeKiB / 1024);
      peak.rootHwmMiB = Math.max(peak.rootHwmMiB, readStatusKiB(root, 'VmHWM') / 1024);
      peak.samples++;
    }
  }
}
