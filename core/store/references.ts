import { UniqueViolationError } from './errors';
import { PostgresDatabase, type PreparedQueryRunner } from './postgres';
import { SqliteDatabase } from './sqlite';
import { sqlNow } from './sqlTime';
import type {
  AllocateReferenceInput,
  AllocateReferenceResult,
  ReferenceRecord,
  ReferenceRepository,
  SqlDatabase,
  SqlValue,
} from './types';

interface ReferenceRow {
  scope: string;
  period_key: string;
  sequence: number;
  reference: string;
  submission_id: string;
  created_at: string;
}

/** One allocate() call waiting for its scope's next transaction. */
interface PendingAllocation {
  input: AllocateReferenceInput;
  resolve(result: AllocateReferenceResult): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; result: AllocateReferenceResult } | { ok: false; error: unknown };

const COLUMNS = 'scope, period_key, sequence, reference, submission_id, created_at';

/** Most allocations one transaction carries; keeps the statements' parameter lists small. */
export const MAX_ALLOCATION_BATCH = 50;

function toRecord(row: ReferenceRow): ReferenceRecord {
  return {
    scope: row.scope,
    periodKey: row.period_key,
    sequence: Number(row.sequence),
    reference: row.reference,
    submissionId: row.submission_id,
    createdAt: row.created_at,
  };
}

function existingResult(record: ReferenceRecord): AllocateReferenceResult {
  return { reference: record.reference, sequence: record.sequence, created: false, record };
}

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`Reference allocation needs a non-empty ${field}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Rewords a unique violation on inserting `references` as the pattern problem it almost always is. */
function asRepeatedReference(error: unknown, scope: string, references: readonly string[]): unknown {
  if (!(error instanceof UniqueViolationError)) return error;
  return new UniqueViolationError(
    `Reference ${references.join(', ')} already exists in scope ${scope} for another submission. A pattern without the date parts of its reset period repeats references; add them to the pattern.`,
    error.constraint,
    { cause: error },
  );
}

/**
 * References on the shared SQL abstraction; see ReferenceRepository for the contract.
 *
 * Allocations in one scope are serialised: PostgreSQL takes an advisory lock on the scope (inside
 * `contact_hub_allocate_references`) and SQLite's `BEGIN IMMEDIATE` holds the write lock. Without
 * that, two deliveries of one submission could both miss the look-up, and the loser would fail on
 * the unique constraint instead of receiving the winner's reference. Each allocation then waits
 * for its commit to reach the database file or the WAL. So calls that arrive while a scope's
 * allocation runs are queued, and the next one carries all of them (up to MAX_ALLOCATION_BATCH)
 * under one commit.
 */
export class SqlReferenceRepository implements ReferenceRepository {
  private readonly queues = new Map<string, PendingAllocation[]>();
  /** PostgreSQL only: the last sequence this process saw per scope and period, which the next allocation renders from. */
  private readonly counterCache = new Map<string, number>();

  /** Throws a TypeError for a database other than SqliteDatabase or PostgresDatabase. */
  constructor(private readonly db: SqlDatabase) {
    if (!(db instanceof SqliteDatabase) && !(db instanceof PostgresDatabase)) {
      throw new TypeError('SqlReferenceRepository needs a SqliteDatabase or a PostgresDatabase; open the store with openStore');
    }
  }

  allocate(input: AllocateReferenceInput): Promise<AllocateReferenceResult> {
    try {
      requireText(input.scope, 'scope');
      requireText(input.periodKey, 'periodKey');
      requireText(input.submissionId, 'submissionId');
    } catch (error) {
      return Promise.reject(error);
    }

    return new Promise<AllocateReferenceResult>((resolve, reject) => {
      const queue = this.queues.get(input.scope);
      if (queue) {
        queue.push({ input, resolve, reject });
        return;
      }
      this.queues.set(input.scope, [{ input, resolve, reject }]);
      void this.drain(input.scope);
    });
  }

  async findBySubmission(submissionId: string, scope?: string): Promise<ReferenceRecord | null> {
    const rows =
      scope === undefined
        ? await this.db.query<ReferenceRow>(
            `SELECT ${COLUMNS} FROM contact_hub_references WHERE submission_id = $1 ORDER BY created_at DESC, scope LIMIT 1`,
            [submissionId],
          )
        : await this.db.query<ReferenceRow>(
            `SELECT ${COLUMNS} FROM contact_hub_references WHERE scope = $1 AND submission_id = $2`,
            [scope, submissionId],
          );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findByReference(scope: string, reference: string): Promise<ReferenceRecord | null> {
    const rows = await this.db.query<ReferenceRow>(
      `SELECT ${COLUMNS} FROM contact_hub_references WHERE scope = $1 AND reference = $2`,
      [scope, reference],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Runs the scope's queued allocations, a batch per transaction, until the queue is empty. */
  private async drain(scope: string): Promise<void> {
    const queue = this.queues.get(scope)!;
    // Let callers that arrive in the same tick join the first batch.
    await Promise.resolve();

    while (queue.length > 0) {
      const batch = queue.splice(0, MAX_ALLOCATION_BATCH);
      let outcomes: Outcome[];
      try {
        outcomes = await this.allocateBatch(scope, batch.map((pending) => pending.input));
      } catch (error) {
        // A failed transaction rolled back the whole batch. Retrying one by one confines a
        // failure (for example a repeated reference text) to the call that caused it.
        outcomes = [];
        for (const pending of batch) {
          try {
            outcomes.push(...(await this.allocateBatch(scope, [pending.input])));
          } catch (singleError) {
            outcomes.push({ ok: false, error: batch.length === 1 ? error : singleError });
          }
        }
      }
      batch.forEach((pending, index) => {
        const outcome = outcomes[index];
        if (outcome.ok) pending.resolve(outcome.result);
        else pending.reject(outcome.error);
      });
    }
    this.queues.delete(scope);
  }

  /**
   * Allocates a batch and returns one outcome per input, in order. A failed render fails only its
   * own input and uses no number. Throws when the store rejects the batch.
   */
  private async allocateBatch(scope: string, inputs: AllocateReferenceInput[]): Promise<Outcome[]> {
    return this.db instanceof SqliteDatabase
      ? allocateBatchSqlite(this.db, scope, inputs)
      : this.allocateBatchPostgres(this.db as PostgresDatabase, scope, inputs);
  }

  /**
   * Allocates through `contact_hub_allocate_references`, rendering from the counters cached in
   * this process. The first call runs alone (autocommit), which is one round trip and one commit.
   * When the function reports other work (a stale counter, or a submission that already has a
   * reference), the batch is planned again from what it returned and sent once more. Should that
   * also miss, because other processes allocate in the same scope, the batch runs in a transaction:
   * the function's advisory lock is then held between calls, so the next call cannot miss.
   */
  private async allocateBatchPostgres(db: PostgresDatabase, scope: string, inputs: AllocateReferenceInput[]): Promise<Outcome[]> {
    const known = new Map<string, ReferenceRecord>();
    const attempt = async (runner: PreparedQueryRunner): Promise<Outcome[] | null> => {
      const plan = planBatch(inputs, known, (periodKey) => this.counterCache.get(cacheKey(scope, periodKey)) ?? 0);
      const pending = inputs.filter((input) => !known.has(input.submissionId));
      if (pending.length === 0) return resolveOutcomes(inputs, plan, new Map());
      const parameters = functionParameters(scope, pending, plan, (periodKey) => this.counterCache.get(cacheKey(scope, periodKey)));
      let rows: FunctionRow[];
      try {
        rows = await runner.queryPrepared<FunctionRow>('contact_hub_allocate_references', ALLOCATE_FUNCTION_CALL, parameters);
      } catch (error) {
        throw asRepeatedReference(error, scope, plan.rows.map((row) => row.reference));
      }

      const inserted = new Map<string, ReferenceRecord>();
      for (const row of rows) {
        if (row.result_kind === 'counter') this.cacheLastSequence(scope, row.result_period_key, Number(row.result_sequence));
        else if (row.result_kind === 'existing') known.set(row.result_submission_id, functionRowRecord(scope, row));
        else inserted.set(row.result_submission_id, functionRowRecord(scope, row));
      }
      if (rows.some((row) => row.result_kind === 'counter')) return null;

      for (const [periodKey, counter] of plan.counters) this.cacheLastSequence(scope, periodKey, counter.after);
      return resolveOutcomes(inputs, plan, inserted);
    };

    const fast = await this.allocateInOneStatement(db, scope, inputs);
    if (fast) return fast;
    const outcomes = (await attempt(db)) ?? (await attempt(db));
    if (outcomes) return outcomes;
    return db.transaction(async (tx) => {
      for (let call = 0; call < 2; call++) {
        // The transaction handle of a PostgresDatabase is a PostgresTransaction.
        const settled = await attempt(tx as SqlDatabase & PreparedQueryRunner);
        if (settled) return settled;
      }
      throw new Error(`Reference allocation in scope ${scope} did not settle while holding the scope's lock; this is a bug, please report it`);
    });
  }

  /**
   * Allocates the common case in one plain SQL statement: every input is new, in one period whose
   * counter this process has cached. The statement takes the scope's advisory lock, moves the counter on
   * only if it is still at the cached value, and inserts the rows only if it moved. When the
   * counter had moved on (another process allocated), it reports the counter's value and this
   * tries once more from it. In the store benchmark this path raised single-client allocations
   * from about 2 200 to 3 400 a second against calling the function.
   *
   * Returns null, having written nothing, when the batch does not fit, a submission already has a
   * reference, the second try also finds the counter moved, or a unique key rejected a row. The
   * caller then takes the general path, which finds out which case it is.
   */
  private async allocateInOneStatement(db: PostgresDatabase, scope: string, inputs: AllocateReferenceInput[]): Promise<Outcome[] | null> {
    const periodKey = inputs[0].periodKey;
    if (inputs.some((input) => input.periodKey !== periodKey)) return null;
    if (new Set(inputs.map((input) => input.submissionId)).size !== inputs.length) return null;

    for (let attempt = 0; attempt < 2; attempt++) {
      const expected = this.counterCache.get(cacheKey(scope, periodKey));
      if (expected === undefined) return null;
      const plan = planBatch(inputs, new Map(), () => expected);
      const counter = plan.counters.get(periodKey);
      if (!counter || plan.rows.length === 0) return null;

      let rows: FunctionRow[];
      try {
        rows = await db.queryPrepared<FunctionRow>('contact_hub_allocate_one_period', SINGLE_PERIOD_ALLOCATION, [
          lockKey(scope),
          scope,
          periodKey,
          counter.before,
          counter.after,
          plan.rows.map((row) => row.sequence),
          plan.rows.map((row) => row.reference),
          plan.rows.map((row) => row.submissionId),
        ] as unknown as SqlValue[]);
      } catch (error) {
        if (error instanceof UniqueViolationError) return null;
        throw error;
      }

      const inserted = rows.filter((row) => row.result_kind === 'inserted');
      if (inserted.length > 0) {
        // The insert is all or nothing, so a partial result means the statement is wrong.
        if (inserted.length !== plan.rows.length) {
          throw new Error(`Reference allocation in scope ${scope} inserted ${inserted.length} of ${plan.rows.length} rows; this is a bug, please report it`);
        }
        this.cacheLastSequence(scope, periodKey, counter.after);
        const records = new Map(inserted.map((row) => [row.result_submission_id, functionRowRecord(scope, row)] as const));
        return resolveOutcomes(inputs, plan, records);
      }

      const stored = rows.find((row) => row.result_kind === 'counter');
      if (!stored || rows.some((row) => row.result_kind === 'existing')) return null;
      this.cacheLastSequence(scope, periodKey, Number(stored.result_sequence));
    }
    return null;
  }

  private cacheLastSequence(scope: string, periodKey: string, lastSequence: number): void {
    // Keys are per scope and period (one a day for daily patterns), so start afresh rather than grow without limit.
    if (this.counterCache.size >= MAX_CACHED_COUNTERS) this.counterCache.clear();
    this.counterCache.set(cacheKey(scope, periodKey), lastSequence);
  }
}

/** A row returned by `contact_hub_allocate_references` (see migration 5) or by SINGLE_PERIOD_ALLOCATION. */
interface FunctionRow {
  result_kind: 'existing' | 'counter' | 'inserted';
  result_period_key: string;
  result_sequence: number;
  result_reference: string;
  result_submission_id: string;
  result_created_at: string;
}

const ALLOCATE_FUNCTION_CALL = 'SELECT * FROM contact_hub_allocate_references($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)';

/**
 * Allocation of new references in one period, for the cached counter value $4 (0 when the
 * counter row does not exist yet). It returns rows shaped like the function's (FunctionRow): the
 * inserted rows, or, having written nothing:
 *
 * - an `existing` row per submission that already has a reference in the scope;
 * - otherwise a `counter` row with the counter's value, when it is not at $4 (a missing counter
 *   row counts as 0, so a cache ahead of the database can never move a counter on).
 *
 * Reads use the statement's snapshot, taken before the advisory lock. So after a wait for the lock
 * the `counter` value can be out of date, and the caller gives up after one retry. A reference
 * committed during the wait makes the insert fail on its unique key, which rolls the statement back.
 * The look-up goes one submission at a time through the unique key, whatever plan PostgreSQL picks
 * (see migration 6). The counter moves only when it is still at $4; the write locks the row and
 * checks its latest version.
 */
const SINGLE_PERIOD_ALLOCATION = `WITH locked AS (
    SELECT pg_advisory_xact_lock(hashtext($1))
  ),
  existing AS (
    SELECT s.submission_id
    FROM locked, unnest($8::text[]) AS s(submission_id)
    CROSS JOIN LATERAL (SELECT 1 FROM contact_hub_references r WHERE r.scope = $2 AND r.submission_id = s.submission_id LIMIT 1) r
  ),
  fresh AS (
    SELECT 1 FROM locked WHERE NOT EXISTS (SELECT 1 FROM existing)
  ),
  counter AS (
    INSERT INTO contact_hub_reference_counters AS c (scope, period_key, last_sequence, updated_at)
    SELECT $2, $3, $5, now() FROM fresh WHERE $4::bigint = 0
    ON CONFLICT (scope, period_key) DO UPDATE SET last_sequence = excluded.last_sequence, updated_at = excluded.updated_at
      WHERE c.last_sequence = $4::bigint
    RETURNING 1
  ),
  moved AS (
    UPDATE contact_hub_reference_counters c SET last_sequence = $5, updated_at = now()
    FROM fresh
    WHERE $4::bigint > 0 AND c.scope = $2 AND c.period_key = $3 AND c.last_sequence = $4::bigint
    RETURNING 1
  ),
  inserted AS (
    INSERT INTO contact_hub_references (scope, period_key, sequence, reference, submission_id, created_at)
    SELECT $2, $3, n.sequence, n.reference, n.submission_id, now()
    FROM (SELECT 1 FROM counter UNION ALL SELECT 1 FROM moved) AS changed,
      unnest($6::bigint[], $7::text[], $8::text[]) AS n(sequence, reference, submission_id)
    RETURNING period_key, sequence, reference, submission_id, created_at
  )
  SELECT 'inserted' AS result_kind, i.period_key AS result_period_key, i.sequence AS result_sequence,
    i.reference AS result_reference, i.submission_id AS result_submission_id, i.created_at AS result_created_at
  FROM inserted i
  UNION ALL
  SELECT 'existing', NULL::text, NULL::bigint, NULL::text, e.submission_id, NULL::timestamptz FROM existing e
  UNION ALL
  SELECT 'counter', $3::text,
    coalesce((SELECT c.last_sequence FROM contact_hub_reference_counters c WHERE c.scope = $2 AND c.period_key = $3), 0),
    NULL::text, NULL::text, NULL::timestamptz
  WHERE NOT EXISTS (SELECT 1 FROM inserted) AND NOT EXISTS (SELECT 1 FROM existing)`;

/** Counters cached per PostgreSQL store; more entries than this clear the cache. */
const MAX_CACHED_COUNTERS = 10_000;

function cacheKey(scope: string, periodKey: string): string {
  return `${scope}\u0000${periodKey}`;
}

function functionRowRecord(scope: string, row: FunctionRow): ReferenceRecord {
  return {
    scope,
    periodKey: row.result_period_key,
    sequence: Number(row.result_sequence),
    reference: row.result_reference,
    submissionId: row.result_submission_id,
    createdAt: row.result_created_at,
  };
}

/**
 * Builds the function's parameters for a plan. Every submission id of the batch is checked, failed
 * renders included, because a submission that already has a reference receives it even when
 * rendering a new one would fail. Counters not in the cache are sent as NULL (unknown), which
 * makes the function return them without writing.
 */
function functionParameters(
  scope: string,
  inputs: readonly AllocateReferenceInput[],
  plan: BatchPlan,
  cached: (periodKey: string) => number | undefined,
): SqlValue[] {
  const periodKeys = [...new Set(inputs.map((input) => input.periodKey))];
  return [
    lockKey(scope),
    scope,
    [...new Set(inputs.map((input) => input.submissionId))],
    periodKeys,
    periodKeys.map((periodKey) => cached(periodKey) ?? null),
    periodKeys.map((periodKey) => plan.counters.get(periodKey)?.after ?? null),
    plan.rows.map((row) => row.periodKey),
    plan.rows.map((row) => row.sequence),
    plan.rows.map((row) => row.reference),
    plan.rows.map((row) => row.submissionId),
  ] as unknown as SqlValue[];
}

/** Returns the scope's advisory lock key, which releases before migration 5 also take in their allocation transaction. */
function lockKey(scope: string): string {
  return `contact-hub-reference:${scope}`;
}

const SQLITE_FIND_EXISTING = `SELECT ${COLUMNS} FROM contact_hub_references WHERE scope = $1 AND submission_id = $2`;
const SQLITE_READ_COUNTER = 'SELECT last_sequence FROM contact_hub_reference_counters WHERE scope = $1 AND period_key = $2';
const SQLITE_WRITE_COUNTER = `INSERT INTO contact_hub_reference_counters (scope, period_key, last_sequence, updated_at)
  VALUES ($1, $2, $3, ${sqlNow('sqlite')})
  ON CONFLICT (scope, period_key) DO UPDATE SET last_sequence = excluded.last_sequence, updated_at = excluded.updated_at`;
const SQLITE_INSERT_REFERENCE = `INSERT INTO contact_hub_references (scope, period_key, sequence, reference, submission_id, created_at)
  VALUES ($1, $2, $3, $4, $5, ${sqlNow('sqlite')})
  RETURNING ${COLUMNS}`;

/**
 * Allocates a batch in one SQLite transaction that runs synchronously from `BEGIN IMMEDIATE` to
 * `COMMIT`. The write lock serialises it against other processes, and the file's mutex against
 * other transactions in this process. Each statement has fixed text, so its prepared form is reused.
 */
function allocateBatchSqlite(db: SqliteDatabase, scope: string, inputs: AllocateReferenceInput[]): Promise<Outcome[]> {
  return db.transactionSync((tx) => {
    const known = new Map<string, ReferenceRecord>();
    for (const input of inputs) {
      if (known.has(input.submissionId)) continue;
      const [row] = tx.query<ReferenceRow>(SQLITE_FIND_EXISTING, [scope, input.submissionId]);
      if (row) known.set(row.submission_id, toRecord(row));
    }

    const plan = planBatch(inputs, known, (periodKey) => {
      const [counter] = tx.query<{ last_sequence: number }>(SQLITE_READ_COUNTER, [scope, periodKey]);
      return counter ? Number(counter.last_sequence) : 0;
    });

    for (const [periodKey, counter] of plan.counters) {
      if (counter.after !== counter.before) tx.execute(SQLITE_WRITE_COUNTER, [scope, periodKey, counter.after]);
    }
    const inserted = new Map<string, ReferenceRecord>();
    for (const row of plan.rows) {
      let stored: ReferenceRow;
      try {
        [stored] = tx.query<ReferenceRow>(SQLITE_INSERT_REFERENCE, [scope, row.periodKey, row.sequence, row.reference, row.submissionId]);
      } catch (error) {
        throw asRepeatedReference(error, scope, [row.reference]);
      }
      inserted.set(stored.submission_id, toRecord(stored));
    }
    return resolveOutcomes(inputs, plan, inserted);
  });
}

interface PlannedRow {
  periodKey: string;
  sequence: number;
  reference: string;
  submissionId: string;
}

interface BatchPlan {
  /** Per input: its final outcome, or null when it resolves from the stored rows. */
  outcomes: Array<Outcome | null>;
  /** New reference rows, in input order. */
  rows: PlannedRow[];
  /** Per period with at least one input needing a new number: the last sequence before and after the batch. */
  counters: Map<string, { before: number; after: number }>;
}

/**
 * Plans a batch: inputs whose submission is in `known` receive the existing reference, and the
 * others are numbered on from `lastSequence(periodKey)`, in order. A render that throws fails its
 * input and leaves the number for the next one. A repeated submission id in the batch resolves
 * from its first occurrence's row.
 */
function planBatch(
  inputs: readonly AllocateReferenceInput[],
  known: ReadonlyMap<string, ReferenceRecord>,
  lastSequence: (periodKey: string) => number,
): BatchPlan {
  const plan: BatchPlan = { outcomes: [], rows: [], counters: new Map() };
  const planned = new Set<string>();
  for (const input of inputs) {
    const record = known.get(input.submissionId);
    if (record) {
      plan.outcomes.push({ ok: true, result: existingResult(record) });
      continue;
    }
    if (planned.has(input.submissionId)) {
      plan.outcomes.push(null);
      continue;
    }

    let counter = plan.counters.get(input.periodKey);
    if (!counter) {
      const before = lastSequence(input.periodKey);
      counter = { before, after: before };
      plan.counters.set(input.periodKey, counter);
    }
    const sequence = counter.after + 1;
    try {
      const reference = input.render(sequence);
      plan.rows.push({ periodKey: input.periodKey, sequence, reference, submissionId: input.submissionId });
      planned.add(input.submissionId);
      counter.after = sequence;
      plan.outcomes.push(null);
    } catch (error) {
      plan.outcomes.push({ ok: false, error });
    }
  }
  return plan;
}

/** Outcomes for every input of a planned batch, in order, once its rows are stored. */
function resolveOutcomes(inputs: readonly AllocateReferenceInput[], plan: BatchPlan, inserted: ReadonlyMap<string, ReferenceRecord>): Outcome[] {
  const created = new Set<string>();
  return inputs.map((input, index): Outcome => {
    const outcome = plan.outcomes[index];
    if (outcome) return outcome;
    // The first input of a submission id created its row, and later ones in the batch receive it.
    const record = inserted.get(input.submissionId)!;
    if (created.has(input.submissionId)) return { ok: true, result: existingResult(record) };
    created.add(input.submissionId);
    return { ok: true, result: { reference: record.reference, sequence: record.sequence, created: true, record } };
  });
}
