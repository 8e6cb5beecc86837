/** Dispatches each item to the selected CHS Writer operation through the shared item loop. */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';
import type { ManualHandling } from '../../../core/contact/types';
import { retryInfoFromError } from '../../shared/http';
import { processItems } from '../../shared/items';
import { markManualHandlingForFailures } from '../../shared/ledger';
import { withIds } from '../../shared/logging';
import type { ChsOperation } from '../description';
import { readChsSettings, type ChsSettings } from '../transport';
import { addLogEntry } from './addLogEntry';
import { createIncident } from './createIncident';
import { getIncident } from './getIncident';
import { updateIncident } from './updateIncident';
import { getItemParameter } from '../../shared/parameters';

type Operation = (context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number, settings: ChsSettings) => Promise<IDataObject>;

const OPERATIONS: Record<ChsOperation, Operation> = {
  createIncident,
  updateIncident,
  addLogEntry,
  getIncident,
};

const OPERATION_VERBS: Record<ChsOperation, string> = {
  createIncident: 'create the incident',
  updateIncident: 'update the incident',
  addLogEntry: 'add the log entry',
  getIncident: 'read the incident',
};

function submissionIdOf(context: IExecuteFunctions, item: INodeExecutionData, itemIndex: number): string | undefined {
  try {
    const value = getItemParameter(context, 'submissionId', itemIndex, '');
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  } catch {
    // The expression itself may be what failed; fall back to the item.
  }
  const submission = item.json.submission as IDataObject | undefined;
  return typeof submission?.id === 'string' ? submission.id : undefined;
}

/** Reads the reference and CHS incident id an item already carries, for log lines. */
function idsOf(item: INodeExecutionData): { reference?: string; incidentId?: string } {
  const reference = item.json.reference;
  const incidentId = (item.json.chs as IDataObject | undefined)?.incidentId;
  return {
    ...(typeof reference === 'string' ? { reference } : {}),
    ...(typeof incidentId === 'string' ? { incidentId } : {}),
  };
}

export async function route(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  const operationName = context.getNodeParameter('operation', 0) as ChsOperation;
  const operation = OPERATIONS[operationName];
  if (!operation) {
    throw new NodeOperationError(context.getNode(), `Unknown operation "${operationName}"`, { description: `Choose one of: ${Object.keys(OPERATIONS).join(', ')}.` });
  }

  const output = await processItems(
    context,
    async (item, itemIndex) => operation(context, item, itemIndex, await readChsSettings(context, itemIndex)),
    {
      describeFailure: (error, item, itemIndex) => {
        const info = error instanceof NodeOperationError ? { retryable: false } : retryInfoFromError(error);
        const submissionId = submissionIdOf(context, item, itemIndex);
        const metadata = { ...idsOf(item), submissionId, retryable: info.retryable, error: (error as Error).message };
        context.logger.warn(withIds(`CHS Writer: ${operationName} failed; continuing because continue-on-fail is on`, metadata), metadata);
        return {
          submissionId: submissionId ?? null,
          operation: operationName,
          retryable: info.retryable,
          ...(info.attempts !== undefined ? { attempts: info.attempts } : {}),
        };
      },
      failureFields: (_error, _item, details) => {
        if (details.retryable !== false) return {};
        const manualHandling: ManualHandling = {
          code: 'chs-write-failed',
          reason: `The CHS Writer could not ${OPERATION_VERBS[operationName]} for submission ${String(details.submissionId ?? 'unknown')}, and a retry will not help: ${String(details.message)}. Key it into the CHS by hand, or correct the data and run the item again.`,
          at: new Date().toISOString(),
        };
        return { manualHandling: manualHandling as unknown as IDataObject };
      },
    },
  );
  await markManualHandlingForFailures(context, output, 'CHS Writer');
  return [output];
}
