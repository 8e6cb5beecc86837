/**
 * Opens the Contact Hub Store from the node's `contactHubStoreApi` credential through the shared
 * helper in `nodes/shared/store.ts`, which every node uses so they all read the same credential
 * the same way.
 */
import { NodeOperationError, type IPollFunctions } from 'n8n-workflow';
import type { ContactHubStore } from '../../core/store/types';

type GetStore = (context: IPollFunctions) => Promise<ContactHubStore>;

// NOTE: loaded lazily and called with the poll context; the shared helper is typed for
// IExecuteFunctions but only reads the credential, which poll contexts provide the same way.
function loadGetStore(): GetStore | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../shared/store') as { getStore?: GetStore }).getStore;
  } catch {
    return undefined;
  }
}

export async function openReconcilerStore(context: IPollFunctions): Promise<ContactHubStore> {
  const getStore = loadGetStore();
  if (!getStore) {
    throw new NodeOperationError(
      context.getNode(),
      'The Contact Hub Store helper is missing from this installation of n8n-nodes-contact-hub; reinstall the package',
    );
  }
  try {
    return await getStore(context);
  } catch (error) {
    if (error instanceof NodeOperationError) throw error;
    throw new NodeOperationError(context.getNode(), error as Error, {
      message: 'Contact Hub Reconciler could not open the Contact Hub Store',
      description: 'Check the Contact Hub Store credential (database type, path or connection) and that the database is reachable.',
    });
  }
}
