/**
 * Marks a submission `written-to-athena` in the intake ledger when the optional Contact Hub Store
 * credential is set. The store helper `nodes/shared/store.ts` is loaded lazily, as the CHS Writer
 * does, so the writer also works in installations without a store.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { ContactHubStore } from '../../core/store/types';

export const STORE_CREDENTIAL_TYPE = 'contactHubStoreApi';

// NOTE: assumes `getStore(context)` exported by nodes/shared/store.ts, the signature the CHS Writer also assumes.
type GetStore = (context: IExecuteFunctions) => Promise<ContactHubStore>;

function loadGetStore(): GetStore | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../shared/store') as { getStore?: GetStore }).getStore;
  } catch {
    return undefined;
  }
}

export type LedgerOutcome = 'updated' | 'not-in-ledger' | 'no-store' | 'disabled';

/** Records the occurrence id on the submission's ledger entry. Store errors are thrown. */
export async function markWrittenToAthena(context: IExecuteFunctions, submissionId: string, occurrenceId: string, enabled: boolean): Promise<LedgerOutcome> {
  if (!enabled) return 'disabled';
  if (context.getNode().credentials?.[STORE_CREDENTIAL_TYPE] === undefined) return 'no-store';

  const getStore = loadGetStore();
  if (!getStore) {
    context.logger.warn('Athena Writer: a Contact Hub Store credential is set but the store helper is not available; ledger not updated', { submissionId });
    return 'no-store';
  }

  const store = await getStore(context);
  const entry = await store.intake.markState(submissionId, 'written-to-athena', { athenaOccurrenceId: occurrenceId });
  return entry ? 'updated' : 'not-in-ledger';
}
