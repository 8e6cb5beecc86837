/** Exports of the audit log for auditors and the ICO: JSON Lines and CSV, both carrying the hashes. */
import type { SqlDatabase, SqlValue } from '../store/types';
import type { AuditEvent } from './event';

export interface AuditExportOptions {
  format: 'jsonl' | 'csv';
  /** Inclusive lower bound on `occurredAtUtc`, ISO 8601. */
  from?: string;
  /** Exclusive upper bound on `occurredAtUtc`, ISO 8601. */
  to?: string;
  submissionId?: string;
}

export const CSV_COLUMNS = [
  'sequence',
  'eventId',
  'occurredAtUtc',
  'occurredAtLondon',
  'step',
  'action',
  'actorType',
  'actorId',
  'actorName',
  'actorRole',
  'submissionId',
  'reference',
  'targetSystem',
  'targetRecordId',
  'recipient',
  'outcome',
  'justification',
  'details',
  'digests',
  'contentDigest',
  'digestKeyId',
  'previousHash',
  'hash',
] as const;

export interface AuditExport {
  content: string;
  eventCount: number;
  mimeType: 'application/jsonl' | 'text/csv';
  fileExtension: 'jsonl' | 'csv';
}

/**
 * Writes the selected events in sequence order. Each JSON Lines line is the stored event text
 * itself, so an auditor can recompute each hash from the line without trusting this code.
 */
export async function exportEvents(db: SqlDatabase, options: AuditExportOptions): Promise<AuditExport> {
  if (options.format !== 'jsonl' && options.format !== 'csv') {
    throw new Error(`Export format "${String(options.format)}" is not supported; use jsonl or csv.`);
  }
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  if (options.from) {
    params.push(normaliseInstant(options.from, 'from'));
    conditions.push(`occurred_at_utc >= $${params.length}`);
  }
  if (options.to) {
    params.push(normaliseInstant(options.to, 'to'));
    conditions.push(`occurred_at_utc < $${params.length}`);
  }
  if (options.submissionId) {
    params.push(options.submissionId);
    conditions.push(`submission_id = $${params.length}`);
  }
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const rows = await db.query<{ eventJson: string }>(`SELECT event_json AS "eventJson" FROM audit_events ${where} ORDER BY sequence`, params);

  if (options.format === 'jsonl') {
    const content = rows.map((row) => `${row.eventJson}\n`).join('');
    return { content, eventCount: rows.length, mimeType: 'application/jsonl', fileExtension: 'jsonl' };
  }

  const lines = [CSV_COLUMNS.join(',')];
  for (const row of rows) lines.push(toCsvRow(JSON.parse(row.eventJson) as AuditEvent));
  return { content: `${lines.join('\r\n')}\r\n`, eventCount: rows.length, mimeType: 'text/csv', fileExtension: 'csv' };
}

function toCsvRow(event: AuditEvent): string {
  const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
    sequence: event.sequence,
    eventId: event.eventId,
    occurredAtUtc: event.occurredAtUtc,
    occurredAtLondon: event.occurredAtLondon,
    step: event.step,
    action: event.action,
    actorType: event.actor.type,
    actorId: event.actor.id,
    actorName: event.actor.name,
    actorRole: event.actor.role,
    submissionId: event.submissionId,
    reference: event.reference,
    targetSystem: event.targetSystem,
    targetRecordId: event.targetRecordId,
    recipient: event.recipient,
    outcome: event.outcome,
    justification: event.justification,
    details: JSON.stringify(event.details),
    digests: JSON.stringify(event.digests),
    contentDigest: event.contentDigest,
    digestKeyId: event.digestKeyId,
    previousHash: event.previousHash,
    hash: event.hash,
  };
  return CSV_COLUMNS.map((column) => escapeCsv(values[column])).join(',');
}

/**
 * Quotes a field (RFC 4180) when it contains a comma, quote, CR or LF, doubling inner quotes.
 * NOTE: values are written unchanged, including ones a spreadsheet would read as a formula
 * (starting with =, +, - or @), because altering them would stop the row matching its hash.
 */
export function escapeCsv(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function normaliseInstant(value: string, field: string): string {
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) {
    throw new Error(`Export "${field}" value "${value}" is not a valid date; use ISO 8601 such as 2026-01-31T00:00:00Z.`);
  }
  return instant.toISOString();
}
