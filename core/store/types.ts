/**
 * The Contact Hub Store contract: one SQL abstraction and two repositories (references and the
 * intake ledger) that behave the same on SQLite and PostgreSQL.
 */

export type StoreDialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | boolean | null | undefined | bigint | Date | Uint8Array;

export interface TransactionOptions {
  /**
   * Serialises transactions that use the same key. PostgreSQL takes
   * `pg_advisory_xact_lock(hashtext(lockKey))` as the first statement. SQLite ignores the key
   * because every transaction starts with `BEGIN IMMEDIATE`, which already serialises writers.
   */
  lockKey?: string;
}

/**
 * A minimal SQL interface shared by both dialects. SQL uses `$1, $2…` placeholders on both
 * (the SQLite adapter rewrites them to `?1, ?2…`). Results are plain objects keyed by column name.
 * PostgreSQL `bigint` values come back as numbers and `timestamptz` values as ISO 8601 strings
 * in UTC, so rows look the same on both dialects.
 */
export interface SqlDatabase {
  readonly dialect: StoreDialect;
  query<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  execute(sql: string, params?: readonly SqlValue[]): Promise<{ rowsAffected: number }>;
  /**
   * Runs `fn` in one transaction and commits when it resolves, or rolls back when it throws.
   * A call made on the `tx` handle inside `fn` joins the open transaction.
   */
  transaction<T>(fn: (tx: SqlDatabase) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export type StoreConfig =
  | { type: 'sqlite'; path: string }
  | {
      type: 'postgres';
      host: string;
      port: number;
      database: string;
      user: string;
      password?: string;
      ssl?: { mode: 'disable' | 'require' | 'verify-full'; ca?: string; cert?: string; key?: string };
      /** Created when missing and put first on `search_path`; tests use a unique schema each. */
      schema?: string;
      maxConnections?: number;
      /** How long to wait for a new connection before reporting the store unreachable. Default 10 000 ms. */
      connectTimeoutMs?: number;
      /**
       * `apply` (default) migrates the schema on open. `require-current` only checks that it is up to
       * date, for least-privileged roles that may not create tables (see docs/audit.md).
       */
      migrations?: 'apply' | 'require-current';
    };

// ---------------------------------------------------------------------------------------------
// References

export interface AllocateReferenceInput {
  /** The sequence's owner, normally the force code and the pattern. */
  scope: string;
  /** The reset period the sequence counts in: `all`, `2026`, `2026-04` or `2026-04-01`. */
  periodKey: string;
  submissionId: string;
  /** Turns the allocated sequence number into the reference text. Throwing rolls everything back. */
  render: (sequence: number) => string;
}

export interface ReferenceRecord {
  scope: string;
  periodKey: string;
  sequence: number;
  reference: string;
  submissionId: string;
  createdAt: string;
}

export interface AllocateReferenceResult {
  reference: string;
  sequence: number;
  /** False when the submission already had a reference in this scope, which is then returned. */
  created: boolean;
  record: ReferenceRecord;
}

export interface ReferenceRepository {
  /**
   * Allocates the next sequence number in `(scope, periodKey)` and stores the rendered reference,
   * in one transaction. Idempotent per `(scope, submissionId)`. Sequences have no gaps, because
   * the counter and the reference row commit or roll back together: a failed render, a rejected
   * insert or a process that dies mid-transaction leaves the number for the next submission.
   * Once committed, a reference stays with its submission even when later steps fail.
   */
  allocate(input: AllocateReferenceInput): Promise<AllocateReferenceResult>;
  /** Returns the submission's reference in `scope`, or its most recent one in any scope. */
  findBySubmission(submissionId: string, scope?: string): Promise<ReferenceRecord | null>;
  findByReference(scope: string, reference: string): Promise<ReferenceRecord | null>;
}

// ---------------------------------------------------------------------------------------------
// Intake ledger

export const LEDGER_STATES = [
  'received',
  'reference-allocated',
  'written-to-chs',
  'written-to-athena',
  'completed',
  'manual-handling',
] as const;

export type LedgerState = (typeof LEDGER_STATES)[number];

/** The HTTP response sent to iHub for a submission, replayed when iHub re-delivers it. */
export interface IntakeResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RecordReceivedInput {
  submissionId: string;
  bodySha256: string;
  /** Channel the submission arrived by, e.g. `standard-api`, `email`, `raw-soh`. */
  source: string;
  formType?: string | null;
  /** The document as received (JSON text). The ledger must store it before iHub receives 201. */
  document: string;
  /** ISO 8601 instant; defaults to now. */
  receivedAt?: string;
}

export interface LedgerEntry {
  submissionId: string;
  bodySha256: string;
  source: string;
  formType: string | null;
  document: string;
  receivedAt: string;
  state: LedgerState;
  reference: string | null;
  chsIncidentId: string | null;
  athenaOccurrenceId: string | null;
  manualReason: string | null;
  lastError: string | null;
  response: IntakeResponse | null;
  /** Deliveries of this submission id with the same body, the first included. */
  deliveryCount: number;
  /** Deliveries with the same id and a different body; their hashes are in `conflictHashes`. */
  conflictCount: number;
  conflictHashes: string[];
  /** How many times a reconciler has claimed the entry to drive it on. */
  redriveCount: number;
  claimOwner: string | null;
  claimExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RecordReceivedResult {
  /** `duplicate`: same id and same body hash. `conflict`: same id, different body hash. */
  outcome: 'new' | 'duplicate' | 'conflict';
  entry: LedgerEntry;
}

export interface MarkStateDetails {
  reference?: string | null;
  chsIncidentId?: string | null;
  athenaOccurrenceId?: string | null;
  manualReason?: string | null;
  lastError?: string | null;
  /**
   * Allow a move backwards through the progress states (received → reference-allocated →
   * written-to-chs → written-to-athena → completed). Without it such a move only updates the
   * detail fields, so a re-run of an earlier node never rewinds an entry.
   */
  force?: boolean;
}

export interface ListUnfinishedOptions {
  olderThanSeconds: number;
  limit: number;
  states?: readonly LedgerState[];
}

export interface ClaimOptions {
  olderThanSeconds: number;
  owner: string;
  leaseSeconds: number;
  limit: number;
}

export interface IntakeLedger {
  recordReceived(input: RecordReceivedInput): Promise<RecordReceivedResult>;
  get(submissionId: string): Promise<LedgerEntry | null>;
  setResponse(submissionId: string, response: IntakeResponse): Promise<LedgerEntry | null>;
  /** Returns the updated entry, or null when the submission is not in the ledger. */
  markState(submissionId: string, state: LedgerState, details?: MarkStateDetails): Promise<LedgerEntry | null>;
  /**
   * Entries not `completed` nor `manual-handling` whose last update is older than `olderThanSeconds`,
   * oldest first. `states` narrows the result to those unfinished states.
   */
  listUnfinished(options: ListUnfinishedOptions): Promise<LedgerEntry[]>;
  /**
   * Claims unfinished, unclaimed (or lease-expired) entries for `owner`, oldest first, and
   * increments their re-drive count. Two claimers never receive the same entry while a lease runs.
   */
  claimUnfinished(options: ClaimOptions): Promise<LedgerEntry[]>;
  /** Returns false when `owner` does not hold the claim. */
  releaseClaim(submissionId: string, owner: string): Promise<boolean>;
  countByState(): Promise<Record<LedgerState, number>>;
}

export interface ContactHubStore {
  dialect: StoreDialect;
  db: SqlDatabase;
  references: ReferenceRepository;
  intake: IntakeLedger;
  close(): Promise<void>;
}
