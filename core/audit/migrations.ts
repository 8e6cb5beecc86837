/**
 * Store migration 3: the audit log tables and the triggers that make them append-only.
 *
 * `audit_events.event_json` is the hashed event; the other columns are copies for indexing that
 * verify compares with it. Content (personal data) lives in `audit_content` so erasure can delete
 * it while the event and its digest stay. `audit_head` has one row, re-signed on every append.
 */

import type { Migration } from '../store/migrations/types';

const appendOnlyMessage = (table: string, operation: string) =>
  `${table} is append-only: ${operation} is rejected; see docs/audit.md`;

const sqliteRejectTrigger = (table: string, operation: 'UPDATE' | 'DELETE') =>
  `CREATE TRIGGER ${table}_reject_${operation.toLowerCase()} BEFORE ${operation} ON ${table}
   BEGIN SELECT RAISE(ABORT, '${appendOnlyMessage(table, operation)}'); END`;

export const auditMigration: Migration = {
  version: 3,
  name: 'audit log',
  sqlite: [
    `CREATE TABLE audit_events (
       sequence INTEGER PRIMARY KEY,
       event_id TEXT NOT NULL UNIQUE,
       occurred_at_utc TEXT NOT NULL,
       submission_id TEXT,
       reference TEXT,
       hash TEXT NOT NULL,
       event_json TEXT NOT NULL
     )`,
    `CREATE INDEX audit_events_submission_id ON audit_events (submission_id, sequence)`,
    `CREATE INDEX audit_events_reference ON audit_events (reference, sequence)`,
    `CREATE INDEX audit_events_occurred_at_utc ON audit_events (occurred_at_utc)`,
    `CREATE TABLE audit_content (
       event_id TEXT PRIMARY KEY,
       content_json TEXT NOT NULL,
       stored_at_utc TEXT NOT NULL
     )`,
    `CREATE TABLE audit_checkpoints (
       checkpoint_number INTEGER PRIMARY KEY,
       up_to_sequence INTEGER NOT NULL,
       head_hash TEXT NOT NULL,
       event_count INTEGER NOT NULL,
       signed_at TEXT NOT NULL,
       key_id TEXT NOT NULL,
       algorithm TEXT NOT NULL,
       signature TEXT NOT NULL
     )`,
    `CREATE TABLE audit_head (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       sequence INTEGER NOT NULL,
       head_hash TEXT NOT NULL,
       checkpoint_count INTEGER NOT NULL,
       signed_at TEXT NOT NULL,
       key_id TEXT NOT NULL,
       algorithm TEXT NOT NULL,
       signature TEXT NOT NULL
     )`,
    sqliteRejectTrigger('audit_events', 'UPDATE'),
    sqliteRejectTrigger('audit_events', 'DELETE'),
    sqliteRejectTrigger('audit_checkpoints', 'UPDATE'),
    sqliteRejectTrigger('audit_checkpoints', 'DELETE'),
    // Content may be deleted (erasure) but never rewritten.
    sqliteRejectTrigger('audit_content', 'UPDATE'),
    sqliteRejectTrigger('audit_head', 'DELETE'),
  ],
  postgres: [
    `CREATE TABLE audit_events (
       sequence BIGINT PRIMARY KEY,
       event_id TEXT NOT NULL UNIQUE,
       occurred_at_utc TEXT NOT NULL,
       submission_id TEXT,
       reference TEXT,
       hash TEXT NOT NULL,
       event_json TEXT NOT NULL
     )`,
    `CREATE INDEX audit_events_submission_id ON audit_events (submission_id, sequence)`,
    `CREATE INDEX audit_events_reference ON audit_events (reference, sequence)`,
    `CREATE INDEX audit_events_occurred_at_utc ON audit_events (occurred_at_utc)`,
    `CREATE TABLE audit_content (
       event_id TEXT PRIMARY KEY,
       content_json TEXT NOT NULL,
       stored_at_utc TEXT NOT NULL
     )`,
    `CREATE TABLE audit_checkpoints (
       checkpoint_number INTEGER PRIMARY KEY,
       up_to_sequence BIGINT NOT NULL,
       head_hash TEXT NOT NULL,
       event_count BIGINT NOT NULL,
       signed_at TEXT NOT NULL,
       key_id TEXT NOT NULL,
       algorithm TEXT NOT NULL,
       signature TEXT NOT NULL
     )`,
    `CREATE TABLE audit_head (
       id INTEGER PRIMARY KEY CHECK (id = 1),
       sequence BIGINT NOT NULL,
       head_hash TEXT NOT NULL,
       checkpoint_count INTEGER NOT NULL,
       signed_at TEXT NOT NULL,
       key_id TEXT NOT NULL,
       algorithm TEXT NOT NULL,
       signature TEXT NOT NULL
     )`,
    `CREATE OR REPLACE FUNCTION audit_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION '% is append-only: % is rejected; see docs/audit.md', TG_TABLE_NAME, TG_OP
         USING ERRCODE = 'insufficient_privilege';
     END;
     $$`,
    `CREATE TRIGGER audit_events_reject_change BEFORE UPDATE OR DELETE ON audit_events
     FOR EACH ROW EXECUTE FUNCTION audit_reject_change()`,
    `CREATE TRIGGER audit_events_reject_truncate BEFORE TRUNCATE ON audit_events
     FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()`,
    `CREATE TRIGGER audit_checkpoints_reject_change BEFORE UPDATE OR DELETE ON audit_checkpoints
     FOR EACH ROW EXECUTE FUNCTION audit_reject_change()`,
    `CREATE TRIGGER audit_checkpoints_reject_truncate BEFORE TRUNCATE ON audit_checkpoints
     FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()`,
    `CREATE TRIGGER audit_content_reject_update BEFORE UPDATE ON audit_content
     FOR EACH ROW EXECUTE FUNCTION audit_reject_change()`,
    `CREATE TRIGGER audit_head_reject_delete BEFORE DELETE ON audit_head
     FOR EACH ROW EXECUTE FUNCTION audit_reject_change()`,
    `CREATE TRIGGER audit_head_reject_truncate BEFORE TRUNCATE ON audit_head
     FOR EACH STATEMENT EXECUTE FUNCTION audit_reject_change()`,
  ],
};

/** Names of the append-only triggers, for tests that act as an insider and drop them. */
export const AUDIT_TRIGGERS = {
  sqlite: [
    'audit_events_reject_update',
    'audit_events_reject_delete',
    'audit_checkpoints_reject_update',
    'audit_checkpoints_reject_delete',
    'audit_content_reject_update',
    'audit_head_reject_delete',
  ],
  postgres: [
    ['audit_events', 'audit_events_reject_change'],
    ['audit_events', 'audit_events_reject_truncate'],
    ['audit_checkpoints', 'audit_checkpoints_reject_change'],
    ['audit_checkpoints', 'audit_checkpoints_reject_truncate'],
    ['audit_content', 'audit_content_reject_update'],
    ['audit_head', 'audit_head_reject_delete'],
    ['audit_head', 'audit_head_reject_truncate'],
  ],
} as const;
