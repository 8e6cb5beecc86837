/**
 * Updates a submission's intake ledger entry from a writer node, when the node has the optional
 * Contact Hub Store credential. Writers call it after their own write has succeeded or has failed
 * for good, so the reconciler can tell where each submission stopped.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { LedgerState, MarkStateDetails } from '../../core/store/types';
import { withIds } from './logging';
import { getStore, STORE_CREDENTIAL_TYPE } from './store';

/** `failed` is set by callers that catch a store error after their own write succeeded. */
export type LedgerOutcome = 'updated' | 'not-in-ledger' | 'no-store' | 'disabled' | 'failed';

export function hasStoreCredential(context: IExecuteFunctions): boolean {
  return context.getNode().credentials?.[STORE_CREDENTIAL_TYPE] !== undefined;
}

/** Moves the submission's ledger entry to `state`. Store errors are thrown. */
export async function markLedgerState(
  context: IExecuteFunctions,
  submissionId: string,
  state: LedgerState,
  details: MarkStateDetails = {},
): Promise<LedgerOutcome> {
  if (!hasStoreCredential(context)) return 'no-store';

  const store = await getStore(context);
  const entry = await store.intake.markState(submissionId, state, details);
  return entry ? 'updated' : 'not-in-ledger';
}

/**
 * Puts the submissions of failed items that carry `manualHandling` into the ledger state
 * `manual-handling` with its reason, so the reconciler stops re-driving what a person must now
 * handle. A store failure is logged and does not fail the items: the reconciler still alerts on
 * the submission later.
 */
export async function markManualHandlingForFailures(context: IExecuteFunctions, items: INodeExecutionData[], nodeLabel: string): Promise<void> {
  if (!hasStoreCredential(context)) return;

  for (const item of items) {
    // Under "Continue (using error output)" the fields travel under `details` (see items.ts).
    const fields = (item.json.details as IDataObject | undefined) ?? item.json;
    const manualHandling = fields.manualHandling as { code?: string; reason?: string } | undefined;
    const error = item.json.error as IDataObject | undefined;
    const submissionId = error?.submissionId;
    if (!manualHandling?.reason || typeof submissionId !== 'string') continue;

    try {
      await markLedgerState(context, submissionId, 'manual-handling', {
        manualReason: manualHandling.reason,
        lastError: typeof error?.message === 'string' ? error.message : null,
      });
    } catch (storeError) {
      const metadata = { submissionId, code: manualHandling.code, error: (storeError as Error).message };
      context.logger.warn(withIds(`${nodeLabel}: could not record manual handling in the intake ledger`, metadata), metadata);
    }
  }
}
