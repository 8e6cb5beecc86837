/**
 * Marks a submission `written-to-chs` in the intake ledger when the optional Contact Hub Store
 * credential is set on the node.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { getStore, STORE_CREDENTIAL_TYPE } from '../shared/store';

/** `failed` is set by the caller when the store threw; the CHS write itself succeeded. */
export type LedgerOutcome = 'updated' | 'not-in-ledger' | 'no-store' | 'failed';

function hasStoreCredential(context: IExecuteFunctions): boolean {
  return context.getNode().credentials?.[STORE_CREDENTIAL_TYPE] !== undefined;
}

/** Records the CHS incident id on the submission's ledger entry. Store errors are thrown. */
export async function markWrittenToChs(context: IExecuteFunctions, submissionId: string, incidentId: string): Promise<LedgerOutcome> {
  if (!hasStoreCredential(context)) return 'no-store';

  const store = await getStore(context);
  const entry = await store.intake.markState(submissionId, 'written-to-chs', { chsIncidentId: incidentId });
  return entry ? 'updated' : 'not-in-ledger';
}
