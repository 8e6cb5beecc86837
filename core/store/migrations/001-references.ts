import type { Migration } from './types';

/**
 * Reference counters and allocated references. The counter row and the reference row are written
 * in the same transaction, so a rolled-back allocation leaves no gap in the sequence.
 */
export const referencesMigration: Migration = {
  version: 1,
  name: 'references',
  sqlite: [
    `CREATE TABLE contact_hub_reference_counters (
      scope TEXT NOT NULL,
      period_key TEXT NOT NULL,
      last_sequence INTEGER NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (scope, period_key)
    )`,
    `CREATE TABLE contact_hub_references (
      scope TEXT NOT NULL,
      period_key TEXT NOT NULL,
      sequence INTEGER NOT NULL,
      reference TEXT NOT NULL,
      submission_id TEXT NOT NULL,
      created_at TEXT NOT NULL,
      PRIMARY KEY (scope, period_key, sequence),
      CONSTRAINT contact_hub_references_scope_reference_key UNIQUE (scope, reference),
      CONSTRAINT contact_hub_references_scope_submission_key UNIQUE (scope, submission_id)
    )`,
    `CREATE INDEX contact_hub_references_submission_idx ON contact_hub_references (submission_id, created_at)`,
  ],
  postgres: [
    `CREATE TABLE contact_hub_reference_counters (
      scope text NOT NULL,
      period_key text NOT NULL,
      last_sequence bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (scope, period_key)
    )`,
    `CREATE TABLE contact_hub_references (
      scope text NOT NULL,
      period_key text NOT NULL,
      sequence bigint NOT NULL,
      reference text NOT NULL,
      submission_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (scope, period_key, sequence),
      CONSTRAINT contact_hub_references_scope_reference_key UNIQUE (scope, reference),
      CONSTRAINT contact_hub_references_scope_submission_key UNIQUE (scope, submission_id)
    )`,
    `CREATE INDEX contact_hub_references_submission_idx ON contact_hub_references (submission_id, created_at)`,
  ],
};
