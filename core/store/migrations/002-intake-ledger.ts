import type { Migration } from './types';

const STATES = `'received', 'reference-allocated', 'written-to-chs', 'written-to-athena', 'completed', 'manual-handling'`;

/**
 * The intake ledger: every submission as received, stored before iHub is answered 201, with its
 * processing state and the reconciler's claim. Conflicting re-deliveries keep only their body hash.
 */
export const intakeLedgerMigration: Migration = {
  version: 2,
  name: 'intake ledger',
  sqlite: [
    `CREATE TABLE contact_hub_intake (
      submission_id TEXT PRIMARY KEY,
      body_sha256 TEXT NOT NULL,
      source TEXT NOT NULL,
      form_type TEXT,
      document TEXT NOT NULL,
      received_at TEXT NOT NULL,
      state TEXT NOT NULL DEFAULT 'received' CHECK (state IN (${STATES})),
      reference TEXT,
      chs_incident_id TEXT,
      athena_occurrence_id TEXT,
      manual_reason TEXT,
      last_error TEXT,
      response TEXT,
      delivery_count INTEGER NOT NULL DEFAULT 1,
      conflict_count INTEGER NOT NULL DEFAULT 0,
      redrive_count INTEGER NOT NULL DEFAULT 0,
      claim_owner TEXT,
      claim_expires_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    `CREATE INDEX contact_hub_intake_state_idx ON contact_hub_intake (state, updated_at)`,
    `CREATE TABLE contact_hub_intake_conflicts (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      submission_id TEXT NOT NULL REFERENCES contact_hub_intake (submission_id),
      body_sha256 TEXT NOT NULL,
      received_at TEXT NOT NULL
    )`,
    `CREATE INDEX contact_hub_intake_conflicts_submission_idx ON contact_hub_intake_conflicts (submission_id)`,
  ],
  postgres: [
    `CREATE TABLE contact_hub_intake (
      submission_id text PRIMARY KEY,
      body_sha256 text NOT NULL,
      source text NOT NULL,
      form_type text,
      document text NOT NULL,
      received_at timestamptz NOT NULL,
      state text NOT NULL DEFAULT 'received' CHECK (state IN (${STATES})),
      reference text,
      chs_incident_id text,
      athena_occurrence_id text,
      manual_reason text,
      last_error text,
      response text,
      delivery_count integer NOT NULL DEFAULT 1,
      conflict_count integer NOT NULL DEFAULT 0,
      redrive_count integer NOT NULL DEFAULT 0,
      claim_owner text,
      claim_expires_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX contact_hub_intake_state_idx ON contact_hub_intake (state, updated_at)`,
    `CREATE TABLE contact_hub_intake_conflicts (
      id bigserial PRIMARY KEY,
      submission_id text NOT NULL REFERENCES contact_hub_intake (submission_id),
      body_sha256 text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX contact_hub_intake_conflicts_submission_idx ON contact_hub_intake_conflicts (submission_id)`,
  ],
};
