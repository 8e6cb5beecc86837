/** One log line per request, and the counters behind `GET /__sim/stats`. */
import { appendFileSync } from 'node:fs';

/** Destination of request lines: standard output, a file (appended), or nowhere. */
export type RequestLogDestination = 'stdout' | 'silent' | { file: string };

export interface RequestLogEntry {
  method: string;
  path: string;
  /** HTTP status sent, or `dropped` when the connection was destroyed instead. */
  status: number | 'dropped';
  idempotencyKey?: string;
  fault?: string;
  replayed?: boolean;
  /** True when the key had been used before with a different request (rejected with 409). */
  idempotencyConflict?: boolean;
  durationMs: number;
}

export function formatRequestLogLine(simulatorName: string, entry: RequestLogEntry, at: Date = new Date()): string {
  const parts = [
    at.toISOString(),
    simulatorName,
    entry.method,
    entry.path,
    String(entry.status),
    `key=${entry.idempotencyKey ?? '-'}`,
    `fault=${entry.fault ?? '-'}`,
  ];
  if (entry.replayed) parts.push('replayed');
  parts.push(`${entry.durationMs}ms`);
  return parts.join(' ');
}

export function createRequestLogger(simulatorName: string, destination: RequestLogDestination): (entry: RequestLogEntry) => void {
  if (destination === 'silent') return () => undefined;
  if (destination === 'stdout') {
    return (entry) => process.stdout.write(`${formatRequestLogLine(simulatorName, entry)}\n`);
  }
  return (entry) => appendFileSync(destination.file, `${formatRequestLogLine(simulatorName, entry)}\n`);
}

export interface SimulatorStats {
  requests: number;
  /** Count per status code sent, plus `dropped` for connections destroyed by a fault. */
  requestsByStatus: Record<string, number>;
  idempotentReplays: number;
  idempotencyConflicts: number;
  faultsApplied: Record<string, number>;
}

export function emptyStats(): SimulatorStats {
  return { requests: 0, requestsByStatus: {}, idempotentReplays: 0, idempotencyConflicts: 0, faultsApplied: {} };
}

export function recordRequest(stats: SimulatorStats, entry: RequestLogEntry): void {
  stats.requests += 1;
  const status = String(entry.status);
  stats.requestsByStatus[status] = (stats.requestsByStatus[status] ?? 0) + 1;
  if (entry.replayed) stats.idempotentReplays += 1;
  if (entry.idempotencyConflict) stats.idempotencyConflicts += 1;
  if (entry.fault !== undefined) stats.faultsApplied[entry.fault] = (stats.faultsApplied[entry.fault] ?? 0) + 1;
}
