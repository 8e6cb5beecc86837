/**
 * Marks a submission `written-to-chs` in the intake ledger when the optional Contact Hub Store
 * credential is set. The store helper `nodes/shared/store.ts` is loaded lazily, so the writer also
 * works in installations without a store.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import type { ContactHubStore } from '../../core/store/types';

export const STORE_CREDENTIAL_TYPE = 'contactHubStoreApi';

// NOTE: assumes `getStore(context)` from nodes/shared/store.ts, as the other nodes call it; adjust here if its signature differs.
type GetStore = (context: IExecuteFunctions) => Promise<ContactHubStore>;

function loadGetStore(): GetStore | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../shared/store') as { getStore?: GetStore }).getStore;
  } catch {
    return undefined;
  }
}

function hasStoreCredential(context: IExecuteFunctions): boolean {
  return context.getNode().credentials?.[STORE_CREDENTIAL_TYPE] !== undefined;
}

export type LedgerOutcome = 'updated' | 'not-in-ledger' | 'no-store';

/** Records the CHS incident id on the submission's ledger entry. Store errors are thrown. */
export async function markWrittenToChs(context: IExecuteFunctions, submissionId: string, incidentId: string): Promise<LedgerOutcome> {
  if (!hasStoreCredential(context)) return 'no-store';

  const getStore = loadGetStore();
  if (!getStore) {
    context.logger.warn('CHS Writer: a Contact Hub Store credential is set but the store helper is not available; ledger not updated', { submissionId });
    return 'no-store';
  }

  const store = await getStore(context);
  const entry = await store.intake.markState(submissionId, 'written-to-chs', { chsIncidentId: incidentId });
  return entry ? 'updated' : 'not-in-ledger';
}
