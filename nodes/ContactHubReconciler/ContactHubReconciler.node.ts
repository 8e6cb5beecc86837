import {
  NodeConnectionTypes,
  NodeOperationError,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  type IPollFunctions,
} from 'n8n-workflow';
import { withIds } from '../shared/logging';
import { testContactHubStoreCredential } from '../shared/store';
import { properties } from './description';
import { reconcile, type FinalStep, type ReconciledItem } from './reconcile';
import { openReconcilerStore } from './store';

const SECONDS_PER_MINUTE = 60;

function toItems(items: ReconciledItem[]): INodeExecutionData[] {
  return items.map((item) => ({ json: item as unknown as INodeExecutionData['json'] }));
}

/**
 * Polls the intake ledger for submissions that stopped part-way and emits them for a re-drive
 * (first output) or, after the maximum attempts, for an alert (second output).
 */
export class ContactHubReconciler implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Contact Hub Reconciler',
    name: 'contactHubReconciler',
    icon: { light: 'file:contactHubReconciler.svg', dark: 'file:contactHubReconciler.dark.svg' },
    group: ['trigger'],
    version: 1,
    subtitle: '={{ "unfinished after " + $parameter["thresholdMinutes"] + " min" }}',
    description: 'Finds submissions that stopped part-way through a Contact Hub workflow and emits them for a re-drive',
    defaults: { name: 'Contact Hub Reconciler' },
    polling: true,
    inputs: [],
    outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
    outputNames: ['Re-drive', 'Alert'],
    credentials: [{ name: 'contactHubStoreApi', required: true, testedBy: 'contactHubStoreTest' }],
    properties,
  };

  methods = {
    credentialTest: { contactHubStoreTest: testContactHubStoreCredential },
  };

  async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
    const node = this.getNode();
    const options = this.getNodeParameter('options', {}) as { confirmWithAudit?: boolean };
    const preview = this.getMode() === 'manual';
    const store = await openReconcilerStore(this);

    let result;
    try {
      result = await reconcile(store, {
        thresholdSeconds: (this.getNodeParameter('thresholdMinutes', 15) as number) * SECONDS_PER_MINUTE,
        maxPerPoll: this.getNodeParameter('maxPerPoll', 50) as number,
        maxAttempts: this.getNodeParameter('maxAttempts', 3) as number,
        leaseSeconds: (this.getNodeParameter('leaseMinutes', 10) as number) * SECONDS_PER_MINUTE,
        finalStep: this.getNodeParameter('finalStep', 'written-to-athena') as FinalStep,
        confirmWithAudit: options.confirmWithAudit ?? true,
        owner: `contact-hub-reconciler:${this.getWorkflow().id ?? 'unsaved'}:${node.id}:${Date.now().toString(36)}`,
        preview,
      });
    } catch (error) {
      if (error instanceof RangeError) {
        throw new NodeOperationError(node, `Contact Hub Reconciler settings are invalid: ${error.message}`);
      }
      throw new NodeOperationError(node, error as Error, {
        message: 'Contact Hub Reconciler could not read or update the intake ledger',
        description: 'Check the Contact Hub Store credential and that the database is reachable. Nothing was claimed.',
      });
    }

    for (const submissionId of result.completed) {
      this.logger.info(withIds('Contact Hub Reconciler marked a submission completed', { submissionId }), { submissionId });
    }
    for (const item of result.redrive) {
      const metadata = {
        submissionId: item.submission.id,
        reference: item.reference,
        state: item.reconcile.state,
        attempts: item.reconcile.attempts,
        preview,
      };
      this.logger.info(withIds('Contact Hub Reconciler emits a submission for a re-drive', metadata), metadata);
    }
    for (const item of result.alert) {
      const metadata = {
        submissionId: item.submission.id,
        reference: item.reference,
        state: item.reconcile.state,
        attempts: item.reconcile.attempts,
        code: item.manualHandling?.code,
        preview,
      };
      this.logger.warn(withIds('Contact Hub Reconciler sent a submission to manual handling', metadata), metadata);
    }

    if (result.redrive.length === 0 && result.alert.length === 0) return null;
    return [toItems(result.redrive), toItems(result.alert)];
  }
}
