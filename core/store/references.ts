import { UniqueViolationError } from './errors';
import { sqlNow } from './sqlTime';
import type {
  AllocateReferenceInput,
  AllocateReferenceResult,
  ReferenceRecord,
  ReferenceRepository,
  SqlDatabase,
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

function placeholders(count: number, offset: number): string {
  return Array.from({ length: count }, (_, index) => `$${index + offset}`).join(', ');
}

function repeatedReferenceError(error: UniqueViolationError, scope: string, references: string[]): UniqueViolationError {
  return new UniqueViolationError(
    `Reference ${references.join(', ')} already exists in scope ${scope} for another submission. A pattern without the date parts of its reset period repeats references; add them to the pattern.`,
    error.constraint,
    { cause: error },
  );
}

/**
 * References on the shared SQL abstraction; see ReferenceRepository for the contract.
 *
 * Allocations in one scope are serialised: PostgreSQL takes an advisory lock on the scope and
 * SQLite's `BEGIN IMMEDIATE` holds the write lock. Without that, two deliveries of one submission
 * could both miss the look-up, and the loser would fail on the unique constraint instead of
 * receiving the winner's reference. Each transaction then waits for the previous commit to reach
 * disk. So calls that arrive while a scope's transaction runs are queued, and the next
 * transaction carries all of them (up to MAX_ALLOCATION_BATCH) under one commit.
 */
export class SqlReferenceRepository implements ReferenceRepository {
  private readonly queues = new Map<string, PendingAllocation[]>();

  constructor(private readonly db: SqlDatabase) {}

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
   * Allocates a batch in one transaction and returns one outcome per input, in order. A failed
   * render fails only its own input and uses no number. Throws when the transaction fails.
   */
  private async allocateBatch(scope: string, inputs: AllocateReferenceInput[]): Promise<Outcome[]> {
    const now = sqlNow(this.db.dialect);

    return this.db.transaction(
      async (tx) => {
        const submissionIds = [...new Set(inputs.map((input) => input.submissionId))];
        const existingRows = await tx.query<ReferenceRow>(
          `SELECT ${COLUMNS} FROM contact_hub_references WHERE scope = $1 AND submission_id IN (${placeholders(submissionIds.length, 2)})`,
          [scope, ...submissionIds],
        );
        const known = new Map(existingRows.map((row) => [row.submission_id, toRecord(row)]));

        // Sequences are handed out from the counter's current value; the lock makes that safe.
        const nextByPeriod = new Map<string, number>();
        const outcomes: Array<Outcome | null> = [];
        const newRows: Array<{ index: number; periodKey: string; sequence: number; reference: string; submissionId: string }> = [];

        for (const [index, input] of inputs.entries()) {
          const record = known.get(input.submissionId);
          if (record) {
            outcomes.push({ ok: true, result: existingResult(record) });
            continue;
          }
          const earlier = newRows.find((row) => row.submissionId === input.submissionId);
          if (earlier) {
            // Resolved after the insert, from the earlier call's row.
            outcomes.push(null);
            continue;
          }

          let next = nextByPeriod.get(input.periodKey);
          if (next === undefined) {
            const [counter] = await tx.query<{ last_sequence: number }>(
              'SELECT last_sequence FROM contact_hub_reference_counters WHERE scope = $1 AND period_key = $2',
              [scope, input.periodKey],
            );
            next = (counter ? Number(counter.last_sequence) : 0) + 1;
          }
          try {
            const reference = input.render(next);
            newRows.push({ index, periodKey: input.periodKey, sequence: next, reference, submissionId: input.submissionId });
            nextByPeriod.set(input.periodKey, next + 1);
            outcomes.push(null);
          } catch (error) {
            nextByPeriod.set(input.periodKey, next);
            outcomes.push({ ok: false, error });
          }
        }

        for (const [periodKey, next] of nextByPeriod) {
          if (!newRows.some((row) => row.periodKey === periodKey)) continue;
          await tx.execute(
            `INSERT INTO contact_hub_reference_counters (scope, period_key, last_sequence, updated_at)
             VALUES ($1, $2, $3, ${now})
             ON CONFLICT (scope, period_key) DO UPDATE SET last_sequence = excluded.last_sequence, updated_at = ${now}`,
            [scope, periodKey, next - 1],
          );
        }

        const inserted = new Map<string, ReferenceRecord>();
        if (newRows.length > 0) {
          const values = newRows.map((_, row) => `($1, ${placeholders(4, row * 4 + 2)}, ${now})`).join(', ');
          const params = newRows.flatMap((row) => [row.periodKey, row.sequence, row.reference, row.submissionId]);
          let rows: ReferenceRow[];
          try {
            rows = await tx.query<ReferenceRow>(
              `INSERT INTO contact_hub_references (scope, period_key, sequence, reference, submission_id, created_at)
               VALUES ${values}
               RETURNING ${COLUMNS}`,
              [scope, ...params],
            );
          } catch (error) {
            if (error instanceof UniqueViolationError) {
              throw repeatedReferenceError(error, scope, newRows.map((row) => row.reference));
            }
            throw error;
          }
          for (const row of rows) inserted.set(row.submission_id, toRecord(row));
        }

        const firstIndexBySubmission = new Map(newRows.map((row) => [row.submissionId, row.index]));
        return outcomes.map((outcome, index): Outcome => {
          if (outcome) return outcome;
          const record = inserted.get(inputs[index].submissionId)!;
          const created = firstIndexBySubmission.get(inputs[index].submissionId) === index;
          return { ok: true, result: created ? { reference: record.reference, sequence: record.sequence, created: true, record } : existingResult(record) };
        });
      },
      { lockKey: `contact-hub-reference:${scope}` },
    );
  }
}
