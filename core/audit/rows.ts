/** Reading and writing the audit tables; column names live only here. */
import type { SqlDatabase } from '../store/types';
import type { AuditCheckpoint, AuditHead } from './checkpoint';
import type { AuditEvent } from './event';
import type { SignatureAlgorithm } from './keys';
import type { StoredEventRow } from './verify';

export const EVENT_COLUMNS =
  'sequence, event_id AS "eventId", submission_id AS "submissionId", reference, occurred_at_utc AS "occurredAtUtc", hash, event_json AS "eventJson"';

export async function insertEvent(tx: SqlDatabase, event: AuditEvent, eventJson: string): Promise<void> {
  await tx.execute(
    `INSERT INTO audit_events (sequence, event_id, occurred_at_utc, submission_id, reference, hash, event_json)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [event.sequence, event.eventId, event.occurredAtUtc, event.submissionId ?? null, event.reference ?? null, event.hash, eventJson],
  );
}

export async function insertContent(tx: SqlDatabase, eventId: string, contentJson: string, storedAtUtc: string): Promise<void> {
  await tx.execute('INSERT INTO audit_content (event_id, content_json, stored_at_utc) VALUES ($1, $2, $3)', [
    eventId,
    contentJson,
    storedAtUtc,
  ]);
}

export async function selectLastEvent(tx: SqlDatabase): Promise<{ sequence: number; hash: string } | undefined> {
  const rows = await tx.query<{ sequence: number; hash: string }>(
    'SELECT sequence, hash FROM audit_events ORDER BY sequence DESC LIMIT 1',
  );
  return rows[0] ? { sequence: Number(rows[0].sequence), hash: rows[0].hash } : undefined;
}

/** Reads one page of events after `afterSequence`, in sequence order. */
export async function selectEventPage(db: SqlDatabase, afterSequence: number, limit: number): Promise<StoredEventRow[]> {
  const rows = await db.query<StoredEventRow>(
    `SELECT ${EVENT_COLUMNS} FROM audit_events WHERE sequence > $1 ORDER BY sequence LIMIT $2`,
    [afterSequence, limit],
  );
  return rows.map(normaliseEventRow);
}

export function normaliseEventRow(row: StoredEventRow): StoredEventRow {
  return { ...row, sequence: Number(row.sequence) };
}

interface CheckpointRow {
  checkpointNumber: number;
  upToSequence: number;
  headHash: string;
  eventCount: number;
  signedAt: string;
  keyId: string;
  algorithm: string;
  signature: string;
}

export async function selectCheckpoints(db: SqlDatabase): Promise<AuditCheckpoint[]> {
  const rows = await db.query<CheckpointRow>(
    `SELECT checkpoint_number AS "checkpointNumber", up_to_sequence AS "upToSequence", head_hash AS "headHash",
            event_count AS "eventCount", signed_at AS "signedAt", key_id AS "keyId", algorithm, signature
     FROM audit_checkpoints ORDER BY checkpoint_number`,
  );
  return rows.map((row) => ({
    ...row,
    checkpointNumber: Number(row.checkpointNumber),
    upToSequence: Number(row.upToSequence),
    eventCount: Number(row.eventCount),
    algorithm: row.algorithm as SignatureAlgorithm,
  }));
}

export async function selectLastCheckpointNumber(tx: SqlDatabase): Promise<{ number: number; upToSequence: number }> {
  const rows = await tx.query<{ checkpointNumber: number; upToSequence: number }>(
    `SELECT checkpoint_number AS "checkpointNumber", up_to_sequence AS "upToSequence"
     FROM audit_checkpoints ORDER BY checkpoint_number DESC LIMIT 1`,
  );
  return rows[0] ? { number: Number(rows[0].checkpointNumber), upToSequence: Number(rows[0].upToSequence) } : { number: 0, upToSequence: 0 };
}

export async function insertCheckpoint(tx: SqlDatabase, checkpoint: AuditCheckpoint): Promise<void> {
  await tx.execute(
    `INSERT INTO audit_checkpoints (checkpoint_number, up_to_sequence, head_hash, event_count, signed_at, key_id, algorithm, signature)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      checkpoint.checkpointNumber,
      checkpoint.upToSequence,
      checkpoint.headHash,
      checkpoint.eventCount,
      checkpoint.signedAt,
      checkpoint.keyId,
      checkpoint.algorithm,
      checkpoint.signature,
    ],
  );
}

export async function selectHead(db: SqlDatabase): Promise<AuditHead | undefined> {
  const rows = await db.query<AuditHead>(
    `SELECT sequence, head_hash AS "headHash", checkpoint_count AS "checkpointCount", signed_at AS "signedAt",
            key_id AS "keyId", algorithm, signature
     FROM audit_head WHERE id = 1`,
  );
  const row = rows[0];
  return row ? { ...row, sequence: Number(row.sequence), checkpointCount: Number(row.checkpointCount) } : undefined;
}

/** Writes the signed head. Updating this one row is allowed; deleting it is rejected by a trigger. */
export async function upsertHead(tx: SqlDatabase, head: AuditHead): Promise<void> {
  await tx.execute(
    `INSERT INTO audit_head (id, sequence, head_hash, checkpoint_count, signed_at, key_id, algorithm, signature)
     VALUES (1, $1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, head_hash = excluded.head_hash,
       checkpoint_count = excluded.checkpoint_count, signed_at = excluded.signed_at, key_id = excluded.key_id,
       algorithm = excluded.algorithm, signature = excluded.signature`,
    [head.sequence, head.headHash, head.checkpointCount, head.signedAt, head.keyId, head.algorithm, head.signature],
  );
}
