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

const COLUMNS = 'scope, period_key, sequence, reference, submission_id, created_at';

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

function requireText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`Reference allocation needs a non-empty ${field}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** References on the shared SQL abstraction; see ReferenceRepository for the contract. */
export class SqlReferenceRepository implements ReferenceRepository {
  constructor(private readonly db: SqlDatabase) {}

  async allocate(input: AllocateReferenceInput): Promise<AllocateReferenceResult> {
    const scope = requireText(input.scope, 'scope');
    const periodKey = requireText(input.periodKey, 'periodKey');
    const submissionId = requireText(input.submissionId, 'submissionId');
    const now = sqlNow(this.db.dialect);

    // The per-scope lock makes the look-up and the insert one step on PostgreSQL: without it two
    // deliveries of one submission could both miss the look-up, and the loser would fail on the
    // unique constraint instead of receiving the winner's reference.
    // NOTE: allocations in one scope therefore commit one at a time, each waiting for the previous
    // commit to reach disk, so concurrent clients add no throughput (bench/storeBench.ts).
    // Batching concurrent requests of one process into one transaction would lift that.
    return this.db.transaction(
      async (tx) => {
        const existing = await tx.query<ReferenceRow>(
          `SELECT ${COLUMNS} FROM contact_hub_references WHERE scope = $1 AND submission_id = $2`,
          [scope, submissionId],
        );
        if (existing[0]) {
          const record = toRecord(existing[0]);
          return { reference: record.reference, sequence: record.sequence, created: false, record };
        }

        const [counter] = await tx.query<{ last_sequence: number }>(
          `INSERT INTO contact_hub_reference_counters (scope, period_key, last_sequence, updated_at)
           VALUES ($1, $2, 1, ${now})
           ON CONFLICT (scope, period_key) DO UPDATE
             SET last_sequence = contact_hub_reference_counters.last_sequence + 1, updated_at = ${now}
           RETURNING last_sequence`,
          [scope, periodKey],
        );
        const sequence = Number(counter.last_sequence);
        const reference = input.render(sequence);

        let rows: ReferenceRow[];
        try {
          rows = await tx.query<ReferenceRow>(
            `INSERT INTO contact_hub_references (scope, period_key, sequence, reference, submission_id, created_at)
             VALUES ($1, $2, $3, $4, $5, ${now})
             RETURNING ${COLUMNS}`,
            [scope, periodKey, sequence, reference, submissionId],
          );
        } catch (error) {
          if (error instanceof UniqueViolationError) {
            throw new UniqueViolationError(
              `Reference ${reference} already exists in scope ${scope} for another submission. A pattern without the date parts of its reset period repeats references; add them to the pattern.`,
              error.constraint,
              { cause: error },
            );
          }
          throw error;
        }
        const record = toRecord(rows[0]);
        return { reference: record.reference, sequence: record.sequence, created: true, record };
      },
      { lockKey: `contact-hub-reference:${scope}` },
    );
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
}
