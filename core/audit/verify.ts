/**
 * Chain verification, independent of the database: feed stored rows in order of their sequence
 * column, then the checkpoints, the signed head and the content rows, and read the report.
 */
import { GENESIS_HASH, digestValue, hashEvent } from './chain';
import { auditEventSchema, type AuditEvent } from './event';
import { checkSignature, checkpointSigningPayload, headSigningPayload, type AuditCheckpoint, type AuditHead } from './checkpoint';
import type { AuditKey } from './keys';

export type VerifyProblemKind =
  | 'hash-mismatch'
  | 'missing-event'
  | 'reordered'
  | 'inserted'
  | 'checkpoint-signature-invalid'
  | 'checkpoint-head-mismatch'
  | 'tail-truncated'
  | 'checkpoint-missing'
  | 'head-missing'
  | 'content-mismatch';

/** The checkpoint whose guarantee a problem breaks: the first one at or after the problem, else the signed head. */
export type BrokenCheckpoint =
  | { kind: 'checkpoint'; checkpointNumber: number; upToSequence: number }
  | { kind: 'head'; sequence: number };

export interface VerifyProblem {
  sequence: number;
  kind: VerifyProblemKind;
  detail: string;
  brokenCheckpoint?: BrokenCheckpoint;
}

export interface VerifyReport {
  ok: boolean;
  eventsChecked: number;
  checkpointsChecked: number;
  lastSequence: number;
  lastHash: string;
  firstProblem?: VerifyProblem;
  /** Up to MAX_REPORTED_PROBLEMS problems in sequence order. Problems after the first may be consequences of it. */
  problems: VerifyProblem[];
}

export const MAX_REPORTED_PROBLEMS = 50;

/** One stored event row: the indexed columns and the hashed JSON they were copied from. */
export interface StoredEventRow {
  sequence: number;
  eventId: string;
  submissionId: string | null;
  reference: string | null;
  occurredAtUtc: string;
  hash: string;
  eventJson: string;
}

export interface ChainVerifierOptions {
  keys: AuditKey[];
  checkpoints: AuditCheckpoint[];
  head: AuditHead | undefined;
  /** Needed to check stored content against its digest; without it content is checked for presence only. */
  digestSalt?: string;
  /** False skips every content check, for a role that may not read personal data. Default true. */
  checkContent?: boolean;
}

export class ChainVerifier {
  private expectedSequence = 1;
  private previousHash = GENESIS_HASH;
  private eventsChecked = 0;
  private lastHash = GENESIS_HASH;
  private lastSequence = 0;
  private readonly problems: VerifyProblem[] = [];
  private problemCount = 0;
  private readonly checkpointsBySequence = new Map<number, AuditCheckpoint>();
  private readonly recentHashes = new Map<string, number>();
  /** Events that hold a content digest, mapped to whether their content row was found. */
  private readonly contentExpected = new Map<string, { sequence: number; found: boolean }>();
  private readonly erasedEventIds = new Set<string>();

  constructor(private readonly options: ChainVerifierOptions) {
    for (const checkpoint of options.checkpoints) this.checkpointsBySequence.set(checkpoint.upToSequence, checkpoint);
  }

  /** Checks one row. Rows must arrive ordered by their sequence column. */
  addEvent(row: StoredEventRow): AuditEvent | undefined {
    this.eventsChecked += 1;

    const event = parseStoredEvent(row.eventJson);
    if (typeof event === 'string') {
      this.report(row.sequence, 'hash-mismatch', `Event at sequence ${row.sequence} cannot be read: ${event}.`);
      this.resync(row.sequence, row.hash);
      return undefined;
    }

    const recomputed = hashEvent(event);
    if (recomputed !== event.hash || row.hash !== event.hash) {
      this.report(
        row.sequence,
        'hash-mismatch',
        `Event ${event.eventId} at sequence ${row.sequence} has been altered: its content hashes to ${recomputed}, but the stored hash is ${row.hash}.`,
      );
      // Continue from the stored hash, so an edit that was not re-hashed is reported once, not again at the next link.
      this.resync(row.sequence, event.hash);
      this.afterEvent(row, event, recomputed);
      return event;
    }

    if (event.sequence < this.expectedSequence) {
      this.report(
        row.sequence,
        'inserted',
        `Event ${event.eventId} claims sequence ${event.sequence}, which the chain has already passed; an event was inserted before it.`,
      );
    } else if (event.sequence !== row.sequence) {
      this.report(
        row.sequence,
        'reordered',
        `The row at sequence ${row.sequence} holds event ${event.eventId}, whose hashed sequence is ${event.sequence}; rows have been moved.`,
      );
    } else if (event.sequence > this.expectedSequence) {
      const missingTo = event.sequence - 1;
      const range = missingTo === this.expectedSequence ? `${missingTo}` : `${this.expectedSequence} to ${missingTo}`;
      this.report(this.expectedSequence, 'missing-event', `Event sequence ${range} is missing; the chain jumps to ${event.sequence}.`);
    } else if (event.previousHash !== this.previousHash) {
      const linkedSequence = this.recentHashes.get(event.previousHash);
      if (linkedSequence !== undefined) {
        this.report(
          row.sequence,
          'inserted',
          `Event ${event.sequence} links to event ${linkedSequence}, not to event ${event.sequence - 1}; the events in between were inserted.`,
        );
      } else {
        this.report(
          row.sequence,
          'hash-mismatch',
          `Event ${event.sequence} does not link to the event before it: its previous hash is ${event.previousHash}, but event ${event.sequence - 1} hashes to ${this.previousHash}.`,
        );
      }
    } else {
      const columnProblem = compareColumns(row, event);
      if (columnProblem) this.report(row.sequence, 'hash-mismatch', columnProblem);
    }

    this.resync(Math.max(row.sequence, event.sequence), event.hash);
    this.afterEvent(row, event, event.hash);
    return event;
  }

  /** Records which content rows exist for events already added, with the stored content JSON. */
  addContent(eventId: string, contentJson: string): void {
    const expected = this.contentExpected.get(eventId);
    if (!expected) {
      // Orphaned content usually follows a deleted event, so it is reported after the chain's own problems.
      this.report(this.lastSequence + 1, 'content-mismatch', `Content is stored for event ${eventId}, which has no content digest or is no longer stored.`);
      return;
    }
    expected.found = true;
    if (!this.options.digestSalt) return;

    let content: unknown;
    try {
      content = JSON.parse(contentJson);
    } catch {
      this.report(expected.sequence, 'content-mismatch', `The content of event ${eventId} is not valid JSON.`);
      return;
    }
    const event = this.contentDigests.get(eventId);
    if (event && digestValue(content, this.options.digestSalt) !== event) {
      this.report(expected.sequence, 'content-mismatch', `The content of event ${eventId} does not match the digest in the event; it has been altered.`);
    }
  }

  private readonly contentDigests = new Map<string, string>();

  /** Checks the checkpoints and signed head against the scanned chain, and returns the report. */
  finish(): VerifyReport {
    this.checkCheckpoints();
    this.checkHead();

    const contentChecked = this.options.checkContent !== false;
    for (const [eventId, expected] of contentChecked ? this.contentExpected : []) {
      if (!expected.found && !this.erasedEventIds.has(eventId)) {
        this.report(
          expected.sequence,
          'content-mismatch',
          `The content of event ${eventId} is missing and no erasure event records its removal.`,
        );
      }
    }

    this.problems.sort((a, b) => a.sequence - b.sequence || Number(a.kind === 'content-mismatch') - Number(b.kind === 'content-mismatch'));
    const problems = this.problems.map((problem) => ({ ...problem, brokenCheckpoint: this.brokenCheckpointFor(problem) }));
    return {
      ok: this.problemCount === 0,
      eventsChecked: this.eventsChecked,
      checkpointsChecked: this.options.checkpoints.length,
      lastSequence: this.lastSequence,
      lastHash: this.lastHash,
      firstProblem: problems[0],
      problems,
    };
  }

  private readonly hashesAtCheckpoints = new Map<number, { hash: string; count: number }>();

  private afterEvent(row: StoredEventRow, event: AuditEvent, hash: string): void {
    this.lastSequence = row.sequence;
    this.lastHash = hash;
    this.recentHashes.set(hash, event.sequence);

    if (this.checkpointsBySequence.has(row.sequence)) {
      this.hashesAtCheckpoints.set(row.sequence, { hash, count: this.eventsChecked });
    }
    if (event.contentDigest) {
      this.contentExpected.set(event.eventId, { sequence: event.sequence, found: false });
      this.contentDigests.set(event.eventId, event.contentDigest);
    }
    if (event.action === 'erasure') {
      const erased = event.details.erasedEventIds;
      if (Array.isArray(erased)) for (const id of erased) if (typeof id === 'string') this.erasedEventIds.add(id);
    }
  }

  private resync(sequence: number, hash: string): void {
    this.expectedSequence = sequence + 1;
    this.previousHash = hash;
  }

  private checkCheckpoints(): void {
    const sorted = [...this.options.checkpoints].sort((a, b) => a.checkpointNumber - b.checkpointNumber);
    let expectedNumber = 1;
    for (const checkpoint of sorted) {
      const label = `Checkpoint ${checkpoint.checkpointNumber} (up to event ${checkpoint.upToSequence})`;
      if (checkpoint.checkpointNumber !== expectedNumber) {
        this.report(checkpoint.upToSequence, 'checkpoint-missing', `Checkpoint ${expectedNumber} is missing; the next stored checkpoint is number ${checkpoint.checkpointNumber}.`);
      }
      expectedNumber = checkpoint.checkpointNumber + 1;

      const signatureProblem = checkSignature(checkpoint, checkpointSigningPayload(checkpoint), this.options.keys);
      if (signatureProblem) {
        this.report(checkpoint.upToSequence, 'checkpoint-signature-invalid', `${label} cannot be trusted: ${signatureProblem}.`);
        continue;
      }

      const seen = this.hashesAtCheckpoints.get(checkpoint.upToSequence);
      if (!seen) {
        this.report(
          checkpoint.upToSequence,
          checkpoint.upToSequence > this.lastSequence ? 'tail-truncated' : 'missing-event',
          `${label} covers event ${checkpoint.upToSequence}, which is no longer stored.`,
        );
      } else if (seen.hash !== checkpoint.headHash) {
        this.report(
          checkpoint.upToSequence,
          'checkpoint-head-mismatch',
          `${label} signed head hash ${checkpoint.headHash}, but the stored chain hashes to ${seen.hash} at that event.`,
        );
      } else if (seen.count !== checkpoint.eventCount) {
        this.report(
          checkpoint.upToSequence,
          seen.count < checkpoint.eventCount ? 'missing-event' : 'inserted',
          `${label} signed ${checkpoint.eventCount} events, but ${seen.count} are stored up to that sequence.`,
        );
      }
    }
  }

  private checkHead(): void {
    const head = this.options.head;
    if (!head) {
      if (this.eventsChecked > 0) {
        this.report(this.lastSequence, 'head-missing', 'The signed head record is missing, so truncation of the newest events cannot be ruled out.');
      }
      return;
    }

    const signatureProblem = checkSignature(head, headSigningPayload(head), this.options.keys);
    if (signatureProblem) {
      this.report(head.sequence, 'checkpoint-signature-invalid', `The signed head (event ${head.sequence}) cannot be trusted: ${signatureProblem}.`);
      return;
    }
    if (head.sequence > this.lastSequence) {
      this.report(
        this.lastSequence + 1,
        'tail-truncated',
        `The signed head records event ${head.sequence}, but the stored chain ends at event ${this.lastSequence}; the newest events were removed.`,
      );
    } else if (head.sequence < this.lastSequence) {
      this.report(
        head.sequence + 1,
        'inserted',
        `The chain continues to event ${this.lastSequence} past the signed head at event ${head.sequence}; events were added without the signing key.`,
      );
    } else if (head.headHash !== this.lastHash) {
      this.report(
        head.sequence,
        'checkpoint-head-mismatch',
        `The signed head records hash ${head.headHash} for event ${head.sequence}, but the stored chain hashes to ${this.lastHash}; the chain was rebuilt.`,
      );
    }
    if (head.checkpointCount !== this.options.checkpoints.length) {
      this.report(
        head.sequence,
        'checkpoint-missing',
        `The signed head records ${head.checkpointCount} checkpoints, but ${this.options.checkpoints.length} are stored.`,
      );
    }
  }

  private brokenCheckpointFor(problem: VerifyProblem): BrokenCheckpoint | undefined {
    const covering = [...this.options.checkpoints]
      .filter((checkpoint) => checkpoint.upToSequence >= problem.sequence)
      .sort((a, b) => a.upToSequence - b.upToSequence)[0];
    if (covering) return { kind: 'checkpoint', checkpointNumber: covering.checkpointNumber, upToSequence: covering.upToSequence };
    if (this.options.head) return { kind: 'head', sequence: this.options.head.sequence };
    return undefined;
  }

  private report(sequence: number, kind: VerifyProblemKind, detail: string): void {
    this.problemCount += 1;
    if (this.problems.length < MAX_REPORTED_PROBLEMS) this.problems.push({ sequence, kind, detail });
  }
}

function parseStoredEvent(eventJson: string): AuditEvent | string {
  let raw: unknown;
  try {
    raw = JSON.parse(eventJson);
  } catch (error) {
    return `its JSON is invalid (${(error as Error).message})`;
  }
  const result = auditEventSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    return `field ${issue.path.join('.') || '(event)'} is invalid (${issue.message})`;
  }
  return result.data;
}

/** Compares the indexed columns with the hashed event. The columns are copies for querying, so a difference means an edit. */
function compareColumns(row: StoredEventRow, event: AuditEvent): string | undefined {
  const pairs: Array<[string, unknown, unknown]> = [
    ['event_id', row.eventId, event.eventId],
    ['submission_id', row.submissionId ?? undefined, event.submissionId],
    ['reference', row.reference ?? undefined, event.reference],
    ['occurred_at_utc', row.occurredAtUtc, event.occurredAtUtc],
  ];
  for (const [column, stored, hashed] of pairs) {
    if (stored !== hashed) {
      return `Column ${column} of event ${event.sequence} reads ${JSON.stringify(stored)}, but the hashed event holds ${JSON.stringify(hashed)}; the column was edited.`;
    }
  }
  return undefined;
}
