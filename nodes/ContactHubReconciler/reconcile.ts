/**
 * One poll of the Contact Hub Reconciler, on an open Contact Hub Store and without n8n types, so
 * tests can run it against a real SQLite or PostgreSQL store.
 *
 * A poll does three things, in this order:
 * 1. Confirms: entries at the path's final step whose audit event for that step is in the audit
 *    log are marked `completed`. This is the only place that sets `completed`.
 * 2. Claims: up to `maxPerPoll` unfinished entries (not `completed`, not `manual-handling`, last
 *    update older than the threshold, no live claim) are claimed with a lease. The claim adds one
 *    to the entry's re-drive count.
 * 3. Sorts: a claimed entry whose re-drive count is above `maxAttempts`, or whose stored document
 *    can no longer be read, is moved to `manual-handling` and goes to the Alert output. The rest go
 *    to the Re-drive output as canonical contact items.
 */
import { randomUUID } from 'node:crypto';
import { openAuditLog } from '../../core/audit/auditLog';
import type { CanonicalContact, ContactSource, ManualHandling } from '../../core/contact/types';
import { parseSubmission } from '../../core/sdm/parseSubmission';
import type { ContactHubStore, LedgerEntry, LedgerState } from '../../core/store/types';

/** The step after which a template's path is done: CHS only, or CHS and then Athena. */
export type FinalStep = 'written-to-chs' | 'written-to-athena';

export interface ReconcileOptions {
  /** An entry counts as unfinished only when its last update is at least this old. */
  thresholdSeconds: number;
  maxPerPoll: number;
  /** Re-drives allowed before an entry goes to the Alert output. */
  maxAttempts: number;
  /** How long a claim keeps other reconcilers off an entry; a claim expires if its holder dies. */
  leaseSeconds: number;
  finalStep: FinalStep;
  /** Require the audit event of the final step before marking an entry completed. */
  confirmWithAudit: boolean;
  /** Claim owner recorded on the ledger entry; unique per poll. */
  owner?: string;
  /** List what a poll would emit without claiming or changing anything (the editor's test fetch). */
  preview?: boolean;
  now?: () => Date;
}

/** The progress record the reconciler adds to each item it emits, as `reconcile`. */
export interface ReconcileDetails {
  /** Ledger state when the entry was claimed. */
  state: LedgerState;
  /** The last step the submission completed, in words. */
  lastStep: string;
  /** The step a re-drive has to do next, in words. */
  nextStep: string;
  /** Re-drives so far, this one included. */
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  receivedAt: string;
  /** When the claim expires (ISO 8601, UTC); null in a preview. */
  claimedUntil: string | null;
  claimOwner: string | null;
  /** Last update of the ledger entry before this poll. */
  updatedAt: string;
  preview: boolean;
}

export type ReconciledItem = Partial<CanonicalContact> & {
  submission: { id: string } & Partial<CanonicalContact['submission']>;
  reference?: string;
  reconcile: ReconcileDetails;
  manualHandling?: ManualHandling;
};

export interface ReconcileResult {
  /** Submission ids this poll marked `completed`. */
  completed: string[];
  redrive: ReconciledItem[];
  alert: ReconciledItem[];
}

export const MANUAL_HANDLING_CODES = {
  maxAttempts: 'reconciler-max-attempts',
  unreadableDocument: 'reconciler-document-unreadable',
} as const;

const STEP_DONE: Record<LedgerState, string> = {
  received: 'Stored in the intake ledger',
  'reference-allocated': 'Force reference allocated',
  'written-to-chs': 'CHS incident created',
  'written-to-athena': 'Athena occurrence created',
  completed: 'Completed',
  'manual-handling': 'Sent to manual handling',
};

const NEXT_STEP: Record<LedgerState, string> = {
  received: 'Allocate the force reference',
  'reference-allocated': 'Create the CHS incident',
  'written-to-chs': 'Create the Athena occurrence',
  'written-to-athena': 'Write the audit event for the Athena occurrence',
  completed: 'Nothing',
  'manual-handling': 'A person handles it',
};

/** Entries at the final step looked at per poll for confirmation; more wait for the next poll. */
export const MAX_CONFIRMATIONS_PER_POLL = 500;

function nextStepFor(state: LedgerState, finalStep: FinalStep): string {
  if (state === finalStep) return finalStep === 'written-to-chs' ? 'Write the audit event for the CHS incident' : NEXT_STEP[state];
  return NEXT_STEP[state];
}

function checkOptions(options: ReconcileOptions): void {
  const checks: Array<[string, number, number]> = [
    ['thresholdSeconds', options.thresholdSeconds, 0],
    ['maxPerPoll', options.maxPerPoll, 1],
    ['maxAttempts', options.maxAttempts, 1],
    ['leaseSeconds', options.leaseSeconds, 1],
  ];
  for (const [name, value, minimum] of checks) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) {
      throw new RangeError(`Reconciler option ${name} must be a number of at least ${minimum}; got ${String(value)}`);
    }
  }
  if (options.finalStep !== 'written-to-chs' && options.finalStep !== 'written-to-athena') {
    throw new RangeError(`Reconciler option finalStep must be written-to-chs or written-to-athena; got ${String(options.finalStep)}`);
  }
}

/** Whether the audit log holds a successful event of `step` for the submission. */
async function hasAuditEvent(store: ContactHubStore, submissionId: string, step: FinalStep): Promise<boolean> {
  const trail = await openAuditLog(store).trail({ submissionId });
  return trail.some(({ event }) => event.step === step && event.outcome === 'success');
}

/** Marks entries at the final step `completed` once their final audit event exists. */
async function confirmFinished(store: ContactHubStore, options: ReconcileOptions): Promise<string[]> {
  const candidates = await store.intake.listUnfinished({
    olderThanSeconds: options.thresholdSeconds,
    limit: MAX_CONFIRMATIONS_PER_POLL,
    states: [options.finalStep],
  });
  const completed: string[] = [];
  for (const entry of candidates) {
    if (options.confirmWithAudit && !(await hasAuditEvent(store, entry.submissionId, options.finalStep))) continue;
    const updated = await store.intake.markState(entry.submissionId, 'completed');
    if (updated?.state === 'completed') completed.push(entry.submissionId);
  }
  return completed;
}

/** Re-drives including this one. A claim has already counted it; a preview has not. */
function attemptNumber(entry: LedgerEntry, preview: boolean): number {
  return preview ? entry.redriveCount + 1 : entry.redriveCount;
}

function details(entry: LedgerEntry, options: ReconcileOptions, preview: boolean): ReconcileDetails {
  return {
    state: entry.state,
    lastStep: STEP_DONE[entry.state],
    nextStep: nextStepFor(entry.state, options.finalStep),
    attempts: attemptNumber(entry, preview),
    maxAttempts: options.maxAttempts,
    lastError: entry.lastError,
    receivedAt: entry.receivedAt,
    claimedUntil: preview ? null : entry.claimExpiresAt,
    claimOwner: preview ? null : entry.claimOwner,
    updatedAt: entry.updatedAt,
    preview,
  };
}

/** Re-parses the stored document into the canonical contact item, as the trigger did on receipt. */
function reparse(entry: LedgerEntry): { ok: true; contact: CanonicalContact } | { ok: false; reason: string } {
  const source: ContactSource = entry.source === 'email' || entry.source === 'raw-soh' ? entry.source : 'standard-api';
  const parsed = parseSubmission(entry.document, { source, receivedAt: new Date(entry.receivedAt) });
  if (parsed.ok) return parsed;
  const first = parsed.errors[0];
  return { ok: false, reason: `${first?.title ?? 'Invalid document'}: ${first?.detail ?? `HTTP ${parsed.status}`}` };
}

function bareItem(entry: LedgerEntry, reconcile: ReconcileDetails): ReconciledItem {
  const item: ReconciledItem = { submission: { id: entry.submissionId }, reconcile };
  if (entry.formType) item.formType = entry.formType;
  if (entry.reference) item.reference = entry.reference;
  return item;
}

async function sendToManualHandling(
  store: ContactHubStore,
  entry: LedgerEntry,
  item: ReconciledItem,
  manualHandling: ManualHandling,
  owner: string,
): Promise<ReconciledItem> {
  await store.intake.markState(entry.submissionId, 'manual-handling', { manualReason: manualHandling.reason });
  await store.intake.releaseClaim(entry.submissionId, owner);
  return { ...item, manualHandling };
}

/** Runs one reconciler poll; see the file comment for what it changes. */
export async function reconcile(store: ContactHubStore, options: ReconcileOptions): Promise<ReconcileResult> {
  checkOptions(options);
  const preview = options.preview === true;
  const now = options.now ?? (() => new Date());
  const owner = options.owner ?? `contact-hub-reconciler:${randomUUID()}`;

  const completed = preview ? [] : await confirmFinished(store, options);
  const entries = preview
    ? await store.intake.listUnfinished({ olderThanSeconds: options.thresholdSeconds, limit: Math.floor(options.maxPerPoll) })
    : await store.intake.claimUnfinished({
        olderThanSeconds: options.thresholdSeconds,
        owner,
        leaseSeconds: options.leaseSeconds,
        limit: Math.floor(options.maxPerPoll),
      });

  const result: ReconcileResult = { completed, redrive: [], alert: [] };
  for (const entry of entries) {
    const reconcileDetails = details(entry, options, preview);
    const parsed = reparse(entry);

    if (!parsed.ok) {
      const manualHandling: ManualHandling = {
        code: MANUAL_HANDLING_CODES.unreadableDocument,
        reason:
          `The stored document of submission ${entry.submissionId} can no longer be read (${parsed.reason}), ` +
          `so it cannot be re-driven after "${STEP_DONE[entry.state]}". Key it in by hand from the intake ledger.`,
        at: now().toISOString(),
      };
      const item = bareItem(entry, reconcileDetails);
      result.alert.push(preview ? { ...item, manualHandling } : await sendToManualHandling(store, entry, item, manualHandling, owner));
      continue;
    }

    const item: ReconciledItem = { ...parsed.contact, reconcile: reconcileDetails };
    if (entry.reference) item.reference = entry.reference;

    // The attempt number is above the maximum only when every allowed re-drive has been used.
    if (attemptNumber(entry, preview) > options.maxAttempts) {
      const manualHandling: ManualHandling = {
        code: MANUAL_HANDLING_CODES.maxAttempts,
        reason:
          `Submission ${entry.submissionId} stopped at "${STEP_DONE[entry.state]}" and was re-driven ${options.maxAttempts} ` +
          `time(s) without finishing${entry.lastError ? ` (last error: ${entry.lastError})` : ''}. ` +
          `Next step: ${nextStepFor(entry.state, options.finalStep)}. Finish it by hand, then mark it completed.`,
        at: now().toISOString(),
      };
      result.alert.push(preview ? { ...item, manualHandling } : await sendToManualHandling(store, entry, item, manualHandling, owner));
      continue;
    }
    result.redrive.push(item);
  }
  return result;
}
