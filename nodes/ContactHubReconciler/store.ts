/** Opens the Contact Hub Store from the reconciler's credential; a failure names what to check. */
import { NodeOperationError, type IPollFunctions } from 'n8n-workflow';
import type { ContactHubStore } from '../../core/store/types';
import { getStore } from '../shared/store';

export async function openReconcilerStore(context: IPollFunctions): Promise<ContactHubStore> {
  try {
    return await getStore(context);
  } catch (error) {
    throw new NodeOperationError(context.getNode(), error as Error, {
      message: `Contact Hub Reconciler could not open the Contact Hub Store: ${(error as Error).message}`,
      description: 'Check the Contact Hub Store credential (database type, path or connection) and that the database is reachable.',
    });
  }
}
