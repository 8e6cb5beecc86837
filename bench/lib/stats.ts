/** Order statistics for benchmark figures. Pure functions, no I/O. */

/** Returns the `q` quantile (0 to 1) of already sorted values by the nearest-rank method, or NaN when empty. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Returns the `q` quantile (0 to 1) of unsorted values. */
export function quantile(values: readonly number[], q: number): number {
  return quantileSorted([...values].sort((a, b) => a - b), q);
}

/** Returns the median; for an even count, the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** (max − min) / median, so 0.1 means the runs lay within 10% of the median's size. NaN for a zero median. */
  relativeSpread: number;
  runs: number;
}

export function summarise(values: readonly number[]): Summary {
  const finite = values.filter((value) => Number.isFinite(value));
  const middle = median(finite);
  const min = finite.length > 0 ? Math.min(...finite) : Number.NaN;
  const max = finite.length > 0 ? Math.max(...finite) : Number.NaN;
  return { median: middle, min, max, relativeSpread: middle !== 0 ? (max - min) / Math.abs(middle) : Number.NaN, runs: finite.length };
}
