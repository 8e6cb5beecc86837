/**
 * The audit log in the Contact Hub Store: a hash chain of audit events with signed checkpoints
 * and a signed head. Appends from every process and execution take one lock, so the chain stays
 * gap-free and linear.
 */
import { randomUUID } from 'node:crypto';
import type { SqlDatabase } from '../store/types';
import { canonicalJson } from './canonicalJson';
import { GENESIS_HASH, digestValue, hashEvent } from './chain';
import { checkSignature, headSigningPayload, signCheckpoint, signHead, type AuditCheckpoint } from './checkpoint';
import {
  AUDIT_EVENT_VERSION,
  parseAuditEventInput,
  type AuditActor,
  type AuditEvent,
  type AuditEventInput,
  type ParsedAuditEventInput,
  type UnhashedAuditEvent,
} from './event';
import { exportEvents, type AuditExport, type AuditExportOptions } from './export';
import type { AuditKey } from './keys';
import { subtractIsoDuration } from './retention';
import {
  EVENT_COLUMNS,
  insertCheckpoint,
  insertContent,
  insertEvent,
  normaliseEventRow,
  selectCheckpoints,
  selectEventPage,
  selectHead,
  selectLastCheckpointNumber,
  selectLastEvent,
  upsertHead,
} from './rows';
import { toLondonIso } from './time';
import { ChainVerifier, type StoredEventRow, type VerifyReport } from './verify';

/** Lock key that serialises every writer of the chain, across processes, on both dialects. */
// NOTE: on PostgreSQL the lock is per database, so audit logs in different schemas of one database wait for each other.
export const AUDIT_CHAIN_LOCK_KEY = 'audit-chain';

export const DEFAULT_CHECKPOINT_INTERVAL = 1000;
const VERIFY_PAGE_SIZE = 5000;

export interface AuditLogOptions {
  /** Signs checkpoints and the head. Needed by append, checkpoint, eraseContent and retentionSweep. */
  key?: AuditKey;
  /** Earlier keys, by key id, whose signatures on the current head are accepted after a key rotation. */
  previousKeys?: AuditKey[];
  /** Per-deployment secret for keyed digests. Needed when events carry digest values or content. */
  digestSalt?: string;
  /** Writes a checkpoint whenever the sequence reaches a multiple of this; 0 turns automatic checkpoints off. */
  checkpointInterval?: number;
  /** Clock for tests. */
  now?: () => Date;
}

export type TrailQuery = { submissionId: string } | { reference: string };

export interface TrailEntry {
  event: AuditEvent;
  /** Present only when requested and not yet erased. */
  content?: Record<string, unknown>;
}

export interface EraseContentOptions {
  /** Erase the content of these events, or of every event of the submission. */
  target: { eventIds: string[] } | { submissionId: string };
  actor: AuditActor;
  justification?: string;
}

export interface RetentionSweepOptions {
  /** ISO 8601 duration such as `P7Y`, `P6M` or `P90D`: content of events older than this is erased. */
  olderThan: string;
  now?: Date;
  actor?: AuditActor;
  /** Maximum number of content rows erased by one call; run again to continue. */
  limit?: number;
}

export interface ErasureResult {
  erasedEventIds: string[];
  erasureEvents: AuditEvent[];
}

/** Raised when the stored chain no longer matches its signed head, so appending would hide tampering. */
export class AuditChainError extends Error {
  override name = 'AuditChainError';
}

const SYSTEM_ACTOR: AuditActor = { type: 'system', id: 'contact-hub-audit-log' };

export class AuditLog {
  private readonly checkpointInterval: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: SqlDatabase,
    private readonly options: AuditLogOptions = {},
  ) {
    this.checkpointInterval = options.checkpointInterval ?? DEFAULT_CHECKPOINT_INTERVAL;
    if (!Number.isInteger(this.checkpointInterval) || this.checkpointInterval < 0) {
      throw new RangeError(`checkpointInterval must be a whole number of events, 0 or more; got ${this.checkpointInterval}.`);
    }
    this.now = options.now ?? (() => new Date());
  }

  /** Validates and appends events in one transaction, in the order given, and returns them as stored. */
  async append(inputs: AuditEventInput[]): Promise<AuditEvent[]> {
    const now = this.now();
    const parsed = inputs.map((input, index) => parseAuditEventInput(input, index, now));
    if (parsed.length === 0) return [];
    return this.db.transaction((tx) => this.appendInTransaction(tx, parsed), { lockKey: AUDIT_CHAIN_LOCK_KEY });
  }

  /** Returns the events of one submission or reference in sequence order. */
  async trail(query: TrailQuery, options: { includeContent?: boolean } = {}): Promise<TrailEntry[]> {
    const [column, value] = 'submissionId' in query ? ['submission_id', query.submissionId] : ['reference', query.reference];
    if (!value) throw new Error(`A trail needs a non-empty ${'submissionId' in query ? 'submissionId' : 'reference'}.`);

    const rows = await this.db.query<StoredEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM audit_events WHERE ${column} = $1 ORDER BY sequence`,
      [value],
    );
    const entries: TrailEntry[] = rows.map((row) => ({ event: JSON.parse(normaliseEventRow(row).eventJson) as AuditEvent }));
    if (!options.includeContent) return entries;

    for (const entry of entries) {
      if (!entry.event.contentDigest) continue;
      const content = await this.db.query<{ contentJson: string }>(
        'SELECT content_json AS "contentJson" FROM audit_content WHERE event_id = $1',
        [entry.event.eventId],
      );
      if (content[0]) entry.content = JSON.parse(content[0].contentJson) as Record<string, unknown>;
    }
    return entries;
  }

  /**
   * Recomputes every hash in sequence order and checks sequence continuity, every checkpoint, the
   * signed head and the stored content. Reads in pages, so memory stays flat for long chains.
   */
  async verify(options: { key: AuditKey | AuditKey[]; digestSalt?: string; checkContent?: boolean }): Promise<VerifyReport> {
    const keys = Array.isArray(options.key) ? options.key : [options.key];
    const checkpoints = await selectCheckpoints(this.db);
    const head = await selectHead(this.db);
    const checkContent = options.checkContent !== false;
    const verifier = new ChainVerifier({ keys, checkpoints, head, digestSalt: options.digestSalt ?? this.options.digestSalt, checkContent });

    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const page = await selectEventPage(this.db, after, VERIFY_PAGE_SIZE);
      if (page.length === 0) break;
      for (const row of page) verifier.addEvent(row);
      after = page[page.length - 1].sequence;
    }

    let afterEventId = '';
    while (checkContent) {
      const content = await this.db.query<{ eventId: string; contentJson: string }>(
        `SELECT event_id AS "eventId", content_json AS "contentJson" FROM audit_content
         WHERE event_id > $1 ORDER BY event_id LIMIT $2`,
        [afterEventId, VERIFY_PAGE_SIZE],
      );
      if (content.length === 0) break;
      for (const row of content) verifier.addContent(row.eventId, row.contentJson);
      afterEventId = content[content.length - 1].eventId;
    }

    return verifier.finish();
  }

  /** Writes a signed checkpoint at the current head, unless the last checkpoint already covers it. */
  async checkpoint(): Promise<AuditCheckpoint | undefined> {
    const key = this.requireSigningKey('create a checkpoint');
    return this.db.transaction(
      async (tx) => {
        const last = await this.checkedLastEvent(tx, key);
        if (!last) return undefined;
        const previous = await selectLastCheckpointNumber(tx);
        if (previous.upToSequence === last.sequence) return undefined;

        const checkpoint = this.signCheckpointAt(previous.number + 1, last.sequence, last.hash, key);
        await insertCheckpoint(tx, checkpoint);
        await this.writeHead(tx, last.sequence, last.hash, checkpoint.checkpointNumber, key);
        return checkpoint;
      },
      { lockKey: AUDIT_CHAIN_LOCK_KEY },
    );
  }

  /** Exports events as JSON Lines or CSV, with hashes so an auditor can re-verify them. */
  async export(options: AuditExportOptions): Promise<AuditExport> {
    return exportEvents(this.db, options);
  }

  /** Deletes the stored content of events (never the events) and appends an erasure event naming what went. */
  async eraseContent(options: EraseContentOptions): Promise<ErasureResult> {
    this.requireSigningKey('erase content');
    return this.db.transaction(
      async (tx) => {
        const rows =
          'eventIds' in options.target
            ? await this.selectContentByEventIds(tx, options.target.eventIds)
            : await tx.query<ContentTargetRow>(
                `${CONTENT_TARGET_SELECT} WHERE e.submission_id = $1 ORDER BY e.sequence`,
                [options.target.submissionId],
              );
        return this.eraseRows(tx, rows, 'erasure', options.actor, options.justification, {});
      },
      { lockKey: AUDIT_CHAIN_LOCK_KEY },
    );
  }

  /**
   * Erases the content of events older than the retention period and appends one erasure event
   * per submission affected. Events themselves are never deleted.
   */
  async retentionSweep(options: RetentionSweepOptions): Promise<ErasureResult & { cutoffUtc: string }> {
    this.requireSigningKey('run a retention sweep');
    const now = options.now ?? this.now();
    const cutoffUtc = subtractIsoDuration(now, options.olderThan).toISOString();
    const limit = options.limit ?? 10_000;

    const result = await this.db.transaction(
      async (tx) => {
        const rows = await tx.query<ContentTargetRow>(
          `${CONTENT_TARGET_SELECT} WHERE e.occurred_at_utc < $1 ORDER BY e.sequence LIMIT $2`,
          [cutoffUtc, limit],
        );
        return this.eraseRows(tx, rows, 'retention-sweep', options.actor ?? SYSTEM_ACTOR, `Retention period ${options.olderThan} expired`, {
          retentionPeriod: options.olderThan,
          cutoffUtc,
        });
      },
      { lockKey: AUDIT_CHAIN_LOCK_KEY },
    );
    return { ...result, cutoffUtc };
  }

  private async selectContentByEventIds(tx: SqlDatabase, eventIds: string[]): Promise<ContentTargetRow[]> {
    const rows: ContentTargetRow[] = [];
    for (const eventId of eventIds) {
      rows.push(...(await tx.query<ContentTargetRow>(`${CONTENT_TARGET_SELECT} WHERE e.event_id = $1`, [eventId])));
    }
    return rows;
  }

  private async eraseRows(
    tx: SqlDatabase,
    rows: ContentTargetRow[],
    step: 'erasure' | 'retention-sweep',
    actor: AuditActor,
    justification: string | undefined,
    extraDetails: Record<string, string>,
  ): Promise<ErasureResult> {
    const bySubmission = new Map<string, ContentTargetRow[]>();
    for (const row of rows) {
      const key = row.submissionId ?? '';
      bySubmission.set(key, [...(bySubmission.get(key) ?? []), row]);
    }

    const inputs: ParsedAuditEventInput[] = [];
    for (const [submissionId, group] of bySubmission) {
      const erasedFields = new Set<string>();
      for (const row of group) {
        for (const field of Object.keys(JSON.parse(row.contentJson) as object)) erasedFields.add(field);
        await tx.execute('DELETE FROM audit_content WHERE event_id = $1', [row.eventId]);
      }
      inputs.push(
        parseAuditEventInput({
          step,
          action: 'erasure',
          actor,
          submissionId: submissionId || undefined,
          reference: group.find((row) => row.reference)?.reference ?? undefined,
          targetSystem: 'contact-hub-audit-log',
          outcome: 'success',
          justification,
          details: {
            ...extraDetails,
            erasedEventIds: group.map((row) => row.eventId),
            erasedFields: [...erasedFields].sort(),
          },
          occurredAt: this.now(),
        }),
      );
    }

    const erasureEvents = inputs.length > 0 ? await this.appendInTransaction(tx, inputs) : [];
    return { erasedEventIds: rows.map((row) => row.eventId), erasureEvents };
  }

  private async appendInTransaction(tx: SqlDatabase, inputs: ParsedAuditEventInput[]): Promise<AuditEvent[]> {
    const key = this.requireSigningKey('append audit events');
    const last = await this.checkedLastEvent(tx, key);
    const lastCheckpoint = await selectLastCheckpointNumber(tx);

    let sequence = last?.sequence ?? 0;
    let previousHash = last?.hash ?? GENESIS_HASH;
    let checkpointNumber = lastCheckpoint.number;
    const stored: AuditEvent[] = [];
    const storedAtUtc = this.now().toISOString();

    for (const input of inputs) {
      sequence += 1;
      const { event, contentJson } = this.buildEvent(input, sequence, previousHash);
      await insertEvent(tx, event, canonicalJson(event));
      if (contentJson !== undefined) await insertContent(tx, event.eventId, contentJson, storedAtUtc);

      if (this.checkpointInterval > 0 && sequence % this.checkpointInterval === 0) {
        checkpointNumber += 1;
        await insertCheckpoint(tx, this.signCheckpointAt(checkpointNumber, sequence, event.hash, key));
      }
      previousHash = event.hash;
      stored.push(event);
    }

    await this.writeHead(tx, sequence, previousHash, checkpointNumber, key);
    return stored;
  }

  private buildEvent(input: ParsedAuditEventInput, sequence: number, previousHash: string): { event: AuditEvent; contentJson?: string } {
    const needsSalt = (input.digestValues && Object.keys(input.digestValues).length > 0) || input.content !== undefined;
    const salt = this.options.digestSalt;
    if (needsSalt && !salt) {
      throw new Error(
        `Audit event for submission ${input.submissionId ?? '(none)'} has digest values or content, but no digest salt is configured; set "Digest Salt" on the Contact Hub Audit Key credential.`,
      );
    }

    const digests: Record<string, string> = {};
    for (const [field, value] of Object.entries(input.digestValues ?? {})) digests[field] = digestValue(value, salt!);

    const contentJson = input.content !== undefined ? canonicalJson(input.content) : undefined;
    const unhashed: UnhashedAuditEvent = {
      version: AUDIT_EVENT_VERSION,
      sequence,
      eventId: randomUUID(),
      occurredAtUtc: input.occurredAt.toISOString(),
      occurredAtLondon: toLondonIso(input.occurredAt),
      step: input.step,
      action: input.action,
      actor: input.actor,
      submissionId: input.submissionId,
      reference: input.reference,
      targetSystem: input.targetSystem,
      targetRecordId: input.targetRecordId,
      recipient: input.recipient,
      outcome: input.outcome,
      justification: input.justification,
      details: input.details ?? {},
      digests,
      contentDigest: input.content !== undefined ? digestValue(input.content, salt!) : undefined,
      digestKeyId: needsSalt ? this.options.key?.keyId : undefined,
      previousHash,
    };
    // Drop undefined members now, so the stored JSON and the hashed JSON are the same text.
    const event = JSON.parse(canonicalJson({ ...unhashed, hash: hashEvent(unhashed) })) as AuditEvent;
    return { event, contentJson };
  }

  /**
   * Reads the newest event and checks it against the signed head. Appending on top of a chain
   * whose tail was cut or rebuilt would re-sign the head over the tampering, so that is refused.
   */
  private async checkedLastEvent(tx: SqlDatabase, key: AuditKey): Promise<{ sequence: number; hash: string } | undefined> {
    const last = await selectLastEvent(tx);
    const head = await selectHead(tx);
    if (!head) {
      if (last) throw new AuditChainError(`The audit log contains ${last.sequence} events but its signed head is missing. Run Verify Chain and investigate before appending.`);
      return undefined;
    }

    // A head whose signature cannot be checked is rejected too. Otherwise this append would re-sign
    // a head forged under an invented key id, and hide the tampering before it.
    const problem = checkSignature(head, headSigningPayload(head), [key, ...(this.options.previousKeys ?? [])]);
    if (problem) {
      throw new AuditChainError(
        `The signed head of the audit log cannot be trusted: ${problem}. After a key rotation, supply the earlier key as a previous key; otherwise run Verify Chain before appending.`,
      );
    }
    if (!last || last.sequence !== head.sequence || last.hash !== head.headHash) {
      throw new AuditChainError(
        `The audit log ends at event ${last?.sequence ?? 0}, but its signed head records event ${head.sequence} with hash ${head.headHash}; the chain has been altered. Run Verify Chain before appending.`,
      );
    }
    return last;
  }

  private signCheckpointAt(checkpointNumber: number, upToSequence: number, headHash: string, key: AuditKey): AuditCheckpoint {
    // The chain is gap-free under the lock, so the event count up to a sequence equals the sequence.
    return signCheckpoint(
      { checkpointNumber, upToSequence, headHash, eventCount: upToSequence, signedAt: this.now().toISOString() },
      key,
    );
  }

  private async writeHead(tx: SqlDatabase, sequence: number, headHash: string, checkpointCount: number, key: AuditKey): Promise<void> {
    await upsertHead(tx, signHead({ sequence, headHash, checkpointCount, signedAt: this.now().toISOString() }, key));
  }

  private requireSigningKey(operation: string): AuditKey {
    const key = this.options.key;
    if (!key) throw new Error(`A signing key is needed to ${operation}; select a Contact Hub Audit Key credential.`);
    if (!key.canSign) throw new Error(`Audit key "${key.keyId}" is a public key and cannot ${operation}; supply the private key.`);
    return key;
  }
}

interface ContentTargetRow {
  eventId: string;
  submissionId: string | null;
  reference: string | null;
  contentJson: string;
}

const CONTENT_TARGET_SELECT = `SELECT c.event_id AS "eventId", e.submission_id AS "submissionId", e.reference, c.content_json AS "contentJson"
  FROM audit_content c JOIN audit_events e ON e.event_id = c.event_id`;

/** Opens the audit log on an open Contact Hub Store. */
export function openAuditLog(store: { db: SqlDatabase }, options: AuditLogOptions = {}): AuditLog {
  return new AuditLog(store.db, options);
}
