import type { Migration } from './types';

/**
 * `contact_hub_allocate_references`, a PostgreSQL function that allocates a batch of references
 * in one statement, so an allocation costs one round trip instead of seven. The caller renders
 * the reference texts in advance from the counter values it expects, because only JavaScript can
 * render them. The function takes the scope's advisory lock (the same lock that older releases
 * take in their allocation transaction), then, with fresh reads under the lock:
 *
 * - when any of `submission_ids` already has a reference in the scope, it returns those rows
 *   (`existing`) and the counters (`counter`), and writes nothing;
 * - when a counter differs from `expected_last` (NULL stands for "unknown"), it returns the
 *   counters and writes nothing;
 * - otherwise it sets each counter to `new_last` and inserts the rows, and returns them
 *   (`inserted`).
 *
 * A VOLATILE PL/pgSQL function takes a new snapshot for each statement under READ COMMITTED, so
 * the reads after the lock see every allocation committed before it. SQLite needs no function:
 * its allocation runs as one synchronous transaction.
 *
 * This is the function as of the latest migration; each migration that changes it replaces it whole.
 */
const ALLOCATE_REFERENCES_FUNCTION = `CREATE OR REPLACE FUNCTION contact_hub_allocate_references(
      lock_key text,
      alloc_scope text,
      submission_ids text[],
      period_keys text[],
      expected_last bigint[],
      new_last bigint[],
      row_period_keys text[],
      row_sequences bigint[],
      row_references text[],
      row_submission_ids text[]
    ) RETURNS TABLE (
      result_kind text,
      result_period_key text,
      result_sequence bigint,
      result_reference text,
      result_submission_id text,
      result_created_at timestamptz
    )
    LANGUAGE plpgsql
    VOLATILE
    AS $function$
    DECLARE
      has_existing boolean;
      is_stale boolean;
    BEGIN
      PERFORM pg_advisory_xact_lock(hashtext(lock_key));

      RETURN QUERY
        SELECT 'existing', r.period_key, r.sequence, r.reference, r.submission_id, r.created_at
        FROM unnest(submission_ids) AS s(submission_id)
        CROSS JOIN LATERAL (
          SELECT * FROM contact_hub_references r WHERE r.scope = alloc_scope AND r.submission_id = s.submission_id LIMIT 1
        ) r;
      has_existing := FOUND;

      SELECT EXISTS (
        SELECT 1
        FROM unnest(period_keys, expected_last) AS e(period_key, expected)
        LEFT JOIN contact_hub_reference_counters c ON c.scope = alloc_scope AND c.period_key = e.period_key
        WHERE e.expected IS DISTINCT FROM coalesce(c.last_sequence, 0)
      ) INTO is_stale;

      IF has_existing OR is_stale THEN
        RETURN QUERY
          SELECT 'counter', p.period_key, coalesce(c.last_sequence, 0), NULL::text, NULL::text, NULL::timestamptz
          FROM unnest(period_keys) AS p(period_key)
          LEFT JOIN contact_hub_reference_counters c ON c.scope = alloc_scope AND c.period_key = p.period_key;
        RETURN;
      END IF;

      INSERT INTO contact_hub_reference_counters AS c (scope, period_key, last_sequence, updated_at)
        SELECT alloc_scope, n.period_key, n.last, now()
        FROM unnest(period_keys, expected_last, new_last) AS n(period_key, expected, last)
        WHERE n.last <> n.expected
        ON CONFLICT (scope, period_key) DO UPDATE SET last_sequence = excluded.last_sequence, updated_at = excluded.updated_at;

      RETURN QUERY
        WITH inserted AS (
          INSERT INTO contact_hub_references (scope, period_key, sequence, reference, submission_id, created_at)
          SELECT alloc_scope, n.period_key, n.sequence, n.reference, n.submission_id, now()
          FROM unnest(row_period_keys, row_sequences, row_references, row_submission_ids) AS n(period_key, sequence, reference, submission_id)
          RETURNING period_key, sequence, reference, submission_id, created_at
        )
        SELECT 'inserted', i.period_key, i.sequence, i.reference, i.submission_id, i.created_at FROM inserted i;
    END
    $function$`;

export const allocateReferencesFunctionMigration: Migration = {
  version: 5,
  name: 'reference allocation function',
  sqlite: [],
  postgres: [ALLOCATE_REFERENCES_FUNCTION],
};

/**
 * Version 5 as released looked up existing references with `submission_id = ANY (…)`. Under a
 * generic plan and without table statistics (autovacuum off, or a table not yet analysed), PostgreSQL
 * ran that as a scan of every reference in the scope, so each allocation took longer than the last.
 * The lookup now goes one submission at a time through the unique key.
 */
export const allocateReferencesLookupMigration: Migration = {
  version: 6,
  name: 'reference allocation function looks up by key',
  sqlite: [],
  postgres: [ALLOCATE_REFERENCES_FUNCTION],
};
