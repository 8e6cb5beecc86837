import { sqlNow, sqlNowPlusSeconds } from './sqlTime';
import {
  LEDGER_STATES,
  type ClaimOptions,
  type IntakeLedger,
  type IntakeResponse,
  type LedgerEntry,
  type LedgerState,
  type ListUnfinishedOptions,
  type MarkStateDetails,
  type RecordReceivedInput,
  type RecordReceivedResult,
  type SqlDatabase,
} from './types';

interface IntakeRow {
  submission_id: string;
  body_sha256: string;
  source: string;
  form_type: string | null;
  document: string;
  received_at: string;
  state: LedgerState;
  reference: string | null;
  chs_incident_id: string | null;
  athena_occurrence_id: string | null;
  manual_reason: string | null;
  last_error: string | null;
  response: string | null;
  delivery_count: number;
  conflict_count: number;
  redrive_count: number;
  claim_owner: string | null;
  claim_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Order of the progress states. `manual-handling` is not part of the order. */
const PROGRESS_RANK: Partial<Record<LedgerState, number>> = {
  received: 0,
  'reference-allocated': 1,
  'written-to-chs': 2,
  'written-to-athena': 3,
  completed: 4,
};

const FINISHED_STATES = `('completed', 'manual-handling')`;

const DETAIL_COLUMNS: Array<[keyof MarkStateDetails, string]> = [
  ['reference', 'reference'],
  ['chsIncidentId', 'chs_incident_id'],
  ['athenaOccurrenceId', 'athena_occurrence_id'],
  ['manualReason', 'manual_reason'],
  ['lastError', 'last_error'],
];

function parseResponse(text: string | null): IntakeResponse | null {
  if (text === null || text === undefined) return null;
  return JSON.parse(text) as IntakeResponse;
}

function toEntry(row: IntakeRow, conflictHashes: string[]): LedgerEntry {
  return {
    submissionId: row.submission_id,
    bodySha256: row.body_sha256,
    source: row.source,
    formType: row.form_type ?? null,
    document: row.document,
    receivedAt: row.received_at,
    state: row.state,
    reference: row.reference ?? null,
    chsIncidentId: row.chs_incident_id ?? null,
    athenaOccurrenceId: row.athena_occurrence_id ?? null,
    manualReason: row.manual_reason ?? null,
    lastError: row.last_error ?? null,
    response: parseResponse(row.response),
    deliveryCount: Number(row.delivery_count),
    conflictCount: Number(row.conflict_count),
    conflictHashes,
    redriveCount: Number(row.redrive_count),
    claimOwner: row.claim_owner ?? null,
    claimExpiresAt: row.claim_expires_at ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Chooses the state a markState call leaves behind. Progress states only move forwards unless
 * forced, so a re-run of an earlier node never rewinds an entry. `manual-handling` can be entered
 * from any state but `completed`, and left for any progress state (an operator re-drive).
 */
export function nextLedgerState(current: LedgerState, requested: LedgerState, force = false): LedgerState {
  if (force || current === requested) return requested;
  if (requested === 'manual-handling') return current === 'completed' ? current : requested;
  if (current === 'manual-handling') return requested;
  return (PROGRESS_RANK[requested] ?? 0) >= (PROGRESS_RANK[current] ?? 0) ? requested : current;
}

/** Orders rows oldest first, because `RETURNING` gives no order. */
function compareByReceipt(a: IntakeRow, b: IntakeRow): number {
  if (a.received_at !== b.received_at) return a.received_at < b.received_at ? -1 : 1;
  return a.submission_id.localeCompare(b.submission_id);
}

function requireId(submissionId: unknown): string {
  if (typeof submissionId !== 'string' || submissionId.trim() === '') {
    throw new TypeError(`Intake ledger needs a non-empty submission id; got ${JSON.stringify(submissionId)}`);
  }
  return submissionId;
}

function requirePositive(value: unknown, field: string, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(`Intake ledger option ${field} must be a ${allowZero ? 'non-negative' : 'positive'} number; got ${String(value)}`);
  }
  return value;
}

function requireUnfinishedStates(states: readonly unknown[]): LedgerState[] {
  if (!Array.isArray(states)) throw new TypeError('Intake ledger option states must be an array of ledger states');
  for (const state of states) {
    if (!LEDGER_STATES.includes(state as LedgerState) || state === 'completed' || state === 'manual-handling') {
      throw new RangeError(
        `Intake ledger option states contains "${String(state)}"; use unfinished states only: received, reference-allocated, written-to-chs, written-to-athena`,
      );
    }
  }
  return [...new Set(states as LedgerState[])];
}

/** The intake ledger on the shared SQL abstraction; see IntakeLedger for the contract. */
export class SqlIntakeLedger implements IntakeLedger {
  constructor(private readonly db: SqlDatabase) {}

  async recordReceived(input: RecordReceivedInput): Promise<RecordReceivedResult> {
    const submissionId = requireId(input.submissionId);
    if (!/^[0-9a-f]{64}$/.test(input.bodySha256 ?? '')) {
      throw new TypeError(`bodySha256 for submission ${submissionId} must be 64 lower-case hex characters`);
    }
    if (typeof input.document !== 'string') {
      throw new TypeError(`document for submission ${submissionId} must be the JSON text as received`);
    }
    const receivedAt = input.receivedAt ? new Date(input.receivedAt) : new Date();
    if (Number.isNaN(receivedAt.getTime())) {
      throw new RangeError(`receivedAt for submission ${submissionId} is not a valid ISO 8601 time: ${input.receivedAt}`);
    }
    const now = sqlNow(this.db.dialect);

    return this.db.transaction(async (tx) => {
      const inserted = await tx.execute(
        `INSERT INTO contact_hub_intake
           (submission_id, body_sha256, source, form_type, document, received_at, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'received', ${now}, ${now})
         ON CONFLICT (submission_id) DO NOTHING`,
        [submissionId, input.bodySha256, input.source, input.formType ?? null, input.document, receivedAt.toISOString()],
      );
      if (inserted.rowsAffected === 1) {
        return { outcome: 'new' as const, entry: await this.load(tx, submissionId, true) };
      }

      const [existing] = await tx.query<{ body_sha256: string }>(
        'SELECT body_sha256 FROM contact_hub_intake WHERE submission_id = $1',
        [submissionId],
      );
      if (existing.body_sha256 === input.bodySha256) {
        await tx.execute('UPDATE contact_hub_intake SET delivery_count = delivery_count + 1 WHERE submission_id = $1', [
          submissionId,
        ]);
        return { outcome: 'duplicate' as const, entry: await this.load(tx, submissionId, true) };
      }

      await tx.execute(
        'INSERT INTO contact_hub_intake_conflicts (submission_id, body_sha256, received_at) VALUES ($1, $2, $3)',
        [submissionId, input.bodySha256, receivedAt.toISOString()],
      );
      await tx.execute('UPDATE contact_hub_intake SET conflict_count = conflict_count + 1 WHERE submission_id = $1', [
        submissionId,
      ]);
      return { outcome: 'conflict' as const, entry: await this.load(tx, submissionId, true) };
    });
  }

  async get(submissionId: string): Promise<LedgerEntry | null> {
    return this.load(this.db, requireId(submissionId), false);
  }

  async setResponse(submissionId: string, response: IntakeResponse): Promise<LedgerEntry | null> {
    requireId(submissionId);
    if (!response || !Number.isInteger(response.status)) {
      throw new TypeError(`Response for submission ${submissionId} needs an integer HTTP status`);
    }
    const result = await this.db.execute(
      `UPDATE contact_hub_intake SET response = $2, updated_at = ${sqlNow(this.db.dialect)} WHERE submission_id = $1`,
      [submissionId, JSON.stringify(response)],
    );
    return result.rowsAffected === 0 ? null : this.get(submissionId);
  }

  async markState(submissionId: string, state: LedgerState, details: MarkStateDetails = {}): Promise<LedgerEntry | null> {
    requireId(submissionId);
    if (!LEDGER_STATES.includes(state)) {
      throw new RangeError(`Ledger state "${String(state)}" is invalid; use one of ${LEDGER_STATES.join(', ')}`);
    }
    const lockSuffix = this.db.dialect === 'postgres' ? ' FOR UPDATE' : '';

    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ state: LedgerState; manual_reason: string | null }>(
        `SELECT state, manual_reason FROM contact_hub_intake WHERE submission_id = $1${lockSuffix}`,
        [submissionId],
      );
      if (!row) return null;
      if (state === 'manual-handling' && !(details.manualReason ?? row.manual_reason)) {
        throw new TypeError(`Marking submission ${submissionId} for manual handling needs a manualReason`);
      }

      const assignments = ['state = $2', `updated_at = ${sqlNow(tx.dialect)}`];
      const params: unknown[] = [submissionId, nextLedgerState(row.state, state, details.force)];
      for (const [key, column] of DETAIL_COLUMNS) {
        if (details[key] === undefined) continue;
        params.push(details[key]);
        assignments.push(`${column} = $${params.length}`);
      }
      await tx.execute(
        `UPDATE contact_hub_intake SET ${assignments.join(', ')} WHERE submission_id = $1`,
        params as Array<string | null>,
      );
      return this.load(tx, submissionId, false);
    });
  }

  async listUnfinished(options: ListUnfinishedOptions): Promise<LedgerEntry[]> {
    const olderThan = requirePositive(options.olderThanSeconds, 'olderThanSeconds', true);
    const limit = requirePositive(options.limit, 'limit');
    const params: Array<string | number> = [-olderThan, Math.floor(limit)];
    let stateFilter = '';
    if (options.states !== undefined) {
      const states = requireUnfinishedStates(options.states);
      if (states.length === 0) return [];
      const placeholders = states.map((state) => {
        params.push(state);
        return `$${params.length}`;
      });
      stateFilter = ` AND state IN (${placeholders.join(', ')})`;
    }
    const rows = await this.db.query<IntakeRow>(
      `SELECT * FROM contact_hub_intake
       WHERE state NOT IN ${FINISHED_STATES} AND updated_at <= ${sqlNowPlusSeconds(this.db.dialect, '$1')}${stateFilter}
       ORDER BY received_at, submission_id
       LIMIT $2`,
      params,
    );
    return this.withConflicts(this.db, rows);
  }

  async claimUnfinished(options: ClaimOptions): Promise<LedgerEntry[]> {
    const olderThan = requirePositive(options.olderThanSeconds, 'olderThanSeconds', true);
    const lease = requirePositive(options.leaseSeconds, 'leaseSeconds');
    const limit = requirePositive(options.limit, 'limit');
    const owner = requireId(options.owner);
    const dialect = this.db.dialect;
    // SKIP LOCKED lets concurrent PostgreSQL claimers pass over each other's rows instead of
    // waiting; on SQLite the transaction's write lock already serialises claimers.
    const lockSuffix = dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';

    return this.db.transaction(async (tx) => {
      const rows = await tx.query<IntakeRow>(
        `UPDATE contact_hub_intake
         SET claim_owner = $1, claim_expires_at = ${sqlNowPlusSeconds(dialect, '$2')}, redrive_count = redrive_count + 1
         WHERE submission_id IN (
           SELECT submission_id FROM contact_hub_intake
           WHERE state NOT IN ${FINISHED_STATES}
             AND updated_at <= ${sqlNowPlusSeconds(dialect, '$3')}
             AND (claim_owner IS NULL OR claim_expires_at <= ${sqlNow(dialect)})
           ORDER BY received_at, submission_id
           LIMIT $4${lockSuffix}
         )
         RETURNING *`,
        [owner, lease, -olderThan, Math.floor(limit)],
      );
      rows.sort(compareByReceipt);
      return this.withConflicts(tx, rows);
    });
  }

  async releaseClaim(submissionId: string, owner: string): Promise<boolean> {
    const result = await this.db.execute(
      'UPDATE contact_hub_intake SET claim_owner = NULL, claim_expires_at = NULL WHERE submission_id = $1 AND claim_owner = $2',
      [requireId(submissionId), owner],
    );
    return result.rowsAffected > 0;
  }

  async countByState(): Promise<Record<LedgerState, number>> {
    const rows = await this.db.query<{ state: LedgerState; count: number }>(
      'SELECT state, count(*) AS count FROM contact_hub_intake GROUP BY state',
    );
    const counts = Object.fromEntries(LEDGER_STATES.map((state) => [state, 0])) as Record<LedgerState, number>;
    for (const row of rows) counts[row.state] = Number(row.count);
    return counts;
  }

  private async load(db: SqlDatabase, submissionId: string, mustExist: true): Promise<LedgerEntry>;
  private async load(db: SqlDatabase, submissionId: string, mustExist: false): Promise<LedgerEntry | null>;
  private async load(db: SqlDatabase, submissionId: string, mustExist: boolean): Promise<LedgerEntry | null> {
    const rows = await db.query<IntakeRow>('SELECT * FROM contact_hub_intake WHERE submission_id = $1', [submissionId]);
    if (!rows[0]) {
      if (mustExist) throw new Error(`Intake ledger entry for submission ${submissionId} vanished inside its own transaction`);
      return null;
    }
    const [entry] = await this.withConflicts(db, rows);
    return entry;
  }

  private async withConflicts(db: SqlDatabase, rows: IntakeRow[]): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    for (const row of rows) {
      let hashes: string[] = [];
      if (Number(row.conflict_count) > 0) {
        const conflicts = await db.query<{ body_sha256: string }>(
          'SELECT body_sha256 FROM contact_hub_intake_conflicts WHERE submission_id = $1 ORDER BY id',
          [row.submission_id],
        );
        hashes = conflicts.map((conflict) => conflict.body_sha256);
      }
      entries.push(toEntry(row, hashes));
    }
    return entries;
  }
}
